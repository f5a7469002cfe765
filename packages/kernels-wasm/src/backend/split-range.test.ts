/**
 * Elementwise kernels split into ranges over the threads (`WasmKernels.splitRange`): the fused
 * optimizer updates, activationBackward and unary ops on tensors large enough to split give
 * the same bits on two threads as on one, and a non-finite value in any range (the last one,
 * which a worker may run) is reported, so the optimizer's finiteness check still sees it. Pooling
 * and its gradients split by images give the one-thread bits too.
 */
import {
  type BackendV1,
  type Tensor,
  adamUpdate,
  allFinite,
  mul,
  relu,
  rmspropUpdate,
  sgdUpdate,
  sigmoid,
  sum,
  tensor,
  valueAndGrad,
  withBackend,
} from '@lec/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { randomF32 } from '../../test/reference.js';
import { loadKernels } from '../load-kernels.js';
import { wasmBackend } from '../wasm-backend.js';

/** Large enough for every op here to split on two threads; not a multiple of 16. */
const SIZE = 200_003;

const features = ['relaxed', 'simd'] as const;
const backends = features.map((feature) => [1, 2].map((threads) => wasmBackend({ feature, threads })));
afterAll(async () => {
  for (const b of backends.flat()) (await b).disposeBackend();
});

/** Index of the first element whose bits differ (−1: none; lengths must match). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -2;
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Every op's outputs as arrays, and whether allFinite accepts each optimizer's outputs. */
function run(backend: BackendV1, nanAt: number | undefined) {
  return withBackend(backend, () => {
    const t = (seed: number) => tensor(randomF32(SIZE, seed), [SIZE]);
    const positive = (seed: number) => tensor(randomF32(SIZE, seed).map(Math.abs), [SIZE]);
    const g = randomF32(SIZE, 2);
    if (nanAt !== undefined) g[nanAt] = Number.NaN;
    const grad = tensor(g, [SIZE]);
    const adam = adamUpdate(t(1), grad, t(3), positive(4), { learningRate: 1e-3, step: 3 });
    const sgd = sgdUpdate(t(1), grad, t(3), { learningRate: 0.1, momentum: 0.9 });
    const rms = rmspropUpdate(t(1), grad, positive(4), null, { learningRate: 0.01, momentum: 0.5 });
    const finite = [allFinite(adam), allFinite(sgd.filter((x) => x !== null)), allFinite(rms.filter((x) => x !== null))];
    const x = t(5);
    const dy = t(6);
    const gradients: Float32Array[] = [];
    for (const f of [relu, sigmoid]) {
      // the gradient runs the activationBackward fast path on dy
      const { value, grads } = valueAndGrad((input: Tensor) => sum(mul(f(input), dy)))(x);
      gradients.push(Float32Array.of(value.item()), grads[0].dataSync() as Float32Array);
    }
    const outputs = [...adam, ...sgd, ...rms].filter((x) => x !== null).map((x) => x.dataSync() as Float32Array);
    return { outputs, gradients, finite };
  });
}

describe('wasm elementwise kernels split over threads', () => {
  it('splitRange runs the ranges in order and returns each one’s result', async () => {
    const kernels = await loadKernels({ feature: 'relaxed', threads: 2 });
    try {
      const arena = kernels.arena;
      const mark = arena.mark();
      const values = randomF32(SIZE, 9);
      values[SIZE - 1] = Number.POSITIVE_INFINITY;
      const ptr = arena.allocF32(SIZE, values);
      const results = kernels.splitRange(SIZE, 100, (begin, count) => ({ kernel: 'all_finite_f32', args: [ptr + begin * 4, count] }));
      expect(results.length).toBeGreaterThan(1);
      expect(results).toEqual([...new Array(results.length - 1).fill(1), 0]);
      expect(kernels.splitRange(100, 100, (begin, count) => ({ kernel: 'all_finite_f32', args: [ptr + begin * 4, count] }))).toEqual([1]);
      arena.release(mark);
    } finally {
      kernels.dispose();
    }
  });

  it.each([0, 1])(
    '%i: optimizer updates, relu and sigmoid gradients on two threads equal one thread bit for bit',
    async (f) => {
      const [a, b] = [run(await backends[f][0], undefined), run(await backends[f][1], undefined)];
      expect((await backends[f][1]).info().threads).toBe(2);
      const pairs = [...a.outputs.map((x, i) => [x, b.outputs[i]]), ...a.gradients.map((x, i) => [x, b.gradients[i]])];
      expect(pairs.length).toBe(12);
      expect(pairs.map(([x, y]) => firstDifference(x, y))).toEqual(new Array(pairs.length).fill(-1));
      expect(b.finite).toEqual([true, true, true]);
    },
    60_000,
  );

  it.each([0, SIZE >> 1, SIZE - 1])(
    'a NaN gradient at %i makes every update non-finite on two threads',
    async (at) => {
      const { finite } = run(await backends[0][1], at);
      expect(finite).toEqual([false, false, false]);
    },
    60_000,
  );
});

describe('pooling split by images over threads', () => {
  const pools = [
    { window: 2, stride: 2, pad: 0 }, // LeNet's pool1: disjoint windows
    { window: 3, stride: 2, pad: 1 }, // overlapping windows, padding
  ];
  it.each(pools)(
    '%o: max and average pooling and their gradients equal one thread bit for bit',
    async ({ window, stride, pad }) => {
      const [one, two] = await Promise.all([
        loadKernels({ feature: 'relaxed', threads: 1 }),
        loadKernels({ feature: 'relaxed', threads: 2 }),
      ]);
      try {
        const [batch, size, channels] = [64, 24, 6];
        const outSize = Math.floor((size + 2 * pad - window) / stride) + 1;
        const g = {
          batch,
          inHeight: size,
          inWidth: size,
          channels,
          outHeight: outSize,
          outWidth: outSize,
          windowHeight: window,
          windowWidth: window,
          strideHeight: stride,
          strideWidth: stride,
          padTop: pad,
          padLeft: pad,
          padBottom: pad,
          padRight: pad,
        };
        const x = randomF32(batch * size * size * channels, 11);
        const dy = randomF32(batch * outSize * outSize * channels, 12);
        const spy = vi.spyOn(two, 'runChunks');
        const results = (k: typeof one) => [
          k.maxPool2d(x, g),
          k.maxPool2dBackward(dy, x, g),
          k.avgPool2d(x, g),
          k.avgPool2dBackward(dy, g),
        ];
        const [a, b] = [results(one), results(two)];
        expect(a.map((r, i) => firstDifference(r, b[i]))).toEqual([-1, -1, -1, -1]);
        expect(spy.mock.calls.every(([chunks]) => chunks.length > 1)).toBe(two.threads > 1);
      } finally {
        one.dispose();
        two.dispose();
      }
    },
    60_000,
  );
});

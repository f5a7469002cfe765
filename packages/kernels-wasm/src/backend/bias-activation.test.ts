/**
 * The fused dense epilogue (`biasActivationBackward`, and matmul with `activation` through the
 * fused gemm): the wasm kernel against the js backend's loop, bit for bit (NaN, ±∞, −0), on
 * every build; a dense layer's gradients with both fast paths against the unfused ops (relu,
 * sigmoid, tanh after matmul + bias) within float32 tolerance; a gradient of a gradient.
 */
import {
  type BackendV1,
  type Tensor,
  add,
  cpuBiasActivation,
  grad,
  jsBackend,
  matmul,
  mul,
  relu,
  sigmoid,
  sum,
  tanh,
  tensor,
  withBackend,
} from '@lec/tensor';
import { describe, expect, it, vi } from 'vitest';
import { rng } from '../../test/reference.js';
import { wasmBackend } from '../wasm-backend.js';

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 30, -30, 1e-40];
const ACTS = { relu, sigmoid, tanh } as const;
type Act = keyof typeof ACTS;

function values(seed: number, n: number, lo: number, hi: number, specials: boolean): number[] {
  const random = rng(seed);
  return Array.from({ length: n }, (_, i) => (specials && i % 7 === 3 ? SPECIALS[(i >> 3) % SPECIALS.length] : lo + random() * (hi - lo)));
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]) && Number.isNaN(got[i])) continue;
    if (!Object.is(got[i], want[i])) expect(`${what} [${i}] ${got[i]}`).toBe(`${what} [${i}] ${want[i]}`);
  }
}

describe.each(['scalar', 'simd', 'relaxed'] as const)('biasActivationBackward (%s)', (feature) => {
  it.each(Object.keys(ACTS) as Act[])('%s: dz and the bias gradient are the js loop, bit for bit (specials; n 1–37)', async (act) => {
    const backend = await wasmBackend({ feature, threads: 1 });
    const js = jsBackend();
    const ref = cpuBiasActivation(js).biasActivationBackward!;
    for (const dtype of ['float32', 'float64'] as const)
      for (const [m, n] of [
        [0, 3],
        [1, 1],
        [3, 4],
        [5, 13],
        [64, 37],
      ])
        for (const specials of [false, true]) {
          const dy = values(m * n + 1, m * n, -2, 2, specials);
          const y = values(m * n + 2, m * n, act === 'tanh' ? -1 : 0, act === 'relu' ? 3 : 1, specials);
          const got = backend.fastPaths.biasActivationBackward!(
            act,
            backend.fromArray(dy, dtype),
            backend.fromArray(y, dtype),
            m,
            n,
            true,
            dtype,
          );
          const want = ref(act, js.fromArray(dy, dtype), js.fromArray(y, dtype), m, n, true, dtype);
          const what = `${act} ${dtype} [${m}, ${n}] specials ${specials}`;
          expectSame(backend.read(got.dz, dtype), js.read(want.dz, dtype), `${what} dz`);
          expectSame(backend.read(got.dbias!, dtype), js.read(want.dbias!, dtype), `${what} dbias`);
          const noBias = backend.fastPaths.biasActivationBackward!(
            act,
            backend.fromArray(dy, dtype),
            backend.fromArray(y, dtype),
            m,
            n,
            false,
            dtype,
          );
          expect(noBias.dbias).toBeNull();
          expectSame(backend.read(noBias.dz, dtype), js.read(want.dz, dtype), `${what} dz without bias`);
        }
  });
});

/** The gradients of sum(act(x·W + b)·w) for x, W and b, as Float64 arrays. */
function denseGrads(backend: BackendV1, act: Act, fused: boolean, m: number, k: number, n: number): Float64Array[] {
  return withBackend(backend, () => {
    const x = tensor(values(1, m * k, -1, 1, false), [m, k]);
    const W = tensor(values(2, k * n, -1, 1, false), [k, n]);
    const b = tensor(values(3, n, -1, 1, false), [n]);
    const w = tensor(values(4, m * n, -1, 1, false), [m, n]);
    const f = (xs: Tensor, ws: Tensor, bs: Tensor) =>
      sum(mul(fused ? matmul(xs, ws, { bias: bs, activation: act }) : ACTS[act](add(matmul(xs, ws), bs)), w));
    return grad(f)(x, W, b).map((g) => Float64Array.from(g.dataSync()));
  });
}

describe('matmul with activation on the wasm backend', () => {
  it.each(Object.keys(ACTS) as Act[])('%s: the fused dense gradients match the unfused ops (both fast paths used)', async (act) => {
    const backend = await wasmBackend({ feature: 'simd', threads: 1 });
    const gemm = vi.spyOn(backend.fastPaths, 'gemm');
    const epilogue = vi.spyOn(backend.fastPaths, 'biasActivationBackward');
    const fused = denseGrads(backend, act, true, 64, 33, 19);
    expect(gemm.mock.calls.some((c) => c[4] === act)).toBe(true);
    expect(epilogue).toHaveBeenCalledTimes(1);
    const unfused = denseGrads(backend, act, false, 64, 33, 19);
    fused.forEach((g, i) => {
      for (let j = 0; j < g.length; j++) expect(g[j]).toBeCloseTo(unfused[i][j], 4);
    });
  });

  it('a gradient of a gradient runs the composite', async () => {
    const backend = await wasmBackend({ feature: 'simd', threads: 1 });
    withBackend(backend, () => {
      const W = tensor([
        [0.5, -1],
        [2, 0.25],
      ]);
      const xs = tensor([[0.3, -0.7]]);
      const second = (fused: boolean) =>
        grad((x: Tensor) => sum(grad((u: Tensor) => sum(fused ? matmul(u, W, { activation: 'tanh' }) : tanh(matmul(u, W))))(x)[0]))(
          xs,
        )[0].dataSync();
      const a = second(true);
      const b = second(false);
      expect(Math.abs(a[0]) + Math.abs(a[1])).toBeGreaterThan(0.01);
      for (let i = 0; i < 2; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    });
  });
});

/**
 * The fused activation gradient (`activationBackward`) against the unfused path: gradients
 * of relu, sigmoid and tanh on the wasm backend with the fast path and on the same backend
 * without it (the ops' composite), bit for bit, NaN, ±∞ and −0 included, on every build; a
 * gradient of a gradient (the composite runs while a tape records); float64.
 */
import { type BackendV1, type Tensor, grad, mul, relu, sigmoid, sum, tanh, tensor, withBackend } from '@lec/tensor';
import { describe, expect, it, vi } from 'vitest';
import { rng } from '../../test/reference.js';
import { type WasmBackend, wasmBackend } from '../wasm-backend.js';

const ACTIVATIONS = { relu, sigmoid, tanh } as const;
const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 30, -30, 1e-40];

/** The same backend with its activationBackward fast path removed (the ops fall back to their composite). */
function unfused(backend: WasmBackend): BackendV1 {
  return { ...backend, fastPaths: { ...backend.fastPaths, activationBackward: undefined } } as BackendV1;
}

/** n values in [-4, 4), with specials at every 7th place when asked. */
function values(seed: number, n: number, specials: boolean): number[] {
  const random = rng(seed);
  return Array.from({ length: n }, (_, i) => (specials && i % 7 === 3 ? SPECIALS[(i >> 3) % SPECIALS.length] : random() * 8 - 4));
}

/** The gradient of sum(act(x)·w) with respect to x on `backend` (w sets dy, specials included). */
function gradient(
  backend: BackendV1,
  act: (x: Tensor) => Tensor,
  x: number[],
  w: number[],
  dtype: 'float32' | 'float64',
): Float32Array | Float64Array {
  return withBackend(backend, () => {
    const tw = tensor(w, [w.length], { dtype });
    const [dx] = grad((t: Tensor) => sum(mul(act(t), tw)))(tensor(x, [x.length], { dtype }));
    return dx.dataSync() as Float32Array | Float64Array;
  });
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]) && Number.isNaN(got[i])) continue;
    if (!Object.is(got[i], want[i])) expect(`${what} [${i}] ${got[i]}`).toBe(`${what} [${i}] ${want[i]}`);
  }
}

describe.each(['scalar', 'simd', 'relaxed'] as const)('activationBackward (%s)', (feature) => {
  it.each(Object.keys(ACTIVATIONS) as (keyof typeof ACTIVATIONS)[])(
    '%s: the fused gradient is the composite, bit for bit (NaN, ±∞, −0; sizes 0–37 and 1000)',
    async (name) => {
      const backend = await wasmBackend({ feature, threads: 1 });
      const act = ACTIVATIONS[name];
      const spy = vi.spyOn(backend.fastPaths, 'activationBackward');
      for (const dtype of ['float32', 'float64'] as const)
        for (const n of [0, 1, 3, 4, 5, 8, 13, 37, 1000])
          for (const specials of [false, true]) {
            const x = values(n + 1, n, specials);
            const w = values(n + 2, n, specials && n % 2 === 1);
            const what = `${name} ${dtype} n ${n} specials ${specials}`;
            expectSame(gradient(backend, act, x, w, dtype), gradient(unfused(backend), act, x, w, dtype), what);
          }
      expect(spy.mock.calls.length).toBeGreaterThan(0);
      expect(spy.mock.calls.every(([a]) => a === name)).toBe(true);
    },
  );
});

describe('activationBackward under a recording tape', () => {
  it('a gradient of a gradient runs the composite (d²/dx² of tanh, sigmoid and relu)', async () => {
    const backend = await wasmBackend({ feature: 'simd', threads: 1 });
    // (the fused gradient inside the inner backward pass would be a constant to the outer
    // tape, and every second derivative below would come out 0)
    const xs = [-1.5, -0.25, 0.5, 2];
    withBackend(backend, () => {
      const second = (act: (t: Tensor) => Tensor) =>
        grad((t: Tensor) => sum(grad((u: Tensor) => sum(act(u)))(t)[0]))(tensor(xs))[0].dataSync();
      const th = xs.map(Math.tanh);
      const sg = xs.map((v) => 1 / (1 + Math.exp(-v)));
      const got = { tanh: second(tanh), sigmoid: second(sigmoid), relu: second(relu) };
      xs.forEach((_, i) => {
        expect(got.tanh[i]).toBeCloseTo(-2 * th[i] * (1 - th[i] * th[i]), 5);
        expect(got.sigmoid[i]).toBeCloseTo(sg[i] * (1 - sg[i]) * (1 - 2 * sg[i]), 5);
        expect(got.relu[i]).toBe(0);
      });
    });
  });
});

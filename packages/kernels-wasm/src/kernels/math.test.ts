/**
 * Accuracy of the SIMD transcendentals (assembly/math-f32.ts) over a sweep of each function's
 * domain: uniform over the interesting interval plus log-uniform magnitudes down to 2^-40
 * (subnormals too for log), against Math.* in f64 rounded to f32. The bounds asserted are
 * the documented ones (ulps of results that are normal floats); the measured maxima are
 * printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKernels } from '../load-kernels.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { unaryArray } from './elementwise.js';

const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** Function, reference, documented bound in ulps, and the sweep: uniform [lo, hi] and log-uniform magnitudes 2^[e0, e1] with signs. */
const CASES = [
  { op: 'exp', ref: Math.exp, ulps: 1, uniform: [-104, 89], magnitudes: [-40, 6.4], signs: [1, -1] },
  { op: 'expm1', ref: Math.expm1, ulps: 4, uniform: [-20, 88.7], magnitudes: [-40, 6.4], signs: [1, -1] },
  { op: 'log', ref: Math.log, ulps: 3, uniform: [0.25, 4], magnitudes: [-149, 127.9], signs: [1] },
  { op: 'log1p', ref: Math.log1p, ulps: 3, uniform: [-1, 4], magnitudes: [-40, 127.9], signs: [1, -1] },
  { op: 'tanh', ref: Math.tanh, ulps: 3, uniform: [-12, 12], magnitudes: [-40, 4], signs: [1, -1] },
  { op: 'sigmoid', ref: sigmoid, ulps: 2, uniform: [-110, 110], magnitudes: [-40, 7], signs: [1, -1] },
] as const;

const MIN_NORMAL = 2 ** -126;

/** Distance in representable floats between two finite f32 values. */
function ulps(a: number, b: number): number {
  const f = Float32Array.of(a, b);
  const i = new Int32Array(f.buffer);
  const ordered = (v: number) => (v < 0 ? -(v & 0x7fffffff) : v);
  return Math.abs(ordered(i[0]) - ordered(i[1]));
}

for (const feature of ['simd', 'relaxed'] as const) {
  describe(`SIMD transcendentals, ${feature} build`, () => {
    let kernels: WasmKernels;
    beforeAll(async () => {
      kernels = await loadKernels({ feature });
    });
    afterAll(() => kernels.dispose());

    for (const { op, ref, ulps: bound, uniform, magnitudes, signs } of CASES) {
      it(`${op} is within ${bound} ulp of the f64 reference over its domain`, { timeout: 30_000 }, () => {
        const n = 1 << 17;
        const x = new Float32Array(2 * n);
        for (let i = 0; i < n; i++) {
          x[i] = uniform[0] + ((uniform[1] - uniform[0]) * i) / (n - 1);
          const e = magnitudes[0] + ((magnitudes[1] - magnitudes[0]) * i) / (n - 1);
          x[n + i] = signs[i % signs.length] * 2 ** e;
        }
        const y = unaryArray(kernels, op, x);
        let worst = 0;
        let worstAt = 0;
        let worstRel = 0;
        for (let i = 0; i < x.length; i++) {
          const r = Math.fround(ref(x[i]));
          if (!Number.isFinite(r) || !Number.isFinite(y[i])) {
            expect(y[i], `${op}(${x[i]})`).toBe(r);
            continue;
          }
          if (Math.abs(r) < MIN_NORMAL) {
            expect(Math.abs(y[i] - r), `${op}(${x[i]})`).toBeLessThanOrEqual(MIN_NORMAL * 2 ** -20);
            continue;
          }
          const u = ulps(y[i], r);
          if (u > worst) {
            worst = u;
            worstAt = x[i];
          }
          worstRel = Math.max(worstRel, Math.abs(y[i] - r) / Math.abs(r));
        }
        console.log(`${feature} ${op}: max ${worst} ulp (at ${worstAt}), max relative error ${worstRel.toExponential(2)}`);
        expect(worst, `${op}: max ulp at ${worstAt}`).toBeLessThanOrEqual(bound);
      });
    }
  });
}

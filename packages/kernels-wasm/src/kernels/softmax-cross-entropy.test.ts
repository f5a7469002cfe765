/**
 * The softmax cross-entropy kernel against the JavaScript loop (f64) on every build: random
 * sizes around the SIMD width, large logits, and NaN/±∞ rows where the loss follows the
 * reference's −Σ onehot·(z − max − log Σ) (0·∞ is NaN).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../test/reference.js';
import { softmaxCrossEntropyJs } from '../js-kernels.js';
import { loadKernels } from '../load-kernels.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { softmaxCrossEntropyArray } from './softmax-cross-entropy.js';

function close(actual: number, expected: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= 1e-5 * Math.abs(expected) + 1e-7;
}

for (const feature of ['scalar', 'simd', 'relaxed'] as const) {
  describe(`softmax cross-entropy kernel, ${feature} build`, () => {
    let kernels: WasmKernels;
    beforeAll(async () => {
      kernels = await loadKernels({ feature });
    });
    afterAll(() => kernels.dispose());

    it('matches the float64 JavaScript loop on random logits, sizes and labels', { timeout: 30_000 }, () => {
      const random = rng(21);
      for (const [n, c] of [
        [1, 1],
        [3, 2],
        [4, 3],
        [5, 4],
        [2, 5],
        [7, 10],
        [64, 10],
        [3, 17],
        [2, 1000],
        [0, 4],
        [3, 0],
      ]) {
        const scale = [1, 10, 100][Math.floor(random() * 3)];
        const logits = Float32Array.from({ length: n * c }, () => (random() - 0.5) * scale);
        const labels = Int32Array.from({ length: n }, () => Math.floor(random() * c));
        const dExpected = new Float64Array(n * c);
        const lossExpected = softmaxCrossEntropyJs(logits, labels, n, c, dExpected);
        const { loss, dlogits } = softmaxCrossEntropyArray(kernels, logits, labels, n, c);
        expect(close(loss, lossExpected), `loss [${n}, ${c}]: ${loss} vs ${lossExpected}`).toBe(true);
        for (let i = 0; i < dExpected.length; i++) {
          expect(Math.abs(dlogits[i] - dExpected[i]), `dlogits [${n}, ${c}] at ${i}`).toBeLessThanOrEqual(
            1e-6 * Math.abs(dExpected[i]) + 1e-8,
          );
        }
      }
    });

    it('NaN and ±∞ logits give the reference loss and gradient', { timeout: 30_000 }, () => {
      const inf = Number.POSITIVE_INFINITY;
      const rows = [
        [1, 2, 3, 4, 5],
        [Number.NaN, 1, 2, 3, 4],
        [inf, 1, 2, 3, 4],
        [-inf, 1, 2, 3, 4],
        [1, -inf, 2, 3, 4],
        [-inf, -inf, -inf, -inf, -inf],
        [1000, -1000, 0, 500, 88],
      ];
      for (const label of [0, 1, 4]) {
        for (const row of rows) {
          const logits = Float32Array.from(row);
          const labels = Int32Array.of(label);
          const dExpected = new Float64Array(5);
          const lossExpected = softmaxCrossEntropyJs(logits, labels, 1, 5, dExpected);
          const { loss, dlogits } = softmaxCrossEntropyArray(kernels, logits, labels, 1, 5);
          expect(close(loss, lossExpected), `loss of [${row}] label ${label}: ${loss} vs ${lossExpected}`).toBe(true);
          for (let i = 0; i < 5; i++)
            expect(close(dlogits[i], dExpected[i]), `dlogits of [${row}] at ${i}: ${dlogits[i]} vs ${dExpected[i]}`).toBe(true);
        }
      }
    });

    it('refuses arrays that do not match [n, c]', { timeout: 30_000 }, () => {
      expect(() => softmaxCrossEntropyArray(kernels, new Float32Array(5), new Int32Array(2), 2, 3)).toThrow(/n·c = 6/);
      expect(() => softmaxCrossEntropyArray(kernels, new Float32Array(6), new Int32Array(3), 2, 3)).toThrow(/'labels' expected 2/);
    });
  });
}

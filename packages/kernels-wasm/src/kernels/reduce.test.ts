/**
 * The reduction kernels against the js backend on every build: random shapes and axis sets
 * (leading, trailing, middle, apart, all, none; size-0 and size-1 dimensions), NaN and ±∞,
 * and long sums against a float64 sum.
 */
import { type ReduceOp, ValueError, jsBackend } from '@lec/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../test/reference.js';
import { loadKernels } from '../load-kernels.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { reduceArray, reductionGroups } from './reduce.js';

const js = jsBackend();

const OPS: ReduceOp[] = ['sum', 'max', 'min'];

for (const feature of ['scalar', 'simd', 'relaxed'] as const) {
  describe(`reduce kernels, ${feature} build`, () => {
    let kernels: WasmKernels;
    beforeAll(async () => {
      kernels = await loadKernels({ feature });
    });
    afterAll(() => kernels.dispose());

    it('sum, max and min over random axis sets match the JavaScript loops', { timeout: 30_000 }, () => {
      const random = rng(7);
      const dims = [1, 2, 3, 4, 5, 6, 9, 17];
      for (let trial = 0; trial < 400; trial++) {
        const rank = Math.floor(random() * 5);
        const shape = Array.from({ length: rank }, () => dims[Math.floor(random() * dims.length)]);
        if (rank > 0 && random() < 0.05) shape[Math.floor(random() * rank)] = 0;
        const axes = shape.map((_, i) => i).filter(() => random() < 0.5);
        const size = shape.reduce((n, d) => n * d, 1);
        const x = Float32Array.from({ length: size }, () =>
          random() < 0.02 ? [Number.NaN, Infinity, -Infinity][trial % 3] : random() * 10 - 5,
        );
        for (const op of OPS) {
          const empty = axes.some((a) => shape[a] === 0) && shape.some((d, i) => !axes.includes(i) && d === 0) === false;
          if (op !== 'sum' && empty) {
            expect(() => reduceArray(kernels, op, x, shape, axes)).toThrow(ValueError);
            continue;
          }
          const expected = js.read(js.reduce(op, js.fromArray(x, 'float32'), shape, axes, 'float32'), 'float32');
          const actual = reduceArray(kernels, op, x, shape, axes);
          expect(actual.length).toBe(expected.length);
          const what = `${op} of [${shape}] over [${axes}]`;
          for (let i = 0; i < expected.length; i++) {
            const e = expected[i];
            if (Number.isNaN(e)) expect(actual[i], what).toBeNaN();
            else if (op === 'sum' && Number.isFinite(e))
              expect(Math.abs(actual[i] - e), what).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(e)));
            else expect(actual[i], what).toBe(e);
          }
        }
      }
    });

    it('long sums (rows and columns of 100 000) stay within the reduction tolerance of a float64 sum', { timeout: 30_000 }, () => {
      const random = rng(8);
      const n = 100_000;
      const x = Float32Array.from({ length: n * 3 }, () => random() * 2 - 0.9);
      const rows = reduceArray(kernels, 'sum', x, [3, n], [1]);
      const cols = reduceArray(kernels, 'sum', x, [n, 3], [0]);
      const rtol = 4 * Math.sqrt(n) * 2 ** -24;
      for (let j = 0; j < 3; j++) {
        let row = 0;
        let col = 0;
        for (let i = 0; i < n; i++) {
          row += x[j * n + i];
          col += x[i * 3 + j];
        }
        expect(Math.abs(rows[j] - row)).toBeLessThanOrEqual(rtol * Math.abs(row));
        expect(Math.abs(cols[j] - col)).toBeLessThanOrEqual(rtol * Math.abs(col));
      }
    });

    it('channel sums of NHWC gradients (2–16 channels, whole blocks and a ragged last one) match a float64 sum', () => {
      const random = rng(9);
      for (const c of [2, 3, 4, 5, 6, 8, 12, 16]) {
        const n = 1001 + c; // several blocks of 256 rows, and rows past the last whole run
        const x = Float32Array.from({ length: n * c }, () => random() * 2 - 0.9);
        const got = reduceArray(kernels, 'sum', x, [n, 1, 1, c], [0, 1, 2]);
        for (let j = 0; j < c; j++) {
          let want = 0;
          let size = 0;
          for (let i = 0; i < n; i++) {
            want += x[i * c + j];
            size += Math.abs(x[i * c + j]);
          }
          expect(Math.abs(got[j] - want), `c = ${c}, channel ${j}`).toBeLessThanOrEqual(4 * Math.sqrt(n) * 2 ** -24 * size + 1e-6);
        }
      }
    });

    it('refuses max over an empty axis and an x whose length does not match its shape', { timeout: 30_000 }, () => {
      expect(() => reduceArray(kernels, 'max', new Float32Array(0), [3, 0], [1])).toThrow(/cannot reduce an empty axis/);
      expect(reduceArray(kernels, 'sum', new Float32Array(0), [3, 0], [1])).toEqual(new Float32Array(3));
      expect(() => reduceArray(kernels, 'sum', new Float32Array(5), [2, 3], [1])).toThrow(/'x' holds 5 values/);
      expect(() => reduceArray(kernels, 'sum', new Float32Array(6), [2, 3], [1, 0])).toThrow(/sorted unique axes/);
    });
  });
}

describe('reductionGroups', () => {
  it('drops size-1 dimensions and merges neighbouring axes of one kind', { timeout: 30_000 }, () => {
    expect(reductionGroups([2, 3, 4], [1, 2])).toEqual([
      { size: 2, reduced: false },
      { size: 12, reduced: true },
    ]);
    expect(reductionGroups([2, 1, 3, 4], [0, 2])).toEqual([
      { size: 6, reduced: true },
      { size: 4, reduced: false },
    ]);
    expect(reductionGroups([2, 3, 4], [0, 2])).toEqual([
      { size: 2, reduced: true },
      { size: 3, reduced: false },
      { size: 4, reduced: true },
    ]);
  });
});

/**
 * The elementwise kernels against the js backend (the JavaScript reference loops), on every
 * build: random sizes around the SIMD width, random broadcasting shapes (size-0 and size-1
 * dimensions, scalars, leading and middle broadcasts) and non-finite values.
 */
import { type BinaryOp, type UnaryOp, jsBackend } from '@lec/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rng } from '../../test/reference.js';
import { loadKernels } from '../load-kernels.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { BINARY_CODES, UNARY_CODES, binaryArray, broadcastPlan, isComparison, unaryArray, whereArray } from './elementwise.js';

const js = jsBackend();
const SPECIALS = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e-40, 1e38, -1e38, 1, -1, 0.5, -2.5, 3, 20, -20, 88.5, -100];
const TRANSCENDENTAL = new Set<UnaryOp>(['exp', 'expm1', 'log', 'log1p', 'tanh', 'sigmoid', 'sin', 'cos']);

/** A small deterministic generator (mulberry32). */

function values(n: number, random: () => number, specials = true): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = random();
    out[i] = specials && r < 0.1 ? SPECIALS[Math.floor(random() * SPECIALS.length)] : (random() - 0.5) * 20;
  }
  return out;
}

/** Every value equal (NaN meets NaN), or within rtol of the reference. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (rtol > 0 && Number.isFinite(e) && Math.abs(a - e) <= rtol * Math.abs(e) + 1e-37) continue;
    expect.fail(`${what}: element ${i} is ${a}, the reference gives ${e}`);
  }
}

function shapeSize(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A random shape that broadcasts to `out`: a suffix of it with some dimensions set to 1. */
function operandShape(out: readonly number[], random: () => number): number[] {
  const keep = Math.floor(random() * (out.length + 1));
  return out.slice(out.length - keep).map((d) => (random() < 0.35 ? 1 : d));
}

/** A random output shape (rank 0-5, sometimes a 0 dimension) and two shapes that broadcast to it. */
function broadcastShapes(random: () => number): [number[], number[], number[]] {
  const dims = [1, 1, 2, 3, 4, 5, 7, 9];
  const rank = Math.floor(random() * 6);
  const out = Array.from({ length: rank }, () => dims[Math.floor(random() * dims.length)]);
  if (rank > 0 && random() < 0.08) out[Math.floor(random() * rank)] = 0;
  return [out, operandShape(out, random), operandShape(out, random)];
}

const handle = (data: Float32Array | Int32Array, dtype: 'float32' | 'int32') => js.fromArray(data, dtype);

const features = ['scalar', 'simd', 'relaxed'] as const;
for (const feature of features) {
  describe(`elementwise kernels, ${feature} build`, () => {
    let kernels: WasmKernels;
    beforeAll(async () => {
      kernels = await loadKernels({ feature });
    });
    afterAll(() => kernels.dispose());

    it('every unary op matches the JavaScript loops (exactly, or within 4e-7 for transcendentals)', { timeout: 30_000 }, () => {
      const random = rng(1);
      for (const op of Object.keys(UNARY_CODES) as UnaryOp[]) {
        for (const n of [0, 1, 3, 4, 5, 7, 8, 17, 64, 1031]) {
          const x = values(n, random);
          const expected = js.read(js.unary(op, handle(x, 'float32'), n, 'float32'), 'float32');
          // the scalar build computes in f64 like the reference; the SIMD builds' polynomials are within 4 ulp
          const rtol = TRANSCENDENTAL.has(op) && feature !== 'scalar' ? 4e-7 : 0;
          expectClose(unaryArray(kernels, op, x), expected, rtol, `${op} of ${n} values`);
        }
      }
    });

    it('unary ops keep NaN, ±∞ and saturate exactly where the reference does', { timeout: 30_000 }, () => {
      const x = Float32Array.from(SPECIALS);
      for (const op of Object.keys(UNARY_CODES) as UnaryOp[]) {
        const expected = js.read(js.unary(op, handle(x, 'float32'), x.length, 'float32'), 'float32');
        const actual = unaryArray(kernels, op, x);
        for (let i = 0; i < x.length; i++) {
          const e = expected[i];
          const a = actual[i];
          if (!Number.isFinite(e) || e === 0 || Math.abs(e) === 1)
            expect(Object.is(a, e) || a === e, `${op}(${x[i]}) = ${a}, expected ${e}`).toBe(true);
        }
      }
      // σ(−20) is exp(−20) rounded once, as in the reference
      expect(unaryArray(kernels, 'sigmoid', Float32Array.of(-20, 20, -200, 200))).toEqual(
        Float32Array.of(Math.fround(Math.exp(-20) / (1 + Math.exp(-20))), 1, 0, 1),
      );
    });

    it('binary ops broadcast like the JavaScript loops on random shapes (size-0 and size-1 dimensions, scalars)', {
      timeout: 30_000,
    }, () => {
      const random = rng(2);
      for (let trial = 0; trial < 300; trial++) {
        const [outShape, aShape, bShape] = broadcastShapes(random);
        const a = values(shapeSize(aShape), random);
        const b = values(shapeSize(bShape), random);
        for (const op of Object.keys(BINARY_CODES) as BinaryOp[]) {
          const expected = js.read(
            js.binary({
              op,
              a: { handle: handle(a, 'float32'), shape: aShape },
              b: { handle: handle(b, 'float32'), shape: bShape },
              outShape,
              dtype: 'float32',
            }),
            isComparison(op) ? 'int32' : 'float32',
          );
          const actual = binaryArray(kernels, op, a, aShape, b, bShape, outShape);
          expect(actual instanceof Int32Array).toBe(isComparison(op));
          expectClose(actual, expected, op === 'pow' ? 1e-7 : 0, `${op} [${aShape}] with [${bShape}] to [${outShape}]`);
        }
      }
    });

    it('where broadcasts its three operands like the JavaScript loop', { timeout: 30_000 }, () => {
      const random = rng(3);
      for (let trial = 0; trial < 200; trial++) {
        const [outShape, aShape, bShape] = broadcastShapes(random);
        const condShape = operandShape(outShape, random);
        const cond = Int32Array.from({ length: shapeSize(condShape) }, () => Math.floor(random() * 3) - 1);
        const a = values(shapeSize(aShape), random);
        const b = values(shapeSize(bShape), random);
        const expected = js.read(
          js.where({
            cond: { handle: handle(cond, 'int32'), shape: condShape },
            a: { handle: handle(a, 'float32'), shape: aShape },
            b: { handle: handle(b, 'float32'), shape: bShape },
            outShape,
            dtype: 'float32',
          }),
          'float32',
        );
        const actual = whereArray(kernels, cond, condShape, a, aShape, b, bShape, outShape);
        for (let i = 0; i < expected.length; i++) expect(Object.is(actual[i], expected[i]), `where element ${i}`).toBe(true);
      }
    });

    it('refuses operands whose length does not match their shape, and shapes that do not broadcast', { timeout: 30_000 }, () => {
      expect(() => binaryArray(kernels, 'add', new Float32Array(5), [2, 3], new Float32Array(3), [3], [2, 3])).toThrow(
        /'a' holds 5 values/,
      );
      expect(() => binaryArray(kernels, 'add', new Float32Array(6), [2, 3], new Float32Array(2), [2], [2, 3])).toThrow(
        /does not broadcast/,
      );
      expect(() => unaryArray(kernels, 'exp', new Float32Array(3), new Float32Array(2))).toThrow(/'out' holds 2/);
    });
  });
}

describe('broadcastPlan', () => {
  it('drops size-1 dimensions and merges neighbours every operand steps through as one', { timeout: 30_000 }, () => {
    expect(
      broadcastPlan(
        [
          [2, 3],
          [2, 3],
        ],
        [2, 3],
      ),
    ).toEqual({ shape: [6], strides: [[1], [1]] });
    expect(broadcastPlan([[4, 3], [3]], [4, 3])).toEqual({
      shape: [4, 3],
      strides: [
        [3, 1],
        [0, 1],
      ],
    });
    expect(
      broadcastPlan(
        [
          [4, 1],
          [1, 5],
        ],
        [4, 5],
      ),
    ).toEqual({
      shape: [4, 5],
      strides: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(
      broadcastPlan(
        [
          [2, 1, 3, 4],
          [3, 4],
        ],
        [2, 1, 3, 4],
      ),
    ).toEqual({
      shape: [2, 12],
      strides: [
        [12, 1],
        [0, 1],
      ],
    });
    expect(broadcastPlan([[], [1, 1]], [1, 1])).toEqual({ shape: [1], strides: [[0], [0]] });
    expect(
      broadcastPlan(
        [
          [5, 1, 1],
          [1, 1, 1],
        ],
        [5, 2, 3],
      ),
    ).toEqual({
      shape: [5, 6],
      strides: [
        [1, 0],
        [0, 0],
      ],
    });
  });
});

describe('unary kernels over two threads', () => {
  it('split a large transcendental over the workers and give the one-thread result bit for bit', async () => {
    const one = await loadKernels({ feature: 'simd', threads: 1 });
    const two = await loadKernels({ feature: 'simd', threads: 2 });
    try {
      const random = rng(9);
      const x = values(200_003, random);
      expect(two.chunks(x.length * 100, x.length / 16)).toBeGreaterThan(1);
      const run = vi.spyOn(two, 'runChunks');
      for (const op of ['exp', 'tanh', 'sigmoid', 'log1p'] as const) {
        const a = new Int32Array(unaryArray(two, op, x).buffer);
        const b = new Int32Array(unaryArray(one, op, x).buffer);
        let differing = 0;
        for (let i = 0; i < a.length; i++) differing += a[i] === b[i] ? 0 : 1;
        expect(differing, op).toBe(0);
      }
      if (two.threads === 2) expect(run).toHaveBeenCalled();
    } finally {
      one.dispose();
      two.dispose();
    }
  }, 60_000);
});

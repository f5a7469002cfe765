/**
 * The tfjs backend's own tests, shared by Node (tfjs-cpu, tfjs-wasm: unit.test.ts) and the
 * browser page (webgl, webgpu): storage semantics, the corners where tfjs differs from lec's
 * reference (NaN, -0, integer division, empty reductions), every fast path against lec's
 * composite on the js backend, and no tfjs tensor left behind by any primitive.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  BackendError,
  CsrMatrix,
  DTypeError,
  type Tensor,
  type TypedArray,
  ValueError,
  argmax,
  argmin,
  avgPool2d,
  concat,
  conv2d,
  div,
  grad,
  gather,
  jsBackend,
  matmul,
  max,
  maxPool2d,
  maximum,
  minimum,
  mul,
  pad,
  reshape,
  scatterAdd,
  sign,
  softmaxCrossEntropy,
  spmm,
  sum,
  tensor,
  tidy,
  withBackend,
} from '@lec/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TfjsBackend } from '../src/index.js';

const js = jsBackend();

/** Values equal within atol + rtol·|e|; NaN only where NaN; infinities with their sign. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, atol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) bad.push(`[${i}] got ${a}, expected ${e}`);
  }
  expect(bad.slice(0, 5), `${bad.length} mismatches`).toEqual([]);
}

/** A pseudo-random float array (deterministic). */
function values(n: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** Runs `f` on js and on `b`; compares; checks `b` left no tfjs tensor and no handle behind. */
function same(b: TfjsBackend, f: () => Tensor | Tensor[], rtol?: number, atol?: number): void {
  const expected = withBackend(js, () => tidy(() => [f()].flat().map((t) => t.dataSync())));
  const tensorsBefore = tf.memory().numTensors;
  const liveBefore = b.liveBuffers();
  const actual = withBackend(b, () => tidy(() => [f()].flat().map((t) => t.dataSync())));
  expect(tf.memory().numTensors - tensorsBefore, 'tfjs tensors left behind').toBe(0);
  expect(b.liveBuffers() - liveBefore, 'handles left alive').toBe(0);
  expect(actual.length).toBe(expected.length);
  actual.forEach((a: TypedArray, i: number) => expectClose(a, expected[i], rtol, atol));
}

const i32 = (v: number[], shape?: number[]) => tensor(v, shape, { dtype: 'int32' });

/**
 * Registers the unit tests for one tfjs device. `tol` widens the float tolerance on GPU
 * devices (their exp/log/tanh and reductions are not correctly rounded).
 */
export function registerUnitTests(
  device: string,
  makeBackend: () => Promise<TfjsBackend> | TfjsBackend,
  tol: { rtol?: number; atol?: number } = {},
): void {
  describe(`tfjs-${device}`, () => {
    let b: TfjsBackend;
    beforeAll(async () => {
      b = await makeBackend();
    });
    const wide = (r: number | undefined, fallback: number, floor: number | undefined) => Math.max(r ?? fallback, floor ?? 0);
    const near = (f: () => Tensor | Tensor[], rtol?: number, atol?: number) =>
      same(b, f, wide(rtol, 1e-4, tol.rtol), wide(atol, 1e-5, tol.atol));

    describe('storage', () => {
      it('names itself, stores float32 and int32 only', () => {
        expect(b.name).toBe(`tfjs-${device}`);
        expect(b.dtypes).toEqual(['float32', 'int32']);
        expect(() => b.fromArray([1], 'float64')).toThrow(DTypeError);
        expect(() => b.fromArray([1], 'float64')).toThrow(/tfjs has no float64/);
        expect(b.info().tfjsBackend).toBe(device);
      });

      it('read returns a copy, readAsync the same values, dispose is idempotent', async () => {
        const live = b.liveBuffers();
        const n = tf.memory().numTensors;
        const h = b.fromArray([1.5, -2, 3], 'float32');
        expect(b.liveBuffers()).toBe(live + 1);
        const r = b.read(h, 'float32');
        r[0] = 99;
        expect(Array.from(b.read(h, 'float32'))).toEqual([1.5, -2, 3]);
        expect(Array.from(await b.readAsync(h, 'float32'))).toEqual([1.5, -2, 3]);
        const i = b.fromArray([1.9, -1.9, 7], 'int32');
        expect(b.read(i, 'int32')).toEqual(new Int32Array([1, -1, 7]));
        const v = b.view(h);
        b.dispose(h);
        b.dispose(h);
        expect(Array.from(b.read(v, 'float32'))).toEqual([1.5, -2, 3]);
        expect(() => b.read(h, 'float32')).toThrow(BackendError);
        b.dispose(v);
        b.dispose(i);
        expect(b.liveBuffers()).toBe(live);
        expect(tf.memory().numTensors).toBe(n);
      });
    });

    describe('matches the reference where tfjs differs', () => {
      const special = [Number.NaN, -0, 0, -2, 2.5, 3.5, -2.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5];
      it('sign keeps NaN and -0', () => {
        withBackend(b, () => {
          const s = sign(tensor(special)).dataSync();
          expect(Number.isNaN(s[0])).toBe(true);
          expect(Object.is(s[1], -0)).toBe(true);
        });
        near(() => sign(tensor(special)));
      });
      it('maximum/minimum and max propagate NaN; argmax picks the first NaN', () => {
        near(() => [
          maximum(tensor(special), 0),
          minimum(tensor(special), tensor([1])),
          max(
            tensor([
              [1, Number.NaN, 3],
              [4, 5, 6],
            ]),
            1,
          ),
        ]);
        near(() => [
          argmax(
            tensor([
              [1, Number.NaN, 3, Number.NaN],
              [3, 1, 3, 0],
            ]),
            1,
          ),
          argmin(tensor([[1, 0, 0, 3]]), 1),
        ]);
      });
      it('int32 division floors and x / 0 = 0', () => {
        near(() => div(i32([7, -7, 7, 0]), i32([2, 2, 0, 0])));
      });
      it('sums over an empty axis are 0; max over one raises', () => {
        near(() => sum(reshape(tensor([]), [2, 0]), 1));
        expect(() => withBackend(b, () => max(reshape(tensor([]), [2, 0]), 1))).toThrow(ValueError);
      });
      it('int32 matmul primitive (tfjs-wasm has no int32 BatchMatMul)', () => {
        const dims = { batch: 1, aBatch: 1, bBatch: 1, m: 2, n: 2, k: 2, transposeA: false, transposeB: false };
        const [ha, hb] = [b.fromArray([1, 2, 3, 4], 'int32'), b.fromArray([5, 6, 7, 8], 'int32')];
        const h = b.matmul(ha, hb, dims, 'int32');
        expect(b.read(h, 'int32')).toEqual(new Int32Array([19, 22, 43, 50]));
        for (const x of [ha, hb, h]) b.dispose(x);
      });
    });

    describe('primitives against js', () => {
      it('matmul with batches, broadcasting and transposes', () => {
        for (const [ta, tb] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ]) {
          near(() =>
            matmul(tensor(values(2 * 3 * 5, 1), ta ? [2, 5, 3] : [2, 3, 5]), tensor(values(5 * 4, 2), tb ? [4, 5] : [5, 4]), {
              transposeA: ta,
              transposeB: tb,
            }),
          );
        }
        near(() => matmul(tensor(values(6), [1, 3, 2]), tensor(values(16), [4, 2, 2])));
        near(() => matmul(reshape(tensor([]), [2, 0]), reshape(tensor([]), [0, 3])));
      });
      it('gather, scatterAdd with repeated indices, range errors', () => {
        near(() => gather(tensor(values(12), [3, 4]), i32([2, 0, 2]), 1));
        near(() => scatterAdd([3, 4], i32([1, 1, 0]), tensor(values(9), [3, 3]), 1));
        near(() => scatterAdd([4, 2], i32([3, 3, 3, 0]), tensor(values(8), [4, 2]), 0));
        expect(() => withBackend(b, () => gather(tensor([1, 2]), i32([2])))).toThrow(/expected values in \[0, 2\), got 2/);
        expect(() => withBackend(b, () => scatterAdd([2], i32([-1]), tensor([1])))).toThrow(ValueError);
      });
      it('concat with empty parts, pad with -Infinity', () => {
        near(() =>
          concat(
            [
              reshape(tensor([]), [0, 2]),
              tensor([[1, 2]]),
              tensor([
                [3, 4],
                [5, 6],
              ]),
            ],
            0,
          ),
        );
        near(() =>
          pad(
            tensor(values(6), [2, 3]),
            [
              [1, 0],
              [2, 1],
            ],
            Number.NEGATIVE_INFINITY,
          ),
        );
      });
      it('spmm (gather + scatterND)', () => {
        const a = CsrMatrix.fromCoo(4, 3, [0, 0, 2, 3, 3], [0, 2, 1, 0, 2], [1, 2, 3, 4, 5]);
        // CsrMatrix caches its index/value tensors per backend: make them before counting
        withBackend(b, () => tidy(() => spmm(a, tensor(values(6), [3, 2]))));
        near(() => spmm(a, tensor(values(6), [3, 2])));
      });
      it('softmaxCrossEntropy fast path: loss and gradient, -1e9 masks stay finite', () => {
        const z = values(12).map((v, i) => (i === 5 ? -1e9 : v * 4));
        const labels = [1, 0, 3];
        near(() => softmaxCrossEntropy(tensor(z, [3, 4]), i32(labels)));
        near(() => grad((x: Tensor) => softmaxCrossEntropy(x, i32(labels)))(tensor(z, [3, 4])));
      });
    });

    describe('conv and pooling fast paths against lec composites on js', () => {
      const convCases = [
        { name: 'valid stride 1', x: [2, 6, 7, 3], w: [3, 3, 3, 4], opts: {} },
        { name: 'same, even kernel, stride 2', x: [1, 7, 6, 2], w: [2, 4, 2, 3], opts: { padding: 'same' as const, strides: 2 } },
        { name: 'dilation 2', x: [1, 8, 8, 2], w: [3, 2, 2, 2], opts: { dilations: 2, padding: 1 } },
        {
          name: 'stride 2 and dilation 2',
          x: [2, 9, 9, 2],
          w: [2, 3, 2, 3],
          opts: {
            dilations: 2,
            strides: [2, 3] as [number, number],
            padding: [
              [1, 2],
              [0, 1],
            ] as const,
          },
        },
      ];
      for (const c of convCases) {
        it(`conv2d forward and both gradients: ${c.name}`, () => {
          const xv = values(
            c.x.reduce((p, q) => p * q),
            3,
          );
          const wv = values(
            c.w.reduce((p, q) => p * q),
            4,
          );
          near(() => conv2d(tensor(xv, c.x), tensor(wv, c.w), c.opts));
          near(
            () => grad((x: Tensor, w: Tensor) => sum(mul(conv2d(x, w, c.opts), conv2d(x, w, c.opts))))(tensor(xv, c.x), tensor(wv, c.w)),
            1e-3,
            1e-4,
          );
        });
      }
      const poolCases = [
        { name: '2x2 valid', x: [2, 4, 6, 3], win: 2, opts: {} },
        { name: '3x3 stride 2 same', x: [1, 7, 5, 2], win: 3, opts: { strides: 2, padding: 'same' as const } },
        {
          name: '2x3 stride 1 explicit pad',
          x: [1, 5, 5, 1],
          win: [2, 3] as [number, number],
          opts: {
            strides: 1,
            padding: [
              [1, 0],
              [2, 1],
            ] as const,
          },
        },
      ];
      for (const c of poolCases) {
        it(`maxPool2d / avgPool2d forward and gradient: ${c.name}`, () => {
          const xv = values(
            c.x.reduce((p, q) => p * q),
            5,
          );
          near(() => [maxPool2d(tensor(xv, c.x), c.win, c.opts), avgPool2d(tensor(xv, c.x), c.win, c.opts)]);
          near(() => grad((x: Tensor) => sum(mul(maxPool2d(x, c.win, c.opts), tensor(values(1, 9)[0]))))(tensor(xv, c.x)));
          near(() => grad((x: Tensor) => sum(mul(avgPool2d(x, c.win, c.opts), avgPool2d(x, c.win, c.opts))))(tensor(xv, c.x)));
        });
      }
      it('maxPool2d: a NaN in a window wins; ties route the gradient to the first max', () => {
        near(() => maxPool2d(tensor([1, Number.NaN, 2, 3, 4, 5, 6, 7], [1, 2, 4, 1]), 2));
        near(() => grad((x: Tensor) => sum(maxPool2d(x, 2)))(tensor([1, 3, 3, 3, 0, 0, 0, 0], [1, 2, 4, 1])));
      });
    });

    describe('gemm fast path', () => {
      for (const act of ['none', 'relu', 'sigmoid', 'tanh'] as const) {
        for (const [ta, tb] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ]) {
          it(`gemm ${act} transposeA=${ta} transposeB=${tb}, with and without bias`, () => {
            const m = 5,
              n = 3,
              k = 7;
            const A = values(m * k, 6);
            const B = values(k * n, 7);
            const bias = values(n, 8);
            const run = (be: typeof b | typeof js, withBias: boolean) => {
              const ha = be.fromArray(A, 'float32');
              const hb = be.fromArray(B, 'float32');
              const hbias = withBias ? be.fromArray(bias, 'float32') : null;
              let out: ArrayLike<number>;
              if (be === js) {
                // reference: matmul + bias + activation on js
                const mm = js.matmul(ha, hb, { batch: 1, aBatch: 1, bBatch: 1, m, n, k, transposeA: ta, transposeB: tb }, 'float32');
                const y = Array.from(js.read(mm, 'float32')).map((v, i) => v + (withBias ? bias[i % n] : 0));
                out = y.map((v) =>
                  act === 'relu' ? Math.max(v, 0) : act === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : act === 'tanh' ? Math.tanh(v) : v,
                );
              } else {
                const h = b.fastPaths.gemm!(ha, hb, hbias, { m, n, k, transposeA: ta, transposeB: tb }, act, 'float32');
                out = b.read(h, 'float32');
                b.dispose(h);
                b.dispose(ha);
                b.dispose(hb);
                if (hbias) b.dispose(hbias);
              }
              return out;
            };
            for (const withBias of [true, false])
              expectClose(run(b, withBias), run(js, withBias), wide(undefined, 1e-4, tol.rtol), wide(undefined, 1e-5, tol.atol));
          });
        }
      }
    });
  });
}

/**
 * The wasm backend against the f64 reference backend, through lec's ops: every fast path,
 * forward and gradient, float32 (wasm kernels) and float64 (JS path), on one and two threads
 * and both SIMD feature levels. Inputs include edge sizes, padding, strides, dilations, NaN,
 * ±∞, −0 and values near the float32 limits.
 */
import {
  CsrMatrix,
  type BackendV1,
  type Tensor,
  avgPool2d,
  conv2d,
  f64Backend,
  grad,
  matmul,
  maxPool2d,
  softmaxCrossEntropy,
  spmm,
  sum,
  tensor,
  withBackend,
  mul,
} from '@lec/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { compareToReference, randomF32, reductionAtol, reductionRtol } from '../test/reference.js';
import { type WasmBackend, wasmBackend } from './wasm-backend.js';

const CONFIGS = [
  { feature: 'simd', threads: 1 },
  { feature: 'relaxed', threads: 1 },
  { feature: 'simd', threads: 2 },
  { feature: 'relaxed', threads: 2 },
] as const;

const reference = f64Backend();

/** Runs `f` on both backends with the same inputs (float32 on wasm, float64 on the reference). */
function both(
  backend: BackendV1,
  inputs: { data: ArrayLike<number>; shape: number[]; dtype?: 'int32' }[],
  f: (...ts: Tensor[]) => Tensor | Tensor[],
) {
  const run = (b: BackendV1, dtype: 'float32' | 'float64') =>
    withBackend(b, () => {
      const ts = inputs.map((i) => tensor(Array.from(i.data), i.shape, { dtype: i.dtype ?? dtype, backend: b }));
      const out = f(...ts);
      return (Array.isArray(out) ? out : [out]).map((t) => Array.from(t.dataSync()));
    });
  return { got: run(backend, 'float32'), want: run(reference, 'float64') };
}

function expectClose(got: number[][], want: number[][], rtol: number, atol: number) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(compareToReference(got[i], want[i], rtol, atol), `output ${i}`).toBe('');
}

describe.each(CONFIGS)('wasm backend ($feature, $threads threads)', ({ feature, threads }) => {
  const backendPromise = wasmBackend({ feature, threads });
  afterAll(async () => (await backendPromise).disposeBackend?.());

  it('reports its feature level, threads and reasons', async () => {
    const info = (await backendPromise).info();
    expect(info).toMatchObject({ name: 'wasm', feature, threads });
    expect(typeof info.featureReason).toBe('string');
    expect(typeof info.threadsReason).toBe('string');
    expect((await backendPromise).dtypes).toEqual(['float32', 'float64', 'int32']);
  });

  it.each([
    [1, 1, 1, 0, 0, 0],
    [3, 1, 1, 5, 4, 3],
    [2, 2, 1, 17, 16, 5],
    [4, 4, 4, 1, 33, 7],
    [2, 1, 2, 0, 3, 4],
    [1, 1, 1, 3, 4, 0],
    [1, 1, 1, 300, 260, 200],
  ])('matmul batch=%i aBatch=%i bBatch=%i m=%i n=%i k=%i, all transposes', async (batch, aBatch, bBatch, m, n, k) => {
    const backend = await backendPromise;
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ]) {
      const aShape = ta ? [aBatch, k, m] : [aBatch, m, k];
      const bShape = tb ? [bBatch, n, k] : [bBatch, k, n];
      const { got, want } = both(
        backend,
        [
          { data: randomF32(aBatch * m * k, batch + m), shape: aShape },
          { data: randomF32(bBatch * n * k, batch + n), shape: bShape },
        ],
        (a, b) => matmul(a, b, { transposeA: ta, transposeB: tb } as never),
      );
      expectClose(got, want, reductionRtol(k), reductionAtol(k));
    }
  });

  it('gemm fast path: bias and activations, float32 and float64', async () => {
    const backend = (await backendPromise) as WasmBackend;
    for (const activation of ['none', 'relu', 'sigmoid', 'tanh'] as const) {
      for (const dtype of ['float32', 'float64'] as const) {
        const [m, n, k] = [5, 17, 9];
        const a = randomF32(m * k, 1),
          b = randomF32(k * n, 2),
          bias = randomF32(n, 3);
        const h = backend.fastPaths.gemm!(
          backend.fromArray(a, dtype),
          backend.fromArray(b, dtype),
          backend.fromArray(bias, dtype),
          { m, n, k, transposeA: false, transposeB: false },
          activation,
          dtype,
        );
        const got = Array.from(backend.read(h, dtype));
        const want: number[] = [];
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = bias[j];
            for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
            want.push(
              activation === 'relu'
                ? Math.max(s, 0)
                : activation === 'sigmoid'
                  ? 1 / (1 + Math.exp(-s))
                  : activation === 'tanh'
                    ? Math.tanh(s)
                    : s,
            );
          }
        expect(compareToReference(got, want, reductionRtol(k), 1e-6)).toBe('');
      }
    }
  });

  const convCases: [string, number[], number[], object][] = [
    ['3x3 same', [2, 7, 6, 3], [3, 3, 3, 5], { padding: 'same' }],
    ['even kernel same (asymmetric pad)', [1, 6, 5, 2], [2, 4, 2, 3], { padding: 'same' }],
    ['stride 2 valid', [2, 9, 8, 4], [3, 3, 4, 6], { strides: 2 }],
    ['dilation 2', [1, 9, 9, 2], [3, 3, 2, 3], { dilations: 2, padding: 'same' }],
    ['1x1 pointwise', [2, 4, 5, 7], [1, 1, 7, 9], {}],
    ['LeNet conv1 (small)', [3, 28, 28, 1], [5, 5, 1, 6], { padding: 'same' }],
    ['threaded split N=1', [1, 32, 32, 16], [3, 3, 16, 16], { padding: 'same' }],
    ['threaded split N=8', [8, 16, 16, 8], [3, 3, 8, 16], { padding: 'same' }],
  ];
  it.each(convCases)('conv2d %s: forward, dx and dw', async (_name, xShape, wShape, options) => {
    const backend = await backendPromise;
    const xLen = xShape.reduce((p, d) => p * d, 1),
      wLen = wShape.reduce((p, d) => p * d, 1);
    const xData = randomF32(xLen, 11),
      wData = randomF32(wLen, 12);
    const { got, want } = both(
      backend,
      [
        { data: xData, shape: xShape },
        { data: wData, shape: wShape },
      ],
      (x, w) => {
        const y = conv2d(x, w, options);
        const weights = tensor(Array.from(randomF32(y.size, 13)), y.shape, { dtype: x.dtype });
        const [dx, dw] = grad((a: Tensor, b: Tensor) => sum(mul(conv2d(a, b, options), weights)))(x, w);
        return [y, dx, dw];
      },
    );
    const k = wShape[0] * wShape[1] * wShape[2];
    const rows = got[2].length > 0 ? xShape[0] * xShape[1] * xShape[2] : 1;
    expectClose([got[0]], [want[0]], reductionRtol(k), reductionAtol(k));
    expectClose([got[1]], [want[1]], reductionRtol(k), reductionAtol(k));
    expectClose([got[2]], [want[2]], reductionRtol(rows), reductionAtol(rows));
  });

  const poolCases: [string, number[], number | [number, number], object][] = [
    ['2x2 valid', [2, 6, 6, 6], 2, {}],
    ['3x3 stride 1 same', [1, 5, 7, 5], 3, { strides: 1, padding: 'same' }],
    ['3x2 stride 2 same', [2, 7, 6, 9], [3, 2], { strides: 2, padding: 'same' }],
    ['1 channel', [1, 4, 4, 1], 2, {}],
    ['17 channels overlapping', [1, 5, 5, 17], 3, { strides: 1 }],
  ];
  it.each(poolCases)('maxPool2d and avgPool2d %s: forward and gradient', async (_name, xShape, window, options) => {
    const backend = await backendPromise;
    const xLen = xShape.reduce((p, d) => p * d, 1);
    const xData = Array.from(randomF32(xLen, 21));
    // Ties (the gradient goes to the first maximum), -0, NaN, infinities and huge values.
    xData[1] = xData[0];
    xData[2] = -0;
    if (xLen > 40) {
      xData[7] = NaN;
      xData[9] = Infinity;
      xData[12] = -Infinity;
      xData[30] = 1e38;
      xData[31] = -1e38;
      xData[33] = 1e-40;
    }
    for (const pool of [maxPool2d, avgPool2d]) {
      const { got, want } = both(backend, [{ data: xData, shape: xShape }], (x) => {
        const y = pool(x, window, options);
        const weights = tensor(Array.from(randomF32(y.size, 22)), y.shape, { dtype: x.dtype });
        const [dx] = grad((a: Tensor) => sum(mul(pool(a, window, options), weights)))(x);
        return [y, dx];
      });
      expectClose(got, want, 1e-5, 1e-6);
    }
  });

  it('spmm forward and gradient, including empty rows and n = 0, 1, 5, 8, 12, 17, 36', async () => {
    const backend = await backendPromise;
    const rows = 9,
      cols = 7;
    const r = [0, 0, 1, 3, 3, 5, 8, 8, 8, 2, 6, 6],
      c = [1, 2, 0, 6, 3, 3, 6, 0, 5, 4, 4, 1];
    const v = Array.from(randomF32(r.length, 31));
    for (const n of [0, 1, 5, 8, 12, 17, 36]) {
      const run = (b: BackendV1, dtype: 'float32' | 'float64') =>
        withBackend(b, () => {
          const a = CsrMatrix.fromCoo(rows, cols, r, c, v);
          const x = tensor(Array.from(randomF32(cols * n, 32)), [cols, n], { dtype, backend: b });
          const weights = tensor(Array.from(randomF32(rows * n, 33)), [rows, n], { dtype, backend: b });
          const [dx] = grad((t: Tensor) => sum(mul(spmm(a, t), weights)))(x);
          return [Array.from(spmm(a, x).dataSync()), Array.from(dx.dataSync())];
        });
      expectClose(run(backend, 'float32'), run(reference, 'float64'), reductionRtol(4), 1e-6);
    }
  });

  it('spmm keeps a sparse matrix resident across calls and drops it with its tensors, whose arrays are then reused', async () => {
    const backend = (await wasmBackend({ feature, threads })) as WasmBackend;
    const resident = () => backend.info().residentCsrBytes as number;
    const rows = 50,
      cols = 40,
      nnz = 6000; // colIdx and values long enough for the backend to recycle their arrays
    const rowPtr = Int32Array.from({ length: rows + 1 }, (_, i) => Math.round((i * nnz) / rows));
    const colIdxA = Int32Array.from({ length: nnz }, (_, p) => (p * 7) % cols);
    const colIdxB = Int32Array.from({ length: nnz }, (_, p) => (p * 13 + 5) % cols);
    const a = new CsrMatrix(rows, cols, rowPtr, colIdxA, randomF32(nnz, 51));
    const b = new CsrMatrix(rows, cols, rowPtr, colIdxB, randomF32(nnz, 52));
    const expected = (m: CsrMatrix, x: ArrayLike<number>, n: number) => {
      const out = new Float64Array(rows * n);
      for (let i = 0; i < rows; i++)
        for (let p = m.rowPtr[i]; p < m.rowPtr[i + 1]; p++)
          for (let j = 0; j < n; j++) out[i * n + j] += m.values[p] * x[m.colIdx[p] * n + j];
      return out;
    };
    withBackend(backend, () => {
      const xData = randomF32(cols * 4, 53);
      const x = tensor(xData, [cols, 4]);
      const first = spmm(a, x).dataSync();
      expect(resident()).toBeGreaterThan(0);
      expect(Array.from(spmm(a, x).dataSync())).toEqual(Array.from(first));
      expect(compareToReference(first, expected(a, xData, 4), reductionRtol(nnz / rows), reductionAtol(nnz / rows))).toBe('');
      a.dispose();
      expect(resident()).toBe(0);
      // b's tensors get a's recycled arrays: its products must not use a's resident copy
      expect(compareToReference(spmm(b, x).dataSync(), expected(b, xData, 4), reductionRtol(nnz / rows), reductionAtol(nnz / rows))).toBe(
        '',
      );
      // a is made again on demand
      expect(Array.from(spmm(a, x).dataSync())).toEqual(Array.from(first));
      a.dispose();
      b.dispose();
      expect(resident()).toBe(0);
    });
    backend.disposeBackend();
  });

  it('spmm with resident copies past the budget: least recently used evicted, too large not kept, results right', async () => {
    const backend = (await wasmBackend({ feature, threads, maximumBytes: 4 << 20 })) as WasmBackend;
    const resident = () => backend.info().residentCsrBytes as number;
    const budget = (backend.kernels.arena.limitBytes / 4) | 0;
    const make = (nnz: number, seed: number) => {
      const rows = 100;
      const rowPtr = Int32Array.from({ length: rows + 1 }, (_, i) => Math.round((i * nnz) / rows));
      return new CsrMatrix(
        rows,
        30,
        rowPtr,
        Int32Array.from({ length: nnz }, (_, p) => (p * seed) % 30),
        randomF32(nnz, seed),
      );
    };
    const reference1 = (m: CsrMatrix) =>
      withBackend(reference, () => Array.from(spmm(m, tensor(randomF32(30 * 3, 61), [30, 3], { dtype: 'float64' })).dataSync()));
    withBackend(backend, () => {
      const x = tensor(randomF32(30 * 3, 61), [30, 3]);
      const third = Math.floor(budget / 8 / 1.6); // nnz of a matrix taking ~60% of the budget
      const [p, q] = [make(third, 7), make(third, 11)];
      const big = make(Math.ceil(budget / 8) + 1000, 13);
      for (const m of [p, q, p, big]) {
        expect(compareToReference(spmm(m, x).dataSync(), reference1(m), reductionRtol(m.nnz / 100), reductionAtol(m.nnz / 100))).toBe('');
        expect(resident()).toBeLessThanOrEqual(budget);
      }
      expect(resident()).toBeGreaterThan(0); // p, the most recently used one that fits
      for (const m of [p, q, big]) m.dispose();
      expect(resident()).toBe(0);
    });
    backend.disposeBackend();
  });

  it('softmaxCrossEntropy: loss and gradient, -1e9 masks, large logits; a label out of range is refused', async () => {
    const backend = await backendPromise;
    const n = 5,
      c = 7;
    const logits = Array.from(randomF32(n * c, 41), (v) => v * 10);
    logits[3] = -1e9;
    logits[4] = -1e9;
    logits[10] = 1e30;
    logits[20] = -1e38;
    const labels = [0, 6, 3, 1, 2];
    const { got, want } = both(
      backend,
      [
        { data: logits, shape: [n, c] },
        { data: labels, shape: [n], dtype: 'int32' },
      ],
      (z, y) => {
        const loss = softmaxCrossEntropy(z, y);
        const [dz] = grad((t: Tensor) => softmaxCrossEntropy(t, y))(z);
        return [loss, dz];
      },
    );
    expectClose(got, want, 1e-5, 1e-6);
    // an id outside [0, c) used to train on an all-zero target row; now a ValueError before the kernel runs
    const z = tensor(logits, [n, c], { backend });
    const bad = tensor([0, 6, 3, 7, 2], [n], { dtype: 'int32', backend });
    expect(() => softmaxCrossEntropy(z, bad)).toThrow(/softmaxCrossEntropy: argument 'labels' expected class ids in \[0, 7\), got 7/);
  });

  it('softmaxCrossEntropy: NaN and +Inf logits give NaN as the composite does', async () => {
    const backend = await backendPromise;
    const { got, want } = both(
      backend,
      [
        { data: [NaN, 0, 1, Infinity, 0, 0], shape: [2, 3] },
        { data: [1, 0], shape: [2], dtype: 'int32' },
      ],
      (z, y) => softmaxCrossEntropy(z, y),
    );
    expectClose(got, want, 1e-5, 1e-6);
  });
});

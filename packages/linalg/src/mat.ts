/**
 * Row-major float64 matrices and the products the decompositions need. Element (i, j) of a
 * `Mat` is `data[i * cols + j]`. Every loop keeps its innermost index contiguous in memory.
 */
import { ShapeError } from '@lec/tensor';

/** A row-major float64 matrix: element (i, j) is `data[i * cols + j]`. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * A `Mat` from nested arrays (rows of equal length), or a rows×cols matrix of zeros when given
 * two numbers.
 * @example
 * ```ts
 * Array.from(mat([[1, 2], [3, 4]]).data); // [1, 2, 3, 4]
 * mat(2, 3).data.length; // 6
 * ```
 */
export function mat(rows: readonly (readonly number[])[]): Mat;
export function mat(rows: number, cols: number): Mat;
export function mat(rowsOrArrays: number | readonly (readonly number[])[], cols = 0): Mat {
  if (typeof rowsOrArrays === 'number') {
    const rows = rowsOrArrays;
    if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0)
      throw new ShapeError('mat', `expected non-negative integer rows and cols, got ${rows} x ${cols}`);
    return { rows, cols, data: new Float64Array(rows * cols) };
  }
  const rows = rowsOrArrays.length;
  const width = rows === 0 ? 0 : rowsOrArrays[0].length;
  const bad = rowsOrArrays.findIndex((row) => row.length !== width);
  if (bad >= 0)
    throw new ShapeError(
      'mat',
      `argument 'rows' expected rows of equal length ${width}, got row ${bad} of length ${rowsOrArrays[bad].length}`,
    );
  const data = new Float64Array(rows * width);
  rowsOrArrays.forEach((row, i) => data.set(row, i * width));
  return { rows, cols: width, data };
}

/**
 * The transpose of `x`, as a new matrix.
 * @example
 * ```ts
 * Array.from(transpose(mat([[1, 2, 3]])).data); // [1, 2, 3]
 * transpose(mat([[1, 2, 3]])).rows; // 3
 * ```
 */
export function transpose(x: Mat): Mat {
  const { rows, cols, data } = x;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return { rows: cols, cols: rows, data: out };
}

/**
 * The first `k` rows of `x` (a copy).
 * @example
 * ```ts
 * Array.from(topRows(mat([[1, 2], [3, 4]]), 1).data); // [1, 2]
 * ```
 */
export function topRows(x: Mat, k: number): Mat {
  if (!Number.isSafeInteger(k) || k < 0 || k > x.rows)
    throw new ShapeError('topRows', `argument 'k' expected an integer in [0, ${x.rows}], got ${k}`);
  return { rows: k, cols: x.cols, data: x.data.slice(0, k * x.cols) };
}

/**
 * op(a)·op(b) in float64, where op transposes when asked. Loop orders keep the innermost loop
 * contiguous: NN and TN accumulate scaled rows of b; NT is a dot product per entry.
 * @example
 * ```ts
 * Array.from(gemm(mat([[1, 2]]), mat([[3], [4]])).data); // [11]
 * Array.from(gemm(mat([[1, 2]]), mat([[1, 2]]), true, false).data); // [1, 2, 2, 4]
 * ```
 */
export function gemm(a: Mat, b: Mat, transposeA = false, transposeB = false): Mat {
  const k = transposeA ? a.rows : a.cols;
  const kb = transposeB ? b.cols : b.rows;
  if (k !== kb)
    throw new ShapeError(
      'gemm',
      `inner dimensions differ: op(a) is ${transposeA ? a.cols : a.rows} x ${k}, op(b) is ${kb} x ${transposeB ? b.rows : b.cols}`,
    );
  if (transposeB && transposeA) return gemm(a, transpose(b), true, false);
  const m = transposeA ? a.cols : a.rows;
  const n = transposeB ? b.rows : b.cols;
  const A = a.data;
  const B = b.data;
  const out = new Float64Array(m * n);
  if (transposeB) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s0 = 0;
        let s1 = 0;
        let p = 0;
        for (; p + 1 < k; p += 2) {
          s0 += A[ai + p] * B[bj + p];
          s1 += A[ai + p + 1] * B[bj + p + 1];
        }
        if (p < k) s0 += A[ai + p] * B[bj + p];
        out[i * n + j] = s0 + s1;
      }
    }
  } else if (transposeA) {
    // a is [k, m]: out[i, :] += a[p, i] · b[p, :]
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const v = A[ap + i];
        if (v === 0) continue;
        const oi = i * n;
        for (let j = 0; j < n; j++) out[oi + j] += v * B[bp + j];
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const oi = i * n;
      for (let p = 0; p < k; p++) {
        const v = A[ai + p];
        if (v === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) out[oi + j] += v * B[bp + j];
      }
    }
  }
  return { rows: m, cols: n, data: out };
}

const GRAM_BLOCK = 64;

/**
 * The Gram matrix xᵀx (cols×cols, symmetric), O(rows·cols²/2). Rows are taken in blocks of 64
 * and transposed so every entry is a contiguous dot product over the block; entries are
 * computed 2×2 at a time (four accumulators share each load).
 * @example
 * ```ts
 * Array.from(gram(mat([[1, 2], [3, 4]])).data); // [10, 14, 14, 20]
 * ```
 */
export function gram(x: Mat): Mat {
  const { rows, cols: d, data } = x;
  const g = new Float64Array(d * d);
  const t = new Float64Array(d * GRAM_BLOCK);
  for (let r0 = 0; r0 < rows; r0 += GRAM_BLOCK) {
    const r = Math.min(GRAM_BLOCK, rows - r0);
    // t[a * r + i] = x[r0 + i, a]
    for (let i = 0; i < r; i++) {
      const off = (r0 + i) * d;
      for (let a = 0; a < d; a++) t[a * r + i] = data[off + a];
    }
    let a = 0;
    for (; a + 1 < d; a += 2) {
      const a0 = a * r;
      const a1 = a0 + r;
      let b = a;
      for (; b + 1 < d; b += 2) {
        const b0 = b * r;
        const b1 = b0 + r;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let i = 0; i < r; i++) {
          const x0 = t[a0 + i];
          const x1 = t[a1 + i];
          const y0 = t[b0 + i];
          const y1 = t[b1 + i];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        g[a * d + b] += s00;
        g[a * d + b + 1] += s01;
        g[(a + 1) * d + b] += s10;
        g[(a + 1) * d + b + 1] += s11;
      }
      if (b < d) {
        let s0 = 0;
        let s1 = 0;
        const b0 = b * r;
        for (let i = 0; i < r; i++) {
          s0 += t[a0 + i] * t[b0 + i];
          s1 += t[a1 + i] * t[b0 + i];
        }
        g[a * d + b] += s0;
        g[(a + 1) * d + b] += s1;
      }
    }
    if (a < d) {
      const a0 = a * r;
      let s = 0;
      for (let i = 0; i < r; i++) s += t[a0 + i] * t[a0 + i];
      g[a * d + a] += s;
    }
  }
  // mirror the upper triangle (entry (a+1, a) of each 2×2 diagonal block is already right)
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) g[b * d + a] = g[a * d + b];
  return { rows: d, cols: d, data: g };
}

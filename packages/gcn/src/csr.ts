/**
 * CSR helpers that stay O(nnz): CSR matrices declared symmetric (a symmetric Â is its own
 * transpose, so `spmm`'s backward pass reuses it), the transpose pattern, row normalisation and
 * dropout on the stored values (compacting a matrix and its transpose together).
 */
import { CsrMatrix, type Rng, type Tensor, ValueError } from '@lec/tensor';
import { checkRate, fillDecisions } from './dropout.js';

/** The transposed structure of a CSR pattern and where each entry moves (`perm[p]`). */
export interface CsrTransposePattern {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  /** Entry p of the original lands at position perm[p] of the transpose. */
  perm: Int32Array;
}

/**
 * The transpose pattern of a CSR matrix, by counting sort: O(rows + cols + nnz), and the
 * columns of each transposed row come out ascending.
 * @example
 * ```ts
 * const a = CsrMatrix.fromCoo(2, 3, [0, 1], [2, 0], [5, 6]);
 * Array.from(transposePattern(a).colIdx); // [1, 0]
 * ```
 */
export function transposePattern(a: { rows: number; cols: number; rowPtr: Int32Array; colIdx: Int32Array }): CsrTransposePattern {
  const nnz = a.colIdx.length;
  const rowPtr = new Int32Array(a.cols + 1);
  for (let p = 0; p < nnz; p++) rowPtr[a.colIdx[p] + 1]++;
  for (let c = 0; c < a.cols; c++) rowPtr[c + 1] += rowPtr[c];
  const next = rowPtr.slice(0, a.cols);
  const colIdx = new Int32Array(nnz);
  const perm = new Int32Array(nnz);
  for (let r = 0; r < a.rows; r++) {
    for (let p = a.rowPtr[r]; p < a.rowPtr[r + 1]; p++) {
      const q = next[a.colIdx[p]]++;
      colIdx[q] = r;
      perm[p] = q;
    }
  }
  return { rowPtr, colIdx, perm };
}

/**
 * Makes a CsrMatrix from CSR arrays; with `symmetric` its transpose is the matrix itself (no
 * copy, and its backend copies serve both), otherwise `transpose()` builds it once in O(nnz).
 * @example
 * ```ts
 * const a = csrMatrix(2, 2, Int32Array.of(0, 1, 2), Int32Array.of(1, 0), [1, 1], { symmetric: true });
 * a.transpose() === a; // true
 * ```
 */
export function csrMatrix(
  rows: number,
  cols: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: ArrayLike<number>,
  options: { symmetric?: boolean } = {},
): CsrMatrix {
  if (options.symmetric && rows !== cols) throw new ValueError('csrMatrix', `a symmetric matrix must be square, got ${rows} x ${cols}`);
  return new CsrMatrix(rows, cols, rowPtr, colIdx, values, { symmetric: options.symmetric });
}

/**
 * The same matrix with each row divided by its sum (rows summing to 0 stay as they are):
 * the feature preprocessing of Kipf & Welling.
 * @example
 * ```ts
 * rowNormalize(CsrMatrix.fromCoo(1, 2, [0, 0], [0, 1], [1, 3])).values; // Float64Array [0.25, 0.75]
 * ```
 */
export function rowNormalize(a: CsrMatrix): CsrMatrix {
  const values = new Float64Array(a.nnz);
  for (let r = 0; r < a.rows; r++) {
    let s = 0;
    for (let p = a.rowPtr[r]; p < a.rowPtr[r + 1]; p++) s += a.values[p];
    const inv = s === 0 ? 1 : 1 / s;
    for (let p = a.rowPtr[r]; p < a.rowPtr[r + 1]; p++) values[p] = a.values[p] * inv;
  }
  return new CsrMatrix(a.rows, a.cols, a.rowPtr, a.colIdx, values);
}

/**
 * The fraction of nonzero entries of a tensor (0 for an empty one).
 * @example
 * ```ts
 * density(tensor([[0, 1], [0, 0]])); // 0.25
 * ```
 */
export function density(x: Tensor): number {
  const data = x.dataSync();
  let nz = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nz++;
  return data.length === 0 ? 0 : nz / data.length;
}

/**
 * A dense matrix [rows, cols] as CSR, keeping its nonzero entries.
 * @example
 * ```ts
 * denseToCsr(tensor([[0, 2], [3, 0]])).toDenseArray(); // [[0, 2], [3, 0]]
 * ```
 */
export function denseToCsr(x: Tensor): CsrMatrix {
  if (x.rank !== 2) throw new ValueError('denseToCsr', `argument 'x' expected a matrix [rows, cols], got shape [${x.shape.join(', ')}]`);
  const [rows, cols] = x.shape;
  const data = x.dataSync();
  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nnz++;
  const colIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      if (v === 0) continue;
      colIdx[k] = c;
      values[k++] = v;
    }
    rowPtr[r + 1] = k;
  }
  return new CsrMatrix(rows, cols, rowPtr, colIdx, values);
}

/**
 * Sparse features prepared for repeated dropout (Kipf & Welling's `sparse_dropout`): the
 * transpose pattern is computed once, and every `dropout` call keeps each stored entry with
 * probability 1 − `rate`, scaled by 1/(1 − rate) (inverted dropout), and removes the dropped
 * ones from both the matrix and its transpose in O(rows + cols + nnz), without sorting. With
 * rate 0.5 the products X·W and Xᵀ·dY of the epoch then touch half of the entries.
 * @example
 * ```ts
 * const x = new SparseFeatures(CsrMatrix.fromCoo(1, 4, [0, 0, 0, 0], [0, 1, 2, 3], [1, 1, 1, 1]));
 * x.dropout(0.5, new Rng(0)).values.every((v) => v === 2); // true
 * ```
 */
export class SparseFeatures {
  readonly matrix: CsrMatrix;
  readonly #pattern: CsrTransposePattern;
  /** Entry q of the transpose comes from entry source[q] of the matrix. */
  readonly #source: Int32Array;
  /** The values in the transpose's order (tValues[q] = values[source[q]]). */
  readonly #tValues: Float64Array;
  /** Scratch for the dropout decisions of one call. */
  readonly #drop: Uint8Array;
  /** The previous dropped-out matrix, whose backend copies the next call frees. */
  #last: CsrMatrix | null = null;

  constructor(matrix: CsrMatrix) {
    this.#pattern = transposePattern(matrix);
    this.matrix = new CsrMatrix(matrix.rows, matrix.cols, matrix.rowPtr, matrix.colIdx, matrix.values);
    this.#source = new Int32Array(matrix.nnz);
    for (let p = 0; p < matrix.nnz; p++) this.#source[this.#pattern.perm[p]] = p;
    this.#tValues = new Float64Array(matrix.nnz);
    for (let q = 0; q < matrix.nnz; q++) this.#tValues[q] = matrix.values[this.#source[q]];
    this.#drop = new Uint8Array(matrix.nnz);
  }

  /** Number of rows (nodes). */
  get rows(): number {
    return this.matrix.rows;
  }

  /** Number of columns (features). */
  get cols(): number {
    return this.matrix.cols;
  }

  /** A dropped-out copy (see the class comment); `rate` 0 returns the matrix itself. */
  dropout(rate: number, rng: Rng): CsrMatrix {
    checkRate('SparseFeatures.dropout', rate);
    if (rate === 0) return this.matrix;
    const m = this.matrix;
    // free the previous mask's backend copies and its transpose's (spmm remakes them if used again)
    this.#last?.dispose();
    const drop = this.#drop;
    const kept = m.nnz - fillDecisions(drop, rate, rng);
    const scale = 1 / (1 - rate);
    const mRowPtr = m.rowPtr;
    const mColIdx = m.colIdx;
    const mValues = m.values;
    // branch-free compaction (a kept/dropped branch mispredicts half the time): every entry
    // is written at k and k advances past the kept ones, so the arrays get one spare slot
    const rowPtr = new Int32Array(m.rows + 1);
    const colIdx = new Int32Array(kept + 1);
    const values = new Float64Array(kept + 1);
    let k = 0;
    for (let r = 0; r < m.rows; r++) {
      const end = mRowPtr[r + 1];
      for (let p = mRowPtr[r]; p < end; p++) {
        colIdx[k] = mColIdx[p];
        values[k] = mValues[p] * scale;
        k += 1 - drop[p];
      }
      rowPtr[r + 1] = k;
    }
    const tPtr = this.#pattern.rowPtr;
    const tIdx = this.#pattern.colIdx;
    const source = this.#source;
    const tSource = this.#tValues;
    const tRowPtr = new Int32Array(m.cols + 1);
    const tColIdx = new Int32Array(kept + 1);
    const tValues = new Float64Array(kept + 1);
    k = 0;
    for (let c = 0; c < m.cols; c++) {
      const end = tPtr[c + 1];
      for (let q = tPtr[c]; q < end; q++) {
        tColIdx[k] = tIdx[q];
        tValues[k] = tSource[q] * scale;
        k += 1 - drop[source[q]];
      }
      tRowPtr[c + 1] = k;
    }
    const transpose = new CsrMatrix(m.cols, m.rows, tRowPtr, tColIdx.subarray(0, kept), tValues.subarray(0, kept));
    this.#last = new CsrMatrix(m.rows, m.cols, rowPtr, colIdx.subarray(0, kept), values.subarray(0, kept), { transpose });
    return this.#last;
  }
}

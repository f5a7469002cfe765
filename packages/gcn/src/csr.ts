/**
 * CSR helpers that stay O(nnz): a transpose by counting sort (CsrMatrix.transpose sorts
 * with a comparator, about 40 ms for Cora's 49k feature entries, too slow to redo every
 * epoch), CSR matrices whose transpose is known up front (a symmetric Â is its own
 * transpose), row normalisation and dropout on the stored values.
 */
import { CsrMatrix, type Rng, ValueError } from '@lec/tensor';

/**
 * A CsrMatrix whose transpose is supplied (or is itself), so `spmm`'s backward pass never
 * rebuilds it. Structure arrays are shared, not copied.
 */
class LinkedCsr extends CsrMatrix {
  #linked: CsrMatrix | undefined;

  link(transposed: CsrMatrix | 'self'): this {
    this.#linked = transposed === 'self' ? this : transposed;
    return this;
  }

  override transpose(): CsrMatrix {
    return this.#linked ?? super.transpose();
  }
}

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
 * Makes a CsrMatrix from CSR arrays whose transpose is built once by counting sort (or is
 * the matrix itself when `symmetric`), so gradients through `spmm` stay O(nnz).
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
  options: { symmetric?: boolean; pattern?: CsrTransposePattern } = {},
): CsrMatrix {
  const m = new LinkedCsr(rows, cols, rowPtr, colIdx, values);
  if (options.symmetric) {
    if (rows !== cols) throw new ValueError('csrMatrix', `a symmetric matrix must be square, got ${rows} x ${cols}`);
    return m.link('self');
  }
  const pattern = options.pattern ?? transposePattern(m);
  const tValues = new Float64Array(m.nnz);
  for (let p = 0; p < m.nnz; p++) tValues[pattern.perm[p]] = m.values[p];
  const t = new LinkedCsr(cols, rows, pattern.rowPtr, pattern.colIdx, tValues).link(m);
  return m.link(t);
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
  return csrMatrix(a.rows, a.cols, a.rowPtr, a.colIdx, values);
}

/**
 * Sparse features prepared for repeated dropout: the transpose pattern is computed once, and
 * every `dropout` call returns a matrix of the same pattern whose values are zeroed with
 * probability `rate` and scaled by 1/(1 − rate) (inverted dropout, the reference
 * `sparse_dropout`). Dropped entries stay stored as zeros, so nothing is re-sorted.
 * @example
 * ```ts
 * const x = new SparseFeatures(CsrMatrix.fromCoo(1, 4, [0, 0, 0, 0], [0, 1, 2, 3], [1, 1, 1, 1]));
 * x.dropout(0.5, new Rng(0)).values.every((v) => v === 0 || v === 2); // true
 * ```
 */
export class SparseFeatures {
  readonly matrix: CsrMatrix;
  readonly #pattern: CsrTransposePattern;

  constructor(matrix: CsrMatrix) {
    this.#pattern = transposePattern(matrix);
    this.matrix = csrMatrix(matrix.rows, matrix.cols, matrix.rowPtr, matrix.colIdx, matrix.values, { pattern: this.#pattern });
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
    if (!(rate >= 0 && rate < 1))
      throw new ValueError('SparseFeatures.dropout', `argument 'rate' expected a probability in [0, 1), got ${rate}`);
    if (rate === 0) return this.matrix;
    const m = this.matrix;
    const u = rng.uniform(m.nnz, 24);
    const scale = 1 / (1 - rate);
    const values = new Float64Array(m.nnz);
    for (let p = 0; p < m.nnz; p++) values[p] = u[p] < rate ? 0 : m.values[p] * scale;
    return csrMatrix(m.rows, m.cols, m.rowPtr, m.colIdx, values, { pattern: this.#pattern });
  }
}

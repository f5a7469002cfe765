/**
 * A sparse matrix in CSR (compressed sparse row) form, for graph propagation: row i's
 * entries are colIdx[rowPtr[i] .. rowPtr[i+1]) with the matching values.
 */
import type { BackendV1 } from './backend/v1.js';
import { makeTensor } from './creation.js';
import { keep } from './engine.js';
import { ShapeError, ValueError } from './errors.js';
import type { Tensor } from './tensor.js';

/** A number per backend instance: two backends may share a name (a reference `f64` and the one under test). */
const backendIds = new WeakMap<BackendV1, number>();
let nextBackendId = 0;
function backendId(backend: BackendV1): number {
  let id = backendIds.get(backend);
  if (id === undefined) {
    id = nextBackendId++;
    backendIds.set(backend, id);
  }
  return id;
}

/** The backend copies of a CSR matrix (made once per backend and reused). */
export interface CsrTensors {
  rowPtr: Tensor;
  colIdx: Tensor;
  /** The row of every stored entry (the composite kernel scatters by it); null on a backend with `spmm`, which never reads it. */
  rowIdx: Tensor | null;
  values: Tensor;
}

/**
 * An immutable CSR matrix of shape [rows, cols].
 * @example
 * ```ts
 * const a = CsrMatrix.fromCoo(2, 3, [0, 1, 1], [2, 0, 2], [5, 6, 7]);
 * a.nnz; // 3
 * a.toDenseArray(); // [[0, 0, 5], [6, 0, 7]]
 * ```
 */
export class CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
  #transpose: CsrMatrix | undefined;
  #onBackend = new Map<string, CsrTensors>();

  /**
   * @param options.symmetric the caller vouches that the matrix equals its transpose (a
   *   normalised adjacency D^−1/2·A·D^−1/2, equal to rounding): `transpose()` returns the matrix
   *   itself without building it. It must be square.
   * @param options.transpose the caller supplies the transpose, built alongside (as sparse
   *   dropout compacts a matrix and its transpose together): a matrix [cols, rows] with the
   *   same nnz, not yet linked to another; the two become each other's `transpose()`.
   */
  constructor(
    rows: number,
    cols: number,
    rowPtr: Int32Array,
    colIdx: Int32Array,
    values: ArrayLike<number>,
    options: { symmetric?: boolean; transpose?: CsrMatrix } = {},
  ) {
    const op = 'CsrMatrix';
    if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0)
      throw new ShapeError(op, `expected non-negative integer rows and cols, got ${rows} x ${cols}`);
    if (options.symmetric && rows !== cols) throw new ShapeError(op, `option 'symmetric' needs a square matrix, got ${rows} x ${cols}`);
    const t = options.transpose;
    if (t !== undefined) {
      if (options.symmetric) throw new ValueError(op, `options 'symmetric' and 'transpose' exclude each other`);
      if (t.rows !== cols || t.cols !== rows || t.nnz !== colIdx.length)
        throw new ShapeError(
          op,
          `option 'transpose' expected a ${cols} x ${rows} matrix with ${colIdx.length} entries, got ${t.rows} x ${t.cols} with ${t.nnz}`,
        );
      if (t.#transpose !== undefined) throw new ValueError(op, `option 'transpose' is already linked to its own transpose`);
    }
    if (rowPtr.length !== rows + 1)
      throw new ShapeError(op, `argument 'rowPtr' expected length rows + 1 = ${rows + 1}, got ${rowPtr.length}`);
    const nnz = colIdx.length;
    if (values.length !== nnz)
      throw new ShapeError(op, `arguments 'colIdx' (${nnz}) and 'values' (${values.length}) must have the same length`);
    if (rowPtr[0] !== 0 || rowPtr[rows] !== nnz)
      throw new ValueError(op, `argument 'rowPtr' must start at 0 and end at nnz = ${nnz}, got ${rowPtr[0]} .. ${rowPtr[rows]}`);
    for (let i = 0; i < rows; i++)
      if (rowPtr[i + 1] < rowPtr[i]) throw new ValueError(op, `argument 'rowPtr' must be non-decreasing (row ${i})`);
    for (let p = 0; p < nnz; p++)
      if (!(colIdx[p] >= 0 && colIdx[p] < cols))
        throw new ValueError(op, `argument 'colIdx' has ${colIdx[p]} at entry ${p}, outside [0, ${cols})`);
    this.rows = rows;
    this.cols = cols;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = Float64Array.from(values);
    if (options.symmetric) this.#transpose = this;
    if (t !== undefined) {
      this.#transpose = t;
      t.#transpose = this;
    }
  }

  /**
   * Builds a CSR matrix from coordinate lists; duplicate (row, col) entries are summed.
   */
  static fromCoo(rows: number, cols: number, rowIdx: ArrayLike<number>, colIdx: ArrayLike<number>, values?: ArrayLike<number>): CsrMatrix {
    const n = rowIdx.length;
    if (colIdx.length !== n || (values && values.length !== n))
      throw new ShapeError(
        'CsrMatrix.fromCoo',
        `arguments 'rowIdx' (${n}), 'colIdx' (${colIdx.length}) and 'values' (${values?.length ?? n}) must have the same length`,
      );
    for (let p = 0; p < n; p++) {
      if (!(rowIdx[p] >= 0 && rowIdx[p] < rows && Number.isInteger(rowIdx[p])))
        throw new ValueError('CsrMatrix.fromCoo', `row index ${rowIdx[p]} at entry ${p} is outside [0, ${rows})`);
      if (!(colIdx[p] >= 0 && colIdx[p] < cols && Number.isInteger(colIdx[p])))
        throw new ValueError('CsrMatrix.fromCoo', `column index ${colIdx[p]} at entry ${p} is outside [0, ${cols})`);
    }
    // sort entries by (row, col) and merge duplicates
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rowIdx[a] - rowIdx[b] || colIdx[a] - colIdx[b]);
    const outCols: number[] = [];
    const outVals: number[] = [];
    const rowPtr = new Int32Array(rows + 1);
    let lastR = -1;
    let lastC = -1;
    for (const p of order) {
      const r = rowIdx[p];
      const c = colIdx[p];
      const v = values ? values[p] : 1;
      if (r === lastR && c === lastC) {
        outVals[outVals.length - 1] += v;
        continue;
      }
      outCols.push(c);
      outVals.push(v);
      rowPtr[r + 1]++;
      lastR = r;
      lastC = c;
    }
    for (let i = 0; i < rows; i++) rowPtr[i + 1] += rowPtr[i];
    return new CsrMatrix(rows, cols, rowPtr, Int32Array.from(outCols), outVals);
  }

  /** Number of stored entries. */
  get nnz(): number {
    return this.colIdx.length;
  }

  /**
   * The transpose, computed once by a counting sort, O(rows + cols + nnz) (each transposed
   * row's columns come out ascending). A symmetric matrix (the same structure and values as
   * its transpose) is its own transpose: the same object, so its backend copies serve both.
   * @example
   * ```ts
   * const a = CsrMatrix.fromCoo(2, 3, [0, 1], [2, 0], [5, 6]);
   * a.transpose().toDenseArray(); // [[0, 6], [0, 0], [5, 0]]
   * const s = CsrMatrix.fromCoo(2, 2, [0, 1], [1, 0], [1, 1]);
   * s.transpose() === s; // true
   * ```
   */
  transpose(): CsrMatrix {
    if (this.#transpose) return this.#transpose;
    const { rows, cols, nnz, rowPtr, colIdx, values } = this;
    const tRowPtr = new Int32Array(cols + 1);
    for (let p = 0; p < nnz; p++) tRowPtr[colIdx[p] + 1]++;
    for (let c = 0; c < cols; c++) tRowPtr[c + 1] += tRowPtr[c];
    const next = tRowPtr.slice(0, cols);
    const tColIdx = new Int32Array(nnz);
    const tValues = new Float64Array(nnz);
    for (let r = 0; r < rows; r++) {
      const end = rowPtr[r + 1];
      for (let p = rowPtr[r]; p < end; p++) {
        const q = next[colIdx[p]]++;
        tColIdx[q] = r;
        tValues[q] = values[p];
      }
    }
    if (rows === cols && sameEntries(rowPtr, tRowPtr) && sameEntries(colIdx, tColIdx) && sameEntries(values, tValues)) {
      this.#transpose = this;
    } else {
      const t = new CsrMatrix(cols, rows, tRowPtr, tColIdx, tValues);
      t.#transpose = this;
      this.#transpose = t;
    }
    return this.#transpose;
  }

  /** The matrix as nested arrays (for small matrices and tests). */
  toDenseArray(): number[][] {
    const out = Array.from({ length: this.rows }, () => new Array<number>(this.cols).fill(0));
    for (let r = 0; r < this.rows; r++) for (let p = this.rowPtr[r]; p < this.rowPtr[r + 1]; p++) out[r][this.colIdx[p]] += this.values[p];
    return out;
  }

  /** @internal The matrix's arrays as tensors on `backend` (made once per backend and dtype). */
  tensorsOn(backend: BackendV1, dtype: 'float32' | 'float64'): CsrTensors {
    // keyed by backend instance: keyed by name, a second backend of the same name replaced the
    // first one's copies without disposing them (they leaked)
    const key = `${backendId(backend)}:${dtype}`;
    let cached = this.#onBackend.get(key);
    if (!cached || cached.values.backend !== backend || cached.values.isDisposed) {
      let rowIdx: Tensor | null = null;
      if (!backend.fastPaths.spmm) {
        const rows = new Int32Array(this.nnz);
        for (let r = 0; r < this.rows; r++) for (let p = this.rowPtr[r]; p < this.rowPtr[r + 1]; p++) rows[p] = r;
        rowIdx = keep(makeTensor(rows, [this.nnz], 'int32', backend));
      }
      cached = {
        rowPtr: keep(makeTensor(this.rowPtr, [this.rows + 1], 'int32', backend)),
        colIdx: keep(makeTensor(this.colIdx, [this.nnz], 'int32', backend)),
        rowIdx,
        values: keep(makeTensor(this.values, [this.nnz], dtype, backend)),
      };
      this.#onBackend.set(key, cached);
    }
    return cached;
  }

  /** Frees the backend copies, and those of the transpose if it was computed (it makes them again when used). */
  dispose(): void {
    this.#disposeCopies();
    if (this.#transpose !== undefined && this.#transpose !== this) this.#transpose.#disposeCopies();
  }

  #disposeCopies(): void {
    for (const t of this.#onBackend.values()) for (const v of Object.values(t)) v?.dispose();
    this.#onBackend.clear();
  }
}

/** True when two arrays hold the same numbers (same length, `===` entry by entry). */
function sameEntries(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

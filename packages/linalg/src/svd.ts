/**
 * Singular value decompositions. The full thin SVD is ml-matrix's (Golub–Kahan–Reinsch, as
 * JAMA); the top-k right singular pairs of a wide matrix go through the small Gram matrix and a
 * Rayleigh–Ritz step, which is much cheaper when rows ≪ cols.
 */
import { ShapeError, ValueError } from '@lec/tensor';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { type Mat, gemm, gram, mat, topRows, transpose } from './mat.js';
import { orthonormalColumns } from './qr.js';
import { symmetricEigen } from './symmetric-eigen.js';

/**
 * The rows of an ml-matrix Matrix without copying: ml-matrix 6 (pinned) keeps each row in a
 * Float64Array `data[i]`; that field is not in its typings, so fall back to `to2DArray()` if a
 * later version drops it.
 */
function rowsOf(m: Matrix): ArrayLike<number>[] {
  const data = (m as unknown as { data?: ArrayLike<number>[] }).data;
  return Array.isArray(data) && data.length === m.rows ? data : m.to2DArray();
}

/** Copies a Mat into an ml-matrix Matrix. */
function toMlMatrix(x: Mat): Matrix {
  const m = new Matrix(x.rows, x.cols);
  const rows = rowsOf(m);
  for (let i = 0; i < x.rows; i++) {
    const row = rows[i];
    if (row instanceof Float64Array) row.set(x.data.subarray(i * x.cols, (i + 1) * x.cols));
    else for (let j = 0; j < x.cols; j++) m.set(i, j, x.data[i * x.cols + j]);
  }
  return m;
}

function checkFinite(op: string, x: Mat): void {
  if (x.data.length !== x.rows * x.cols)
    throw new ShapeError(op, `argument 'x' is ${x.rows} x ${x.cols} but holds ${x.data.length} values`);
  const bad = x.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new ValueError(op, `argument 'x' expected finite entries, got ${x.data[bad]} at (${Math.floor(bad / x.cols)}, ${bad % x.cols})`);
}

/**
 * Thin SVD x = U·diag(s)·Vᵀ, singular values descending, r = min(rows, cols) of them. Returns
 * Vᵀ's rows (the right singular vectors, [r, cols]) and, when `wantU`, U [rows, r]; signs
 * are arbitrary (see `flipSigns`).
 * @example
 * ```ts
 * const { s, vt } = thinSvd(mat([[3, 0], [0, -4]]));
 * Array.from(s); // [4, 3]
 * Array.from(vt.data, Math.abs); // [0, 1, 1, 0]
 * ```
 */
export function thinSvd(x: Mat, wantU = false): { s: Float64Array; vt: Mat; u: Mat | null } {
  checkFinite('thinSvd', x);
  const r = Math.min(x.rows, x.cols);
  if (r === 0) return { s: new Float64Array(0), vt: mat(0, x.cols), u: wantU ? mat(x.rows, 0) : null };
  const svd = new SingularValueDecomposition(toMlMatrix(x), {
    computeLeftSingularVectors: wantU,
    computeRightSingularVectors: true,
    autoTranspose: true,
  });
  const diag = svd.diagonal;
  const s = new Float64Array(r);
  for (let i = 0; i < r; i++) s[i] = diag[i];
  const v = rowsOf(svd.rightSingularVectors); // [cols, >= r]
  const vt = mat(r, x.cols);
  for (let i = 0; i < r; i++) for (let j = 0; j < x.cols; j++) vt.data[i * x.cols + j] = v[j][i];
  let u: Mat | null = null;
  if (wantU) {
    const lu = rowsOf(svd.leftSingularVectors);
    u = mat(x.rows, r);
    for (let i = 0; i < x.rows; i++) for (let j = 0; j < r; j++) u.data[i * r + j] = lu[i][j];
  }
  return { s, vt, u };
}

/**
 * The top `k` singular values and right singular vectors (rows of vt, [k, cols]) of x. For a
 * wide x (rows ≤ cols) the eigenvectors U of the small Gram x·xᵀ give the directions xᵀ·U_k,
 * which are orthonormalised (QR) into Q; a Rayleigh–Ritz step, the SVD of x·Q [rows, k] =
 * W·diag(s)·Zᵀ, then gives vt = Zᵀ·Qᵀ and s accurate to ε·‖x‖ (squaring in the Gram matrix
 * alone would lose the small ones). O(rows²·cols + rows³). A tall x takes the full thin SVD.
 * @example
 * ```ts
 * Array.from(topRightSingular(mat([[3, 0, 0], [0, 4, 0]]), 1).s); // [4]
 * ```
 */
export function topRightSingular(x: Mat, k: number): { s: Float64Array; vt: Mat } {
  if (!Number.isSafeInteger(k) || k < 0 || k > Math.min(x.rows, x.cols))
    throw new ValueError('topRightSingular', `argument 'k' expected an integer in [0, ${Math.min(x.rows, x.cols)}], got ${k}`);
  if (x.rows > x.cols) {
    const { s, vt } = thinSvd(x);
    return { s: s.slice(0, k), vt: topRows(vt, k) };
  }
  checkFinite('topRightSingular', x);
  const { vectors } = symmetricEigen(gram(transpose(x)));
  const y = gemm(topRows(vectors, k), x); // [k, cols]
  const q = orthonormalColumns(transpose(y)); // [cols, k]
  const { s, vt: z } = thinSvd(gemm(x, q)); // x·q [rows, k]
  return { s, vt: gemm(z, q, false, true) };
}

/**
 * Sign convention (scikit-learn's svd_flip with the decision on V), in place: each row of
 * `vt` is flipped so its largest-magnitude entry is positive, and the matching column of `u`
 * with it. Makes components deterministic across methods.
 * @example
 * ```ts
 * const vt = mat([[0.6, -0.8]]);
 * flipSigns(vt);
 * Array.from(vt.data); // [-0.6, 0.8]
 * ```
 */
export function flipSigns(vt: Mat, u: Mat | null = null): void {
  const { rows, cols, data } = vt;
  if (u && u.cols !== rows) throw new ShapeError('flipSigns', `argument 'u' expected ${rows} columns (one per row of vt), got ${u.cols}`);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestAbs = -1;
    for (let j = 0; j < cols; j++) {
      const a = Math.abs(data[i * cols + j]);
      if (a > bestAbs) {
        bestAbs = a;
        best = j;
      }
    }
    if (data[i * cols + best] < 0) {
      for (let j = 0; j < cols; j++) data[i * cols + j] = -data[i * cols + j];
      if (u) for (let r = 0; r < u.rows; r++) u.data[r * u.cols + i] = -u.data[r * u.cols + i];
    }
  }
}

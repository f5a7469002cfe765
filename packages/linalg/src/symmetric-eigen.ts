/**
 * Eigendecomposition of a dense symmetric matrix, every eigenpair, O(n³): Householder
 * tridiagonalisation then the implicit QL algorithm (tred2/tql2 of EISPACK, as in JAMA and
 * ml-matrix's EigenvalueDecomposition), on flat arrays. The orthogonal matrix is held
 * transposed (w[c·n + r] = V[r][c]) so every inner loop runs over contiguous memory; with the
 * same algorithm and operation order as ml-matrix it gives the same eigenvalues, and measured
 * faster at the sizes pca and gcn use (apps/bench/scripts/linalg-ab.mjs runs the A/B).
 */
import { type CsrMatrix, ShapeError, ValueError } from '@lec/tensor';
import { type Mat, mat } from './mat.js';

/** Options of `symmetricEigen`. */
export interface SymmetricEigenOptions {
  /** Order of the eigenvalues (default 'descending'); equal ones keep the solver's order. */
  order?: 'ascending' | 'descending';
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix s = Vᵀ·diag(values)·V: the eigenvectors
 * are the ROWS of `vectors` [n, n] (row i goes with values[i]; unit length, sign arbitrary).
 * Symmetry is assumed, not checked; entries must be finite (a ValueError names the first
 * that is not).
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen(mat([[2, 1], [1, 2]]));
 * Array.from(values); // [3, 1]
 * Math.abs(vectors.data[0]).toFixed(6); // '0.707107'
 * ```
 */
export function symmetricEigen(s: Mat, options: SymmetricEigenOptions = {}): { values: Float64Array; vectors: Mat } {
  const n = s.rows;
  if (s.cols !== n || s.data.length !== n * n)
    throw new ShapeError('symmetricEigen', `argument 's' expected a square matrix, got ${s.rows} x ${s.cols} (${s.data.length} values)`);
  const order = options.order ?? 'descending';
  if (order !== 'ascending' && order !== 'descending')
    throw new ValueError('symmetricEigen', `option 'order' expected 'ascending' or 'descending', got ${String(order)}`);
  const bad = s.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new ValueError(
      'symmetricEigen',
      `argument 's' expected finite entries, got ${s.data[bad]} at (${Math.floor(bad / n)}, ${bad % n})`,
    );
  const w = new Float64Array(n * n); // w[c * n + r] = V[r][c]
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) w[c * n + r] = s.data[r * n + c];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tred2(n, w, d, e);
    tql2(n, w, d, e);
  }
  const indices = Array.from({ length: n }, (_, i) => i);
  indices.sort(order === 'descending' ? (a, b) => d[b] - d[a] : (a, b) => d[a] - d[b]);
  const values = new Float64Array(n);
  const vectors = mat(n, n);
  indices.forEach((src, i) => {
    values[i] = d[src];
    vectors.data.set(w.subarray(src * n, (src + 1) * n), i * n);
  });
  return { values, vectors };
}

/** Eigenpairs: values ascending; vectors [n, k] row-major, column j ↔ values[j]. */
export interface Eigenpairs {
  values: Float64Array;
  vectors: Float64Array;
  /** Matrix size (rows of `vectors`). */
  n: number;
  /** Number of pairs (columns of `vectors`). */
  k: number;
}

/**
 * All eigenpairs of a symmetric matrix (a CsrMatrix or nested arrays), dense: values
 * ascending, eigenvectors as the columns of `vectors` [n, n] (sign arbitrary). Symmetry is
 * assumed, not checked: pass symmetric Laplacians, not the random-walk one.
 * @example
 * ```ts
 * const { values } = eigh([[2, -1], [-1, 2]]);
 * Array.from(values, (v) => Math.round(v)); // [1, 3]
 * ```
 */
export function eigh(matrix: CsrMatrix | readonly (readonly number[])[]): Eigenpairs {
  const dense = Array.isArray(matrix) ? (matrix as readonly (readonly number[])[]) : (matrix as CsrMatrix).toDenseArray();
  const n = dense.length;
  if (dense.some((row) => row.length !== n))
    throw new ValueError(
      'eigh',
      `argument 'matrix' expected a square matrix, got ${n} rows of lengths ${dense
        .map((r) => r.length)
        .join(', ')
        .slice(0, 60)}`,
    );
  const { values, vectors: rows } = symmetricEigen(n === 0 ? mat(0, 0) : mat(dense), { order: 'ascending' });
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vectors[i * n + j] = rows.data[j * n + i];
  return { values, vectors, n, k: n };
}

/** Householder reduction to tridiagonal form (EISPACK tred2); w holds Vᵀ. */
function tred2(n: number, w: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        const wj = j * n;
        f = d[j];
        w[i * n + j] = f; // V[j][i]
        g = e[j] + w[wj + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += w[wj + k] * d[k];
          e[k] += w[wj + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const wj = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) w[wj + k] -= f * e[k] + g * d[k];
        d[j] = w[wj + i - 1];
        w[wj + i] = 0;
      }
    }
    d[i] = h;
  }
  // accumulate the transformations
  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i];
    w[i * n + i] = 1;
    const h = d[i + 1];
    const wi1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[wi1 + k] / h;
      for (let j = 0; j <= i; j++) {
        const wj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[wi1 + k] * w[wj + k];
        for (let k = 0; k <= i; k++) w[wj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[wi1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL iterations on the tridiagonal (d, e) (EISPACK tql2); rotations applied to w's rows. */
function tql2(n: number, w: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new ValueError('symmetricEigen', `the QL iteration did not converge within 60 steps for eigenvalue ${l}`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const a = i * n;
          const b = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const t = w[b + k];
            w[b + k] = s * w[a + k] + c * t;
            w[a + k] = c * w[a + k] - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

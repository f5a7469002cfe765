/**
 * The k extreme eigenpairs of a large sparse symmetric matrix: Lanczos with full
 * reorthogonalisation (every new vector is orthogonalised twice against the whole basis, so no
 * spurious copies of converged Ritz values appear), extended until the wanted Ritz pairs have
 * residual ‖A·y − θ·y‖ ≤ tol·max(1, |θ|). O(m·nnz + m²·n) for a basis of m vectors; the small
 * tridiagonal T is solved by `symmetricEigen`.
 */
import { type CsrMatrix, Rng, ValueError } from '@lec/tensor';
import { mat } from './mat.js';
import { type Eigenpairs, symmetricEigen } from './symmetric-eigen.js';

/** Options of `lanczos`. */
export interface LanczosOptions {
  /** Which end of the spectrum (default 'largest'). */
  which?: 'largest' | 'smallest';
  /** Residual tolerance relative to max(1, |θ|) (default 1e-10). */
  tol?: number;
  /** Largest basis size (default min(n, max(300, 20k))). */
  maxBasis?: number;
  /** Seed of the random start vector (default 0). */
  seed?: number;
}

/**
 * y = m·x for a CSR matrix m [rows, cols] and a vector x [cols]; y [rows] is written and returned.
 * @example
 * ```ts
 * Array.from(csrMatVec(CsrMatrix.fromCoo(2, 2, [0, 1], [1, 0], [2, 3]), Float64Array.of(1, 1))); // [2, 3]
 * ```
 */
export function csrMatVec(m: CsrMatrix, x: Float64Array, y = new Float64Array(m.rows)): Float64Array {
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) s += m.values[p] * x[m.colIdx[p]];
    y[r] = s;
  }
  return y;
}

/**
 * The k largest (or smallest) eigenpairs of a symmetric sparse matrix by Lanczos with full
 * reorthogonalisation: values ascending (with which 'largest', the k largest, still
 * ascending), vectors [n, k] row-major with column j the unit eigenvector of values[j] (sign
 * arbitrary). A breakdown (an invariant subspace, e.g. one per connected component) restarts
 * from a fresh random vector orthogonal to the basis, so repeated eigenvalues are found too.
 * Throws a ValueError when the pairs have not converged within `maxBasis`.
 * @example
 * ```ts
 * const path = CsrMatrix.fromCoo(3, 3, [0, 1, 1, 2], [1, 0, 2, 1]); // the path graph 0-1-2
 * lanczos(path, 1).values[0].toFixed(6); // '1.414214'
 * ```
 */
export function lanczos(matrix: CsrMatrix, k: number, options: LanczosOptions = {}): Eigenpairs {
  const op = 'lanczos';
  const n = matrix.rows;
  if (matrix.cols !== n) throw new ValueError(op, `argument 'matrix' expected a square matrix, got ${matrix.rows} x ${matrix.cols}`);
  if (!Number.isSafeInteger(k) || k < 1 || k > n) throw new ValueError(op, `argument 'k' expected an integer in [1, ${n}], got ${k}`);
  const which = options.which ?? 'largest';
  if (which !== 'largest' && which !== 'smallest')
    throw new ValueError(op, `option 'which' expected 'largest' or 'smallest', got ${String(which)}`);
  const tol = options.tol ?? 1e-10;
  if (!(tol > 0)) throw new ValueError(op, `option 'tol' expected a positive number, got ${tol}`);
  if (options.maxBasis !== undefined && !(Number.isSafeInteger(options.maxBasis) && options.maxBasis >= k))
    throw new ValueError(op, `option 'maxBasis' expected an integer >= k = ${k}, got ${options.maxBasis}`);
  const maxBasis = Math.min(n, options.maxBasis ?? Math.max(300, 20 * k));
  const rng = new Rng(options.seed ?? 0);
  const basis: Float64Array[] = [];
  const alpha: number[] = [];
  const beta: number[] = []; // beta[j] couples basis[j] and basis[j + 1]
  const w = new Float64Array(n);

  const orthogonalise = (v: Float64Array) => {
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let d = 0;
        for (let i = 0; i < n; i++) d += q[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= d * q[i];
      }
    }
  };
  const norm = (v: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i] * v[i];
    return Math.sqrt(s);
  };
  /** A random unit vector orthogonal to the basis, or null when the basis spans everything. */
  const fresh = (): Float64Array | null => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const v = rng.normal(n);
      orthogonalise(v);
      const s = norm(v);
      if (s > 1e-8) {
        for (let i = 0; i < n; i++) v[i] /= s;
        return v;
      }
    }
    return null;
  };

  let next = fresh() as Float64Array;
  let target = Math.min(maxBasis, Math.max(2 * k + 20, 40));
  let scale = 0;
  let exhausted = false;
  for (;;) {
    while (basis.length < target) {
      const q = next;
      basis.push(q);
      csrMatVec(matrix, q, w);
      let a = 0;
      for (let i = 0; i < n; i++) a += q[i] * w[i];
      alpha.push(a);
      const v = Float64Array.from(w);
      orthogonalise(v);
      const b = norm(v);
      scale = Math.max(scale, Math.abs(a), b);
      if (basis.length === n) {
        exhausted = true;
        break;
      }
      if (b > 1e-10 * Math.max(1, scale)) {
        beta.push(b);
        for (let i = 0; i < n; i++) v[i] /= b;
        next = v;
      } else {
        // invariant subspace: restart with a new direction (T gets a zero coupling)
        const f = fresh();
        if (!f) {
          exhausted = true;
          break;
        }
        beta.push(0);
        next = f;
      }
    }
    const m = basis.length;
    const t = mat(m, m);
    for (let j = 0; j < m; j++) {
      t.data[j * m + j] = alpha[j];
      if (j + 1 < m) {
        t.data[j * m + j + 1] = beta[j];
        t.data[(j + 1) * m + j] = beta[j];
      }
    }
    // theta ascending; row j of s.data is the eigenvector of theta[j] in the Lanczos basis
    const { values: theta, vectors: s } = symmetricEigen(t, { order: 'ascending' });
    const picked = Array.from({ length: k }, (_, i) => (which === 'largest' ? m - k + i : i));
    const last = exhausted ? 0 : (beta[m - 1] ?? 0);
    const converged = picked.every((j) => Math.abs(last * s.data[j * m + m - 1]) <= tol * Math.max(1, Math.abs(theta[j])));
    if (converged || m >= maxBasis || exhausted) {
      if (!converged)
        throw new ValueError(
          op,
          `the ${k} ${which} eigenpairs did not converge to tol ${tol} within a basis of ${m} vectors; raise 'maxBasis' or 'tol'`,
        );
      const values = Float64Array.from(picked, (j) => theta[j]);
      const vectors = new Float64Array(n * k);
      picked.forEach((j, col) => {
        for (let r = 0; r < m; r++) {
          const c = s.data[j * m + r];
          if (c === 0) continue;
          const q = basis[r];
          for (let i = 0; i < n; i++) vectors[i * k + col] += c * q[i];
        }
      });
      return { values, vectors, n, k };
    }
    target = Math.min(maxBasis, n, Math.ceil(target * 1.5));
  }
}

/**
 * Symmetric eigendecomposition, two ways:
 * - `eigh`: dense, every eigenpair, via ml-matrix's EigenvalueDecomposition (Householder
 *   tridiagonalisation + QL, O(n³)): for graphs up to a few thousand nodes.
 * - `lanczos`: the k extreme eigenpairs of a large sparse symmetric matrix. Lanczos with full
 *   reorthogonalisation (every new vector is orthogonalised twice against the whole basis, so
 *   no spurious copies of converged Ritz values appear), extended until the wanted Ritz pairs
 *   have residual ‖A·y − θ·y‖ ≤ tol·max(1, |θ|). O(m·nnz + m²·n) for a basis of m vectors.
 *
 * Results: `values` ascending (`lanczos` with which 'largest' gives the k largest, still
 * ascending), `vectors` row-major [n, k] with column j the unit eigenvector of values[j]
 * (sign arbitrary).
 */
import { type CsrMatrix, Rng, ValueError } from '@lec/tensor';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { csrMatVec } from './laplacian.js';

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
 * All eigenpairs of a symmetric matrix (a CsrMatrix or nested arrays), dense, via ml-matrix.
 * Symmetry is assumed, not checked: pass the symmetric Laplacians, not the random-walk one.
 * @example
 * ```ts
 * const { values } = eigh(laplacian(ringGraph(4)));
 * Array.from(values, (v) => Math.round(v)); // [0, 2, 2, 4]
 * ```
 */
export function eigh(matrix: CsrMatrix | readonly (readonly number[])[]): Eigenpairs {
  const dense = Array.isArray(matrix) ? (matrix as number[][]) : (matrix as CsrMatrix).toDenseArray();
  const n = dense.length;
  if (dense.some((row) => row.length !== n))
    throw new ValueError(
      'eigh',
      `argument 'matrix' expected a square matrix, got ${n} rows of lengths ${dense
        .map((r) => r.length)
        .join(', ')
        .slice(0, 60)}`,
    );
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0), n: 0, k: 0 };
  const evd = new EigenvalueDecomposition(new Matrix(dense), { assumeSymmetric: true });
  const raw = evd.realEigenvalues;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => raw[a] - raw[b]);
  const vecs = evd.eigenvectorMatrix;
  const values = Float64Array.from(order, (i) => raw[i]);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const col = order[j];
    for (let i = 0; i < n; i++) vectors[i * n + j] = vecs.get(i, col);
  }
  return { values, vectors, n, k: n };
}

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
 * The k largest (or smallest) eigenpairs of a symmetric sparse matrix by Lanczos with full
 * reorthogonalisation. A breakdown (an invariant subspace, e.g. one per connected component)
 * restarts from a fresh random vector orthogonal to the basis, so repeated eigenvalues are
 * found too. Throws a ValueError when the pairs have not converged within `maxBasis`.
 * @example
 * ```ts
 * const { values } = lanczos(laplacian(ringGraph(100)), 1, { which: 'largest' });
 * values[0].toFixed(6); // '4.000000'
 * ```
 */
export function lanczos(matrix: CsrMatrix, k: number, options: LanczosOptions = {}): Eigenpairs {
  const op = 'lanczos';
  const n = matrix.rows;
  if (matrix.cols !== n) throw new ValueError(op, `argument 'matrix' expected a square matrix, got ${matrix.rows} x ${matrix.cols}`);
  if (!Number.isSafeInteger(k) || k < 1 || k > n) throw new ValueError(op, `argument 'k' expected an integer in [1, ${n}], got ${k}`);
  const which = options.which ?? 'largest';
  const tol = options.tol ?? 1e-10;
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

  let next = fresh()!;
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
    const t = Matrix.zeros(m, m);
    for (let j = 0; j < m; j++) {
      t.set(j, j, alpha[j]);
      if (j + 1 < m) {
        t.set(j, j + 1, beta[j]);
        t.set(j + 1, j, beta[j]);
      }
    }
    const evd = new EigenvalueDecomposition(t, { assumeSymmetric: true });
    const theta = evd.realEigenvalues;
    const s = evd.eigenvectorMatrix;
    const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => theta[a] - theta[b]);
    const picked = which === 'largest' ? order.slice(m - k) : order.slice(0, k);
    const last = exhausted ? 0 : (beta[m - 1] ?? 0);
    const converged = picked.every((j) => Math.abs(last * s.get(m - 1, j)) <= tol * Math.max(1, Math.abs(theta[j])));
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
          const c = s.get(r, j);
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

/**
 * Thin QR's orthonormal factor by classical Gram–Schmidt applied twice ("CGS2", Giraud et al.
 * 2005): orthogonal to working precision for numerically full-rank input, on contiguous columns.
 */
import { ShapeError } from '@lec/tensor';
import { type Mat, transpose } from './mat.js';

/**
 * An orthonormal basis of the column space of a tall x ([rows, cols], rows ≥ cols): the Q of a
 * thin QR. A column that vanishes (rank deficiency) is replaced by a unit vector orthogonal to
 * the rest, so Q always has orthonormal columns.
 * @example
 * ```ts
 * const q = orthonormalColumns(mat([[3, 1], [4, 1]]));
 * Array.from(q.data.slice(0, 2), (v) => v.toFixed(1)); // ['0.6', '0.8']
 * ```
 */
export function orthonormalColumns(x: Mat): Mat {
  const { rows: n, cols: m } = x;
  if (m > n || x.data.length !== n * m)
    throw new ShapeError(
      'orthonormalColumns',
      `argument 'x' expected a tall matrix (rows >= cols), got ${n} x ${m} (${x.data.length} values)`,
    );
  const q = transpose(x).data; // column j is q[j * n ...]
  const proj = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const qj = j * n;
    const original = Math.sqrt(dot(q, qj, q, qj, n));
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) proj[i] = dot(q, i * n, q, qj, n);
      for (let i = 0; i < j; i++) {
        const c = proj[i];
        const qi = i * n;
        for (let r = 0; r < n; r++) q[qj + r] -= c * q[qi + r];
      }
    }
    let norm = Math.sqrt(dot(q, qj, q, qj, n));
    if (!(norm > 1e-10 * original) || norm === 0) {
      // dependent column: take the first coordinate vector with a component outside span(q_0..q_j-1)
      for (let e = 0; e < n; e++) {
        q.fill(0, qj, qj + n);
        q[qj + e] = 1;
        for (let pass = 0; pass < 2; pass++) {
          for (let i = 0; i < j; i++) {
            const c = dot(q, i * n, q, qj, n);
            for (let r = 0; r < n; r++) q[qj + r] -= c * q[i * n + r];
          }
        }
        norm = Math.sqrt(dot(q, qj, q, qj, n));
        if (norm > 0.5) break;
      }
    }
    for (let r = 0; r < n; r++) q[qj + r] /= norm;
  }
  return transpose({ rows: m, cols: n, data: q });
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let r = 0;
  for (; r + 1 < n; r += 2) {
    s0 += a[ao + r] * b[bo + r];
    s1 += a[ao + r + 1] * b[bo + r + 1];
  }
  if (r < n) s0 += a[ao + r] * b[bo + r];
  return s0 + s1;
}

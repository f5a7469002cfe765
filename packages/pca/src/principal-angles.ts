/**
 * Principal angles between two subspaces of R^d (Björck & Golub 1973). With Qa [d, p] and
 * Qb [d, q] orthonormal bases (thin QR of the spanning vectors), the singular values of
 * Qaᵀ·Qb are the cosines of the angles θ_1 ≤ … ≤ θ_min(p,q); θ_i = acos(σ_i) with σ_i
 * clipped to [−1, 1]. acos is ill-conditioned near 0 (an angle of 1e-8 has cos = 1 in
 * float64), so angles whose cosine exceeds 1/√2 are taken instead as asin of the singular
 * values of (I − Qa·Qaᵀ)·Qb, the sines (Knyazev & Argentati 2002).
 */
import { ShapeError, ValueError } from '@lec/tensor';
import { type Mat, gemm, orthonormalColumns, thinSvd, transpose } from '@lec/linalg';
import { type MatrixInput, readMatrix } from './matrix-input.js';

/** Options of `principalAngles`. */
export interface PrincipalAnglesOptions {
  /** `degrees` (default) or `radians`. */
  unit?: 'degrees' | 'radians';
  /**
   * How the spanning vectors are laid out: `columns` (default; A is [d, p]) or `rows`
   * (A is [p, d], as `PCA.components` is).
   */
  vectors?: 'columns' | 'rows';
}

/**
 * The principal angles between span(A) and span(B), smallest first (min(p, q) of them).
 * A is [d, p] and B [d, q] (columns span the subspaces; `vectors: 'rows'` for [p, d]);
 * neither needs orthonormal columns, but each needs full column rank.
 * @example
 * ```ts
 * principalAngles([[1], [0], [0]], [[1], [1], [0]]); // [45]  (degrees, up to rounding)
 * principalAngles([[1, 0, 0]], [[0, 1, 0]], { vectors: 'rows', unit: 'radians' }); // [π/2]
 * ```
 */
export function principalAngles(a: MatrixInput, b: MatrixInput, options: PrincipalAnglesOptions = {}): number[] {
  const op = 'principalAngles';
  const unit = options.unit ?? 'degrees';
  const layout = options.vectors ?? 'columns';
  if (unit !== 'degrees' && unit !== 'radians') throw new ValueError(op, `option 'unit' expected 'degrees' or 'radians', got '${unit}'`);
  if (layout !== 'columns' && layout !== 'rows') throw new ValueError(op, `option 'vectors' expected 'columns' or 'rows', got '${layout}'`);
  let ma = readMatrix(op, 'a', a);
  let mb = readMatrix(op, 'b', b);
  if (layout === 'rows') {
    ma = transpose(ma);
    mb = transpose(mb);
  }
  if (ma.rows !== mb.rows) {
    throw new ShapeError(
      op,
      `arguments 'a' and 'b' must live in the same space: a spans vectors of length ${ma.rows}, b of length ${mb.rows}`,
    );
  }
  for (const [name, m] of [
    ['a', ma],
    ['b', mb],
  ] as const) {
    if (m.cols < 1) throw new ShapeError(op, `argument '${name}' has no spanning vectors`);
    if (m.cols > m.rows)
      throw new ShapeError(op, `argument '${name}' has ${m.cols} vectors in R^${m.rows}; at most ${m.rows} can be independent`);
  }
  // angles are symmetric in (a, b): put the larger subspace first so the sines line up
  if (ma.cols < mb.cols) [ma, mb] = [mb, ma];
  const qa = orthonormalColumns(ma);
  const qb = orthonormalColumns(mb);
  const cosines = thinSvd(gemm(qa, qb, true, false)).s; // descending → angles ascending
  // sines: singular values of qb − qa·(qaᵀ·qb), ascending order matches the angles
  const proj = gemm(qa, gemm(qa, qb, true, false));
  const resid: Mat = { rows: qb.rows, cols: qb.cols, data: qb.data.map((v, i) => v - proj.data[i]) };
  const sines = Array.from(thinSvd(resid).s).reverse();
  const m = mb.cols;
  const angles: number[] = [];
  for (let i = 0; i < m; i++) {
    const c = Math.min(1, Math.max(-1, cosines[i] ?? 0));
    const s = Math.min(1, Math.max(0, sines[i] ?? 0));
    const theta = c * c > 0.5 ? Math.asin(s) : Math.acos(c);
    angles.push(unit === 'degrees' ? (theta * 180) / Math.PI : theta);
  }
  return angles;
}

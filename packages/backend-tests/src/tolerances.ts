/**
 * The tolerance rows of TESTING.md. A value `a` from the backend under test matches the
 * reference value `e` when `|a − e| <= atol + rtol·|e|` (rtol and atol always together);
 * NaN must meet NaN, an infinity the same infinity.
 *
 * | row            | rtol                          | atol  | used for                                   |
 * |----------------|-------------------------------|-------|--------------------------------------------|
 * | exact          | 0                             | 0     | data movement, comparisons, floor/round... |
 * | elementwise    | 1e-5                          | 1e-6  | + − × ÷, sqrt, square, leakyRelu, ...      |
 * | transcendental | 1e-4                          | 1e-6  | exp, log, tanh, sigmoid, sin, pow, softmax |
 * | reduction(K)   | max(1e-5, 4·√K·2⁻²⁴)          | 1e-6  | sum, mean, matmul, conv (K = terms summed) |
 * | float64        | 1e-10                         | 1e-12 | the float64 runs of the forward cases      |
 * | vjp            | 1e-4                          | 1e-5  | float32 gradients against the reference    |
 *
 * Transcendental row: a float32 libm-quality kernel is within ~4 ulp (5e-7) per call; the
 * composites (softmax, logSumExp, softplus, ...) chain up to four of them, and a backend may
 * use polynomial approximations, so the row allows 1e-4 (still far below any real bug).
 *
 * Reductions are compared normwise: `|e|` is replaced by `max(|e|, rms(e))` over the finite
 * reference values of the output, because a sum that cancels to nearly zero carries the
 * rounding error of its large terms (elementwise relative error is meaningless there).
 *
 * The vjp row is for backward passes run in float32 (several ops chained: a gradient of a
 * reduction is itself a reduction of another length), checked against the f64 reference.
 */

/** One tolerance row. */
export interface Tolerance {
  rtol: number;
  atol: number;
  /** Compare against max(|e|, rms of the reference output) instead of |e| (reductions). */
  normwise?: boolean;
  /** Also require the sign of zeros to match (pure data movement). */
  signedZeros?: boolean;
}

/** The whole table; a backend may override rows through `runConformance({ tolerances })`. */
export interface ToleranceTable {
  exact: Tolerance;
  elementwise: Tolerance;
  transcendental: Tolerance;
  /** The row for a reduction over K terms. */
  reduction: (k: number) => Tolerance;
  float64: Tolerance;
  vjp: Tolerance;
  /** Central finite differences: step and the tolerances of the gradient check. */
  gradcheck: { eps: number; atol: number; rtol: number };
}

/** The rtol of a float32 reduction over K terms: max(1e-5, 4·sqrt(K)·2^-24). */
export function reductionRtol(k: number): number {
  return Math.max(1e-5, 4 * Math.sqrt(Math.max(k, 1)) * 2 ** -24);
}

/** The defaults, as TESTING.md states them. */
export const DEFAULT_TOLERANCES: ToleranceTable = {
  exact: { rtol: 0, atol: 0 },
  elementwise: { rtol: 1e-5, atol: 1e-6 },
  transcendental: { rtol: 1e-4, atol: 1e-6 },
  reduction: (k) => ({ rtol: reductionRtol(k), atol: 1e-6, normwise: true }),
  float64: { rtol: 1e-10, atol: 1e-12 },
  vjp: { rtol: 1e-4, atol: 1e-5, normwise: true },
  gradcheck: { eps: 1e-6, atol: 1e-5, rtol: 1e-3 },
};

/** How an op table entry names its tolerance row. */
export type ToleranceKind = 'exact' | 'move' | 'elementwise' | 'transcendental' | { reduction: number } | Tolerance;

/** Resolves a kind against a table (`move` is exact with signed zeros). */
export function resolveTolerance(kind: ToleranceKind, table: ToleranceTable): Tolerance {
  if (kind === 'exact') return table.exact;
  if (kind === 'move') return { ...table.exact, signedZeros: true };
  if (kind === 'elementwise') return table.elementwise;
  if (kind === 'transcendental') return table.transcendental;
  if ('reduction' in kind) return table.reduction(kind.reduction);
  return kind;
}

/**
 * Correctness against a float64 reference: |a - e| <= atol + rtol·|e|, with
 * rtol = max(1e-5, 4·sqrt(K)·2^-24) for a reduction of length K and atol = 1e-6·scale.
 *
 * The scale is per element: the magnitude of the reduction, Σ|aᵢ·bᵢ| (the same reference
 * run on absolute values). With zero-mean data an output can cancel to near zero while its
 * terms are large; float32 accumulation error follows the terms, not the result, so a scale
 * of max|e| flags correct kernels (seen: XNNPACK's conv filter gradient, K = 32768, 2 ulps of
 * Σ|terms|). Without magnitudes the scale is the largest |e|.
 * NaN must meet NaN, infinities must match with sign.
 */
export interface CheckResult {
  ok: boolean;
  mismatches: number;
  maxAbs: number;
  maxRel: number;
  /** Flat index of the worst mismatch (or of the largest difference when all pass). */
  where: number;
  rtol: number;
  atol: number;
  message: string;
}

export function tolerance(k: number, scale: number): { rtol: number; atol: number } {
  return { rtol: Math.max(1e-5, 4 * Math.sqrt(Math.max(k, 1)) * 2 ** -24), atol: 1e-6 * scale };
}

export function checkClose(actual: ArrayLike<number>, expected: Float64Array, k: number, magnitude?: Float64Array): CheckResult {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(expected[i]);
    if (Number.isFinite(e) && e > scale) scale = e;
  }
  const { rtol, atol: globalAtol } = tolerance(k, scale);
  let atol = globalAtol;
  const fail = (message: string, where = -1): CheckResult => ({
    ok: false,
    mismatches: expected.length,
    maxAbs: Infinity,
    maxRel: Infinity,
    where,
    rtol,
    atol,
    message,
  });
  if (actual.length !== expected.length) return fail(`length ${actual.length}, expected ${expected.length}`);
  let mismatches = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let where = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (magnitude) atol = 1e-6 * magnitude[i];
    let bad: boolean;
    let d: number;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      bad = Number.isNaN(e) !== Number.isNaN(a);
      d = bad ? Infinity : 0;
    } else if (!Number.isFinite(e) || !Number.isFinite(a)) {
      bad = a !== e;
      d = bad ? Infinity : 0;
    } else {
      d = Math.abs(a - e);
      bad = d > atol + rtol * Math.abs(e);
    }
    const rel = d / Math.max(Math.abs(e), Number.MIN_VALUE);
    if (d > maxAbs) maxAbs = d;
    if (Number.isFinite(rel) && rel > maxRel && d > atol) maxRel = rel;
    const excess = d - (atol + rtol * Math.abs(e));
    if (bad) mismatches++;
    if (excess > worstExcess || (bad && where < 0)) {
      worstExcess = excess;
      where = i;
    }
  }
  const ok = mismatches === 0;
  const message = ok
    ? `max |diff| ${maxAbs.toExponential(2)}`
    : `${mismatches}/${expected.length} mismatches; max |diff| ${maxAbs.toExponential(3)}, max rel ${maxRel.toExponential(3)}; worst at [${where}]: got ${actual[where]}, expected ${expected[where]} (rtol ${rtol.toExponential(2)}, atol there ${(magnitude ? 1e-6 * magnitude[where] : atol).toExponential(2)})`;
  return { ok, mismatches, maxAbs, maxRel, where, rtol, atol, message };
}

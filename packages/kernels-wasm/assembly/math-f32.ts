/**
 * Transcendental functions on f32x4 for the elementwise kernels (SIMD builds; the scalar build
 * calls the f64 libm of AssemblyScript instead, see elementwise-f32.ts).
 *
 * exp: x = n·ln2 + r with n = round(x·log₂e), |r| ≤ ln2/2 (ln2 split in a 12-bit head, so
 *   n·LN2_HI is exact), exp(r) by its Taylor polynomial to degree 7 (truncation < 1e-8
 *   relative), times 2^n applied in two halves so that results down to the smallest subnormal
 *   are rounded once. x is clamped to [−104, 89] first: +∞ above 88.73 (overflow of the last
 *   multiply), 0 below −103.97 as the f64 reference rounded to f32 gives; NaN stays NaN.
 * log: x = m·2^e with m in [√½, √2) (subnormals scaled by 2^23 first), log m = 2·atanh(s),
 *   s = (m − 1)/(m + 1), |s| ≤ 0.1716, odd series to s⁹ (truncation < 3e-9 relative);
 *   log 0 = −∞, log x<0 = NaN, log ∞ = ∞.
 * expm1: |x| < ln2/2 by the Taylor series to x⁸ (< 1e-9 relative), else exp(x) − 1.
 * log1p: u = 1 + x, log1p x = log(u)·x/(u − 1) (exact where u = 1: x itself); −1 → −∞,
 *   below −1 NaN, +∞ → +∞.
 * tanh: t = −expm1(−2|x|)/(2 + expm1(−2|x|)) with the sign of x (exactly ±1 from |x| ≈ 9).
 * sigmoid: e = exp(−|x|), 1/(1 + e) for x ≥ 0 and e/(1 + e) below (no overflow; exactly 0
 *   and 1 where the reference rounds to them, NaN stays NaN).
 *
 * Measured maximum errors (src/kernels/math.test.ts: 2^18 points per function over its domain,
 * against Math.* in f64 rounded to f32, results that are normal floats; SIMD128 / relaxed):
 * exp 1 / 1 ulp, expm1 4 / 3, log 3 / 3 (near 1: s = (m − 1)/(m + 1) rounds twice), log1p 3 / 3,
 * tanh 3 / 3, sigmoid 2 / 2; the largest relative error of any of them 2.8e-7, against the
 * conformance suite's transcendental tolerance of 1e-4. Subnormal results are within 2^-146.
 * NaN, ±∞, ±0 and the saturated values (σ(±20) and beyond, tanh(±20), exp below −104) are
 * exactly the reference's.
 */
import { maddF32x4 } from './simd-helpers';

const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860682030941723212e-6;
const EXP_LO: f32 = -104.0;
const EXP_HI: f32 = 89.0;
const SQRT2: f32 = 1.4142135623730951;
const HALF_LN2: f32 = 0.34657359027997264;

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** 2^k for integer lanes k in [−126, 127]. */
// @ts-ignore: decorator
@inline function pow2(k: v128): v128 {
  return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
}

/** exp on four lanes. */
// @ts-ignore: decorator
@inline export function expF32x4(input: v128): v128 {
  const x = f32x4.min(f32x4.max(input, splat(EXP_LO)), splat(EXP_HI));
  const n = f32x4.nearest(f32x4.mul(x, splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO)));
  let p = maddF32x4(r, splat(f32(1.0 / 5040.0)), splat(f32(1.0 / 720.0)));
  p = maddF32x4(r, p, splat(f32(1.0 / 120.0)));
  p = maddF32x4(r, p, splat(f32(1.0 / 24.0)));
  p = maddF32x4(r, p, splat(f32(1.0 / 6.0)));
  p = maddF32x4(r, p, splat(0.5));
  p = maddF32x4(r, p, splat(1));
  p = maddF32x4(r, p, splat(1));
  // n in [−150, 129]: 2^n as 2^h · 2^(n − h), h = n >> 1, both factors normal
  const k = i32x4.trunc_sat_f32x4_s(n);
  const h = i32x4.shr_s(k, 1);
  return f32x4.mul(f32x4.mul(p, pow2(h)), pow2(i32x4.sub(k, h)));
}

/** log on four lanes. */
// @ts-ignore: decorator
@inline export function logF32x4(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(f32(1.1754943508222875e-38)));
  const scaled = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, tiny);
  let e = i32x4.sub(i32x4.shr_u(scaled, 23), i32x4.splat(127));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  let m = v128.or(v128.and(scaled, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, splat(SQRT2));
  m = v128.bitselect(f32x4.mul(m, splat(0.5)), m, big);
  e = i32x4.sub(e, big); // big is −1 in its lanes
  const ef = f32x4.convert_i32x4_s(e);
  const s = f32x4.div(f32x4.sub(m, splat(1)), f32x4.add(m, splat(1)));
  const s2 = f32x4.mul(s, s);
  let q = maddF32x4(s2, splat(f32(2.0 / 9.0)), splat(f32(2.0 / 7.0)));
  q = maddF32x4(s2, q, splat(f32(2.0 / 5.0)));
  q = maddF32x4(s2, q, splat(f32(2.0 / 3.0)));
  q = maddF32x4(s2, q, splat(2));
  const lm = f32x4.mul(s, q);
  const y = f32x4.add(maddF32x4(ef, splat(LN2_LO), lm), f32x4.mul(ef, splat(LN2_HI)));
  // specials: 0 → −∞, x < 0 → NaN, +∞ → +∞, NaN → NaN
  let out = v128.bitselect(splat(-Infinity), y, f32x4.eq(x, splat(0)));
  out = v128.bitselect(splat(NaN), out, f32x4.lt(x, splat(0)));
  out = v128.bitselect(x, out, v128.or(f32x4.eq(x, splat(Infinity)), f32x4.ne(x, x)));
  return out;
}

/** exp(x) − 1 on four lanes. */
// @ts-ignore: decorator
@inline export function expm1F32x4(x: v128): v128 {
  let p = maddF32x4(x, splat(f32(1.0 / 40320.0)), splat(f32(1.0 / 5040.0)));
  p = maddF32x4(x, p, splat(f32(1.0 / 720.0)));
  p = maddF32x4(x, p, splat(f32(1.0 / 120.0)));
  p = maddF32x4(x, p, splat(f32(1.0 / 24.0)));
  p = maddF32x4(x, p, splat(f32(1.0 / 6.0)));
  p = maddF32x4(x, p, splat(0.5));
  const small = maddF32x4(f32x4.mul(x, x), p, x);
  const large = f32x4.sub(expF32x4(x), splat(1));
  return v128.bitselect(small, large, f32x4.lt(f32x4.abs(x), splat(HALF_LN2)));
}

/** log(1 + x) on four lanes. */
// @ts-ignore: decorator
@inline export function log1pF32x4(x: v128): v128 {
  const u = f32x4.add(x, splat(1));
  const d = f32x4.sub(u, splat(1));
  const y = f32x4.mul(logF32x4(u), f32x4.div(x, d));
  // u = 1: x itself (keeps −0 and subnormals); u = ∞: ∞; u ≤ 0 and NaN come from log(u)
  let out = v128.bitselect(x, y, f32x4.eq(u, splat(1)));
  out = v128.bitselect(logF32x4(u), out, v128.or(f32x4.le(u, splat(0)), f32x4.eq(u, splat(Infinity))));
  return v128.bitselect(x, out, f32x4.ne(x, x));
}

/** tanh on four lanes. */
// @ts-ignore: decorator
@inline export function tanhF32x4(x: v128): v128 {
  const em = expm1F32x4(f32x4.mul(f32x4.abs(x), splat(-2)));
  const t = f32x4.div(f32x4.neg(em), f32x4.add(em, splat(2)));
  // the sign of x (also for −0); NaN stays NaN
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

/** The logistic sigmoid on four lanes. */
// @ts-ignore: decorator
@inline export function sigmoidF32x4(x: v128): v128 {
  const e = expF32x4(f32x4.neg(f32x4.abs(x)));
  const d = f32x4.add(e, splat(1));
  const pos = f32x4.div(splat(1), d);
  const neg = f32x4.div(e, d);
  return v128.bitselect(neg, pos, f32x4.lt(x, splat(0)));
}

/**
 * The mean squared error and its gradient in one pass, f32 (the `meanSquaredError` fast path):
 * d = p − t (rounded to f32), the sum of d² accumulated in f64, dp = d·scale with scale =
 * f32(2/size). Returns the f64 sum; the caller divides by size.
 */

/** dp[i] = (p[i] − t[i])·scale for n values; returns Σ (p[i] − t[i])² in f64. */
export function mse_f32(p: usize, t: usize, dp: usize, n: i32, scale: f32): f64 {
  let i = 0;
  let total: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(scale);
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const d = f32x4.sub(v128.load(p + o), v128.load(t + o));
      v128.store(dp + o, f32x4.mul(d, s));
      const lo = f64x2.promote_low_f32x4(d);
      const hi = f64x2.promote_low_f32x4(i32x4.shuffle(d, d, 2, 3, 0, 1));
      acc0 = f64x2.add(acc0, f64x2.mul(lo, lo));
      acc1 = f64x2.add(acc1, f64x2.mul(hi, hi));
    }
    const acc = f64x2.add(acc0, acc1);
    total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(p + o) - load<f32>(t + o);
    store<f32>(dp + o, d * scale);
    total += <f64>d * <f64>d;
  }
  return total;
}

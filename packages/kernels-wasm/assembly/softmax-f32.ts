/**
 * Mean softmax cross-entropy of logits [n, c] against int32 labels [n], with its gradient
 * dlogits = (softmax(z) − onehot)/n, per row: the max (NaN propagates), e = exp(z − max) four
 * lanes at a time (math-f32.ts in the SIMD builds, f64 exp rounded to f32 in the scalar build)
 * summed in f64, then e/sum − onehot scaled by 1/n. The loss is −(z_label − max − log sum)
 * summed in f64; a row with a non-finite z − max − log sum anywhere contributes what the
 * reference's −Σ onehot·(…) gives (0·∞ is NaN), so NaN and ±∞ logits give the reference's loss.
 */
import { expF32x4 } from './math-f32';

// @ts-ignore: decorator
@inline function rowMax(p: usize, c: i32): f32 {
  let m = load<f32>(p);
  let j = 1;
  if (ASC_FEATURE_SIMD && c >= 4) {
    let v = v128.load(p);
    for (j = 4; j + 4 <= c; j += 4) v = f32x4.max(v, v128.load(p + (<usize>j << 2)));
    const a = f32x4.extract_lane(v, 0);
    const b = f32x4.extract_lane(v, 1);
    const d = f32x4.extract_lane(v, 2);
    const e = f32x4.extract_lane(v, 3);
    if (a != a || b != b || d != d || e != e) return NaN;
    m = max(max(a, b), max(d, e));
  }
  for (; j < c; j++) {
    const v = load<f32>(p + (<usize>j << 2));
    if (v != v) return NaN;
    if (v > m) m = v;
  }
  return m;
}

/** Writes e = exp(z − m) of one row to `e`; returns Σ e in f64. */
// @ts-ignore: decorator
@inline function rowExp(p: usize, e: usize, c: i32, m: f32): f64 {
  let sum: f64 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m);
    for (; j + 4 <= c; j += 4) {
      const o = <usize>j << 2;
      const v = expF32x4(f32x4.sub(v128.load(p + o), vm));
      v128.store(e + o, v);
      sum += <f64>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + <f64>(f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    }
    for (; j < c; j++) {
      const o = <usize>j << 2;
      const v = f32x4.extract_lane(expF32x4(f32x4.splat(load<f32>(p + o) - m)), 0);
      store<f32>(e + o, v);
      sum += <f64>v;
    }
  } else {
    for (; j < c; j++) {
      const o = <usize>j << 2;
      const v = <f32>Math.exp(<f64>(load<f32>(p + o) - m));
      store<f32>(e + o, v);
      sum += <f64>v;
    }
  }
  return sum;
}

/** Returns the mean loss; writes dlogits [n, c] (may not alias logits). */
export function softmax_cross_entropy_f32(logits: usize, labels: usize, n: i32, c: i32, dlogits: usize): f64 {
  if (c == 0) return 0.0 / <f64>n; // no classes: a zero loss per row, as the reference sums it
  let total: f64 = 0;
  const invN = <f32>(1.0 / <f64>n);
  for (let i = 0; i < n; i++) {
    const row = <usize>i * (<usize>c << 2);
    const p = logits + row;
    const d = dlogits + row;
    const m = rowMax(p, c);
    const sum = rowExp(p, d, c, m);
    const logSum = Math.log(sum);
    const label = load<i32>(labels + (<usize>i << 2));
    const inv = <f32>(1.0 / sum);
    const hasLabel = label >= 0 && label < c;
    const labelOffset = <usize>(hasLabel ? label : 0) << 2;
    const eLabel = load<f32>(d + labelOffset);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const vi = f32x4.splat(inv);
      const vn = f32x4.splat(invN);
      for (; j + 4 <= c; j += 4) {
        const o = <usize>j << 2;
        v128.store(d + o, f32x4.mul(f32x4.mul(v128.load(d + o), vi), vn));
      }
    }
    for (; j < c; j++) {
      const o = <usize>j << 2;
      store<f32>(d + o, load<f32>(d + o) * inv * invN);
    }
    if (hasLabel) store<f32>(d + labelOffset, (eLabel * inv - 1) * invN);
    // the loss: −(z_label − m − log sum), or the reference's sum when a term is not finite
    const base = <f64>m + logSum;
    let rowLoss: f64 = NaN;
    if (isFinite(base)) {
      rowLoss = hasLabel ? base - <f64>load<f32>(p + labelOffset) : 0;
      if (!isFinite(rowLoss) || rowMin(p, c) == -Infinity) rowLoss = exactRowLoss(p, c, label, base);
    }
    total += rowLoss;
  }
  return total / <f64>n;
}

// @ts-ignore: decorator
@inline function rowMin(p: usize, c: i32): f32 {
  let m = load<f32>(p);
  for (let j = 1; j < c; j++) m = min(m, load<f32>(p + (<usize>j << 2)));
  return m;
}

/** −Σ_j onehot_j·(z_j − base) in f64, as the reference writes it (0·∞ = NaN). */
function exactRowLoss(p: usize, c: i32, label: i32, base: f64): f64 {
  let loss: f64 = 0;
  for (let j = 0; j < c; j++) {
    const hot: f64 = j == label ? 1 : 0;
    loss -= hot * (<f64>load<f32>(p + (<usize>j << 2)) - base);
  }
  return loss;
}

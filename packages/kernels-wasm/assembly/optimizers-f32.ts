/**
 * Optimizer updates as one pass over a parameter: read w, g and the state, write the new
 * value and state into fresh blocks, and report whether everything written is finite (so the
 * caller's all-or-nothing check needs no second pass).
 *
 * Plain f32 multiply and add in every build (no relaxed fused multiply-add): the SIMD lanes
 * and the scalar tail round alike, so a result does not depend on the build or on where a
 * parameter's block starts.
 */

/**
 * Adam: g' = g + weightDecay·w (only when weightDecay ≠ 0: 0·∞ would be NaN),
 * m' = β1·m + (1−β1)·g', v' = β2·v + (1−β2)·g'², w' = w − stepSize·m'/(√v' + epsilon) − decay·w
 * (the decay term only when decay ≠ 0). Without state (`hasState` 0) m and v count as zero.
 * Returns 1 when every w', m', v' is finite, else 0.
 */
export function adam_step_f32(
  n: i32,
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  w1: usize,
  m1: usize,
  v1: usize,
  beta1: f32,
  beta2: f32,
  stepSize: f32,
  epsilon: f32,
  weightDecay: f32,
  decay: f32,
  hasState: i32,
): i32 {
  const c1: f32 = 1 - beta1;
  const c2: f32 = 1 - beta2;
  let i = 0;
  let finite = 1;
  if (ASC_FEATURE_SIMD) {
    const vb1 = f32x4.splat(beta1);
    const vb2 = f32x4.splat(beta2);
    const vc1 = f32x4.splat(c1);
    const vc2 = f32x4.splat(c2);
    const vstep = f32x4.splat(stepSize);
    const veps = f32x4.splat(epsilon);
    const vwd = f32x4.splat(weightDecay);
    const vdecay = f32x4.splat(decay);
    const zero = f32x4.splat(0);
    let bad = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const wi = v128.load(w + o);
      let gi = v128.load(g + o);
      if (weightDecay != 0) gi = f32x4.add(gi, f32x4.mul(vwd, wi));
      let mi = f32x4.mul(vc1, gi);
      let vi = f32x4.mul(f32x4.mul(vc2, gi), gi);
      if (hasState) {
        mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), mi);
        vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), vi);
      }
      const step = f32x4.div(f32x4.mul(vstep, mi), f32x4.add(f32x4.sqrt(vi), veps));
      let wn = f32x4.sub(wi, step);
      if (decay != 0) wn = f32x4.sub(wn, f32x4.mul(vdecay, wi));
      v128.store(w1 + o, wn);
      v128.store(m1 + o, mi);
      v128.store(v1 + o, vi);
      // x − x is 0 for finite x and NaN for NaN and ±∞
      const all = f32x4.add(f32x4.add(f32x4.sub(wn, wn), f32x4.sub(mi, mi)), f32x4.sub(vi, vi));
      bad = v128.or(bad, f32x4.ne(all, zero));
    }
    if (v128.any_true(bad)) finite = 0;
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    let gi = load<f32>(g + o);
    if (weightDecay != 0) gi = gi + weightDecay * wi;
    let mi: f32 = c1 * gi;
    let vi: f32 = c2 * gi * gi;
    if (hasState) {
      mi = beta1 * load<f32>(m + o) + mi;
      vi = beta2 * load<f32>(v + o) + vi;
    }
    const step: f32 = (stepSize * mi) / (Mathf.sqrt(vi) + epsilon);
    let wn: f32 = wi - step;
    if (decay != 0) wn = wn - decay * wi;
    store<f32>(w1 + o, wn);
    store<f32>(m1 + o, mi);
    store<f32>(v1 + o, vi);
    if (wn - wn + (mi - mi) + (vi - vi) != 0) finite = 0;
  }
  return finite;
}

/**
 * One SGD update over n floats, as @lec/tensor's sgdUpdate composes it (each product rounded
 * before the sum, no fused multiply-add, so the result is bit-identical to the composite):
 *   g' = g + weightDecay·w (only when weightDecay ≠ 0);
 *   without momentum (flags bit 2 clear): w' = w − g'·lr;
 *   with momentum: b' = momentum·b + g' (b' = g' without state, flags bit 0 clear),
 *   d = nesterov (bit 1) ? g' + b'·momentum : b',  w' = w − d·lr.
 * b1 is written only with momentum. Returns 1 when every output is finite, else 0.
 */
export function sgd_step_f32(n: i32, w: usize, g: usize, b: usize, w1: usize, b1: usize, lr: f32, momentum: f32, weightDecay: f32, flags: i32): i32 {
  const hasState = (flags & 1) != 0;
  const nesterov = (flags & 2) != 0;
  const useMomentum = (flags & 4) != 0;
  let i = 0;
  let finite = 1;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr);
    const vmu = f32x4.splat(momentum);
    const vwd = f32x4.splat(weightDecay);
    const zero = f32x4.splat(0);
    let bad = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const wi = v128.load(w + o);
      let gi = v128.load(g + o);
      if (weightDecay != 0) gi = f32x4.add(gi, f32x4.mul(wi, vwd));
      let d = gi;
      let all = zero;
      if (useMomentum) {
        const bi = hasState ? f32x4.add(f32x4.mul(v128.load(b + o), vmu), gi) : gi;
        v128.store(b1 + o, bi);
        d = nesterov ? f32x4.add(gi, f32x4.mul(bi, vmu)) : bi;
        all = f32x4.sub(bi, bi);
      }
      const wn = f32x4.sub(wi, f32x4.mul(d, vlr));
      v128.store(w1 + o, wn);
      // x − x is 0 for finite x and NaN for NaN and ±∞
      bad = v128.or(bad, f32x4.ne(f32x4.add(all, f32x4.sub(wn, wn)), zero));
    }
    if (v128.any_true(bad)) finite = 0;
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    let gi = load<f32>(g + o);
    if (weightDecay != 0) gi = gi + wi * weightDecay;
    let d = gi;
    let all: f32 = 0;
    if (useMomentum) {
      const bi: f32 = hasState ? load<f32>(b + o) * momentum + gi : gi;
      store<f32>(b1 + o, bi);
      d = nesterov ? gi + bi * momentum : bi;
      all = bi - bi;
    }
    const wn: f32 = wi - d * lr;
    store<f32>(w1 + o, wn);
    if (all + (wn - wn) != 0) finite = 0;
  }
  return finite;
}

/**
 * One RMSprop update over n floats, as @lec/tensor's rmspropUpdate composes it (each product
 * rounded before the sum, no fused multiply-add, so bit-identical to the composite):
 *   g' = g + w·weightDecay (only when weightDecay ≠ 0);  s' = s·rho + g'²·oneMinusRho
 *   (g'²·oneMinusRho without state, flags bit 0 clear);  q = g'/(√s' + epsilon);
 *   without momentum (bit 2 clear) w' = w − q·lr;  with it d' = d·momentum + q (q on the first
 *   step, bit 1 clear), w' = w − d'·lr.
 * Returns 1 when every output is finite, else 0.
 */
export function rmsprop_step_f32(
  n: i32,
  w: usize,
  g: usize,
  s: usize,
  d: usize,
  w1: usize,
  s1: usize,
  d1: usize,
  lr: f32,
  rho: f32,
  oneMinusRho: f32,
  epsilon: f32,
  momentum: f32,
  weightDecay: f32,
  flags: i32,
): i32 {
  const hasS = (flags & 1) != 0;
  const hasD = (flags & 2) != 0;
  const useMomentum = (flags & 4) != 0;
  let i = 0;
  let finite = 1;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(lr);
    const vrho = f32x4.splat(rho);
    const vc = f32x4.splat(oneMinusRho);
    const veps = f32x4.splat(epsilon);
    const vmu = f32x4.splat(momentum);
    const vwd = f32x4.splat(weightDecay);
    const zero = f32x4.splat(0);
    let bad = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const wi = v128.load(w + o);
      let gi = v128.load(g + o);
      if (weightDecay != 0) gi = f32x4.add(gi, f32x4.mul(wi, vwd));
      let si = f32x4.mul(f32x4.mul(gi, gi), vc);
      if (hasS) si = f32x4.add(f32x4.mul(v128.load(s + o), vrho), si);
      v128.store(s1 + o, si);
      let q = f32x4.div(gi, f32x4.add(f32x4.sqrt(si), veps));
      let all = f32x4.sub(si, si);
      if (useMomentum) {
        if (hasD) q = f32x4.add(f32x4.mul(v128.load(d + o), vmu), q);
        v128.store(d1 + o, q);
        all = f32x4.add(all, f32x4.sub(q, q));
      }
      const wn = f32x4.sub(wi, f32x4.mul(q, vlr));
      v128.store(w1 + o, wn);
      // x − x is 0 for finite x and NaN for NaN and ±∞
      bad = v128.or(bad, f32x4.ne(f32x4.add(all, f32x4.sub(wn, wn)), zero));
    }
    if (v128.any_true(bad)) finite = 0;
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    let gi = load<f32>(g + o);
    if (weightDecay != 0) gi = gi + wi * weightDecay;
    let si: f32 = gi * gi * oneMinusRho;
    if (hasS) si = load<f32>(s + o) * rho + si;
    store<f32>(s1 + o, si);
    let q: f32 = gi / (Mathf.sqrt(si) + epsilon);
    let all: f32 = si - si;
    if (useMomentum) {
      if (hasD) q = load<f32>(d + o) * momentum + q;
      store<f32>(d1 + o, q);
      all += q - q;
    }
    const wn: f32 = wi - q * lr;
    store<f32>(w1 + o, wn);
    if (all + (wn - wn) != 0) finite = 0;
  }
  return finite;
}

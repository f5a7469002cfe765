/**
 * A dense layer's epilogue gradient in one pass over dy, f32 (the `biasActivationBackward` fast
 * path): for y = act(x·W + b) [m, n], dz = dy·act'(y) from the saved output y (relu step(y),
 * NaN where y is NaN; sigmoid y·(1 − y); tanh 1 − y·y), the activation_backward_f32 formulas
 * rounded in the same order (no fused multiply-add), and, when dbias is not 0, the bias
 * gradient dbias[c] = Σ_r dz[r, c], summed in row order while the row is in registers.
 */

/** Activation codes (kernels/shared.ts ACTIVATION_CODES). */
const RELU = 1, SIGMOID = 2;

/** dz[i] for one value: the activation's gradient from g = dy[i] and s = y[i]. */
@inline
function grad1(code: i32, g: f32, s: f32): f32 {
  if (code == RELU) return g * (s > 0 ? f32(1) : s != s ? s : f32(0));
  if (code == SIGMOID) return g * (s * (f32(1) - s));
  return g * (f32(1) - s * s);
}

/** dz = dy·act'(y) [m, n] and, when dbias ≠ 0, dbias [n] = the column sums of dz. */
export function bias_activation_backward_f32(code: i32, dy: usize, y: usize, dz: usize, dbias: usize, m: i32, n: i32): void {
  for (let r = 0; r < m; r++) {
    const row = (<usize>r * <usize>n) << 2;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1);
      const zero = f32x4.splat(0);
      for (; c + 4 <= n; c += 4) {
        const o = row + (<usize>c << 2);
        const s = v128.load(y + o);
        const g = v128.load(dy + o);
        let v: v128;
        if (code == RELU) v = f32x4.mul(g, v128.bitselect(s, v128.bitselect(one, zero, f32x4.gt(s, zero)), f32x4.ne(s, s)));
        else if (code == SIGMOID) v = f32x4.mul(g, f32x4.mul(s, f32x4.sub(one, s)));
        else v = f32x4.mul(g, f32x4.sub(one, f32x4.mul(s, s)));
        v128.store(dz + o, v);
        if (dbias != 0) {
          const b = dbias + (<usize>c << 2);
          v128.store(b, r == 0 ? v : f32x4.add(v128.load(b), v));
        }
      }
    }
    for (; c < n; c++) {
      const o = row + (<usize>c << 2);
      const v = grad1(code, load<f32>(dy + o), load<f32>(y + o));
      store<f32>(dz + o, v);
      if (dbias != 0) {
        const b = dbias + (<usize>c << 2);
        store<f32>(b, r == 0 ? v : load<f32>(b) + v);
      }
    }
  }
}

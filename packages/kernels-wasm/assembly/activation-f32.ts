/**
 * The gradient of an elementwise activation in one pass, f32 (the `activationBackward` fast
 * path): dx = dy·step(x) for relu (from its input x; step is 1 where x > 0, NaN where x is
 * NaN, else 0), dx = dy·(y·(1 − y)) for sigmoid and dx = dy·(1 − y·y) for tanh (from the output
 * y). Every operation rounds to f32 in the order the composite runs its ops, with plain
 * multiply and subtract in every build (no fused multiply-add), so the result is the
 * composite's bit for bit: NaN and ±∞ included (0·∞ = NaN, −0 kept).
 */

/** Activation codes (kernels/shared.ts ACTIVATION_CODES). */
const RELU = 1, SIGMOID = 2, TANH = 3;

/** out[i] = the gradient of `code` from dy[i] and saved[i] (x for relu, y otherwise), n values. */
export function activation_backward_f32(code: i32, dy: usize, saved: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1);
    const zero = f32x4.splat(0);
    if (code == RELU) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const x = v128.load(saved + o);
        const s = v128.bitselect(x, v128.bitselect(one, zero, f32x4.gt(x, zero)), f32x4.ne(x, x));
        v128.store(out + o, f32x4.mul(v128.load(dy + o), s));
      }
    } else if (code == SIGMOID) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const y = v128.load(saved + o);
        v128.store(out + o, f32x4.mul(v128.load(dy + o), f32x4.mul(y, f32x4.sub(one, y))));
      }
    } else if (code == TANH) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const y = v128.load(saved + o);
        v128.store(out + o, f32x4.mul(v128.load(dy + o), f32x4.sub(one, f32x4.mul(y, y))));
      }
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(dy + o);
    const s = load<f32>(saved + o);
    let r: f32;
    if (code == RELU) r = g * (s > 0 ? f32(1) : s != s ? s : f32(0));
    else if (code == SIGMOID) r = g * (s * (f32(1) - s));
    else r = g * (f32(1) - s * s);
    store<f32>(out + o, r);
  }
}

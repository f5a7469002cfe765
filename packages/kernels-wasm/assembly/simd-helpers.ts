/**
 * Small SIMD building blocks shared by the kernel families.
 *
 * `ASC_FEATURE_SIMD` and `ASC_FEATURE_RELAXED_SIMD` are compile-time constants, so the
 * branch that does not apply is never compiled: the same source yields the scalar, SIMD128
 * and relaxed-SIMD builds.
 */

/**
 * Lane-wise `a * b + c` on f32x4.
 *
 * In the relaxed build this is `f32x4.relaxed_madd` (a fused multiply-add where the CPU has
 * one, so the result may be rounded once instead of twice); otherwise `mul` then `add`.
 */
// @ts-ignore: decorator
@inline export function maddF32x4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

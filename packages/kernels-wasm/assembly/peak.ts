/**
 * Peak-throughput probes: twelve independent multiply-add chains on f32x4 registers, run for
 * `iterations` rounds. Each round does 12 lane-wise multiply-adds = 12 * 4 * 2 = 96 flops.
 * Twelve chains hide the multiply/add latency and still fit V8's 16 wasm SIMD registers.
 * The benchmark divides 96 * iterations by the elapsed time to get the machine's GFLOP/s.
 *
 * The returned value is the lane sum of all accumulators, so the work cannot be optimised
 * away; callers ignore it.
 */
import { maddF32x4 } from './simd-helpers';

/** Flops done per iteration by both peak kernels. */
export const PEAK_FLOPS_PER_ITERATION: i32 = 96;

/** Plain SIMD128 chains: `acc = acc * x + y` written as `f32x4.mul` then `f32x4.add`. */
export function peak_mul_add_f32x4(iterations: i32): f32 {
  if (ASC_FEATURE_SIMD) {
    return peakChains(iterations, false);
  } else {
    return peakScalar(iterations);
  }
}

/**
 * Multiply-add chains through `maddF32x4`: `f32x4.relaxed_madd` (fused) in the relaxed build,
 * mul + add in the plain SIMD build, scalar in the scalar build.
 */
export function peak_madd_f32x4(iterations: i32): f32 {
  if (ASC_FEATURE_SIMD) {
    return peakChains(iterations, true);
  } else {
    return peakScalar(iterations);
  }
}

// @ts-ignore: decorator
@inline function step(acc: v128, x: v128, y: v128, fused: bool): v128 {
  return fused ? maddF32x4(acc, x, y) : f32x4.add(f32x4.mul(acc, x), y);
}

// @ts-ignore: decorator
@inline function peakChains(iterations: i32, fused: bool): f32 {
  // x slightly below 1 and y small keep every chain finite for any iteration count.
  const x = f32x4.splat(0.999999);
  const y = f32x4.splat(0.000001);
  let a0 = f32x4.splat(1.0), a1 = f32x4.splat(1.01), a2 = f32x4.splat(1.02), a3 = f32x4.splat(1.03);
  let a4 = f32x4.splat(1.04), a5 = f32x4.splat(1.05), a6 = f32x4.splat(1.06), a7 = f32x4.splat(1.07);
  let a8 = f32x4.splat(1.08), a9 = f32x4.splat(1.09), a10 = f32x4.splat(1.1), a11 = f32x4.splat(1.11);
  for (let i = 0; i < iterations; i++) {
    a0 = step(a0, x, y, fused); a1 = step(a1, x, y, fused); a2 = step(a2, x, y, fused);
    a3 = step(a3, x, y, fused); a4 = step(a4, x, y, fused); a5 = step(a5, x, y, fused);
    a6 = step(a6, x, y, fused); a7 = step(a7, x, y, fused); a8 = step(a8, x, y, fused);
    a9 = step(a9, x, y, fused); a10 = step(a10, x, y, fused); a11 = step(a11, x, y, fused);
  }
  let s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  s = f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

function peakScalar(iterations: i32): f32 {
  let a0: f32 = 1.0, a1: f32 = 1.01, a2: f32 = 1.02, a3: f32 = 1.03;
  let a4: f32 = 1.04, a5: f32 = 1.05, a6: f32 = 1.06, a7: f32 = 1.07;
  const x: f32 = 0.999999, y: f32 = 0.000001;
  // 8 scalar chains x 2 flops = 16 flops per round; run 6 rounds to match the 96-flop contract.
  const rounds = iterations * 6;
  for (let i = 0; i < rounds; i++) {
    a0 = a0 * x + y; a1 = a1 * x + y; a2 = a2 * x + y; a3 = a3 * x + y;
    a4 = a4 * x + y; a5 = a5 * x + y; a6 = a6 * x + y; a7 = a7 * x + y;
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}

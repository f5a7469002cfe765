/**
 * The explicit skips the tfjs backend gives the conformance suite, each with its reason
 * (browser-safe: the page imports this too).
 */

/** tfjs has no float64 dtype, so the float64 sections cannot run on any tfjs device. */
export const FLOAT64_SKIPS: Readonly<Record<string, string>> = {
  gradcheck: 'tfjs has no float64: gradient checks run in float64 (the float32 backward passes are checked in the vjp section)',
  'forward-f64': 'tfjs has no float64',
  'vjp/cast/through float32 and back': 'tfjs has no float64: the case casts its result to float64',
};

/**
 * tfjs-wasm 4.22's sin and cos lose their range reduction at |x| = 1e38 (sin(1e38) gives
 * -0.768, the true value is 0.989); finite moderate arguments are within tolerance.
 */
export const WASM_SKIPS: Readonly<Record<string, string>> = {
  'forward/sin/special values (NaN, ±Inf, ±0, denormals, ±1e38)': "tfjs-wasm's sin has no range reduction for |x| = 1e38 (gives -0.768 for sin(1e38), true 0.989)",
  'forward/cos/special values (NaN, ±Inf, ±0, denormals, ±1e38)': "tfjs-wasm's cos has no range reduction for |x| = 1e38 (gives -0.640 for cos(1e38), true 0.147)",
};

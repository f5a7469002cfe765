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
  'forward/sin/special values (NaN, ±Inf, ±0, denormals, ±1e38)':
    "tfjs-wasm's sin has no range reduction for |x| = 1e38 (gives -0.768 for sin(1e38), true 0.989)",
  'forward/cos/special values (NaN, ±Inf, ±0, denormals, ±1e38)':
    "tfjs-wasm's cos has no range reduction for |x| = 1e38 (gives -0.640 for cos(1e38), true 0.147)",
};

/** tfjs-cpu: none (its sigmoid, max-pool gradient and LSTM step are composed to follow the reference). */
export const CPU_SKIPS: Readonly<Record<string, string>> = {};

/**
 * Tolerance overrides for GPU devices (webgl, webgpu), with the reasons:
 * - exact rows: GPU shaders flush float32 denormals (|x| < 2^-126) to zero, so an exact
 *   comparison accepts a difference below the smallest normal float32;
 * - transcendental and vjp rows: WebGL/WebGPU sin, cos (and exp, log, tanh built on them)
 *   are not correctly rounded: SwiftShader's sin/cos are off by up to 1.9e-4 absolute on
 *   [-pi, pi], so those rows get atol 2.5e-4 and backward passes rtol 2.5e-4.
 */
export const GPU_TOLERANCES = {
  exact: { rtol: 0, atol: 2 ** -126 },
  transcendental: { rtol: 1e-4, atol: 2.5e-4 },
  vjp: { rtol: 2.5e-4, atol: 1e-5, normwise: true },
};

const FTZ = 'GPU shaders flush float32 denormals to zero, so ±1e-40 compare equal to 0 (an int32 result cannot take a tolerance)';
const RANGE = 'GPU sin/cos have no range reduction for |x| = 1e38 (GLSL ES/WGSL give no accuracy guarantee there)';

/** Cases tfjs-webgl (WebGL2 on SwiftShader here) cannot match, with the reasons. */
export const WEBGL_SKIPS: Readonly<Record<string, string>> = {
  'forward/equal/special values, every pair': FTZ,
  'forward/notEqual/special values, every pair': FTZ,
  'forward/less/special values, every pair': FTZ,
  'forward/lessEqual/special values, every pair': FTZ,
  'forward/greater/special values, every pair': FTZ,
  'forward/greaterEqual/special values, every pair': FTZ,
  'forward/argmin/special rows': `${FTZ}; argmin then sees a tie`,
  'forward/sin/special values (NaN, ±Inf, ±0, denormals, ±1e38)': RANGE,
  'forward/cos/special values (NaN, ±Inf, ±0, denormals, ±1e38)': RANGE,
  'forward/div/special values, every pair': `${FTZ}: 0 / 1e-40 becomes 0 / 0 = NaN`,
  'forward/mul/special values, every pair': `${FTZ}: Infinity × 1e-40 becomes Infinity × 0 = NaN`,
  'forward/relu/gradient with NaN, ±∞, ±0 in x and dy (0·∞ = NaN; step(NaN) = NaN)': `${FTZ}: step(1e-40) becomes step(0) = 0, and then Infinity × 0 = NaN`,
  'forward/pow/special values, every pair':
    "tfjs-webgl's pow shader computes exp2(y·log2|x|) with sign fix-ups; with denormals flushed and Infinity operands it does not follow IEEE pow",
  'forward/pow/negative bases, integer exponents': "tfjs-webgl's pow shader returns 0 instead of ±Infinity when a negative base overflows",
  'forward/elu/special values (NaN, ±Inf, ±0, denormals, ±1e38)':
    'WebGL gives no NaN guarantees in comparisons inside fused shaders: elu(NaN) comes out Infinity',
};

/**
 * Pooling on tfjs as a loop over the window's taps (one strided slice of the padded input per
 * tap, kh·kw of them), for the devices whose own kernels do not follow lec's rules:
 * tfjs-wasm's MaxPoolGrad drops gradients and tfjs-webgl's routes ties to the last maximum;
 * tfjs-wasm's AvgPool gives -Infinity for a window holding +Infinity and -Infinity. lec's
 * rules, as its composites define them: the max-pool gradient goes to the first maximum of
 * each window (a NaN is the maximum), as a product one-hot · dy (so a NaN dy reaches every tap
 * of its window, as 0 · NaN does); an average is the window's sum over its in-range count.
 */
import type { Pool2dGeometry } from '@lec/tensor';
import * as tf from '@tensorflow/tfjs-core';

type T4 = tf.Tensor4D;

/** The value at tap (i, j) of every window of the padded xp: [N, Ho, Wo, C]. */
function tap(xp: T4, g: Pool2dGeometry, i: number, j: number): T4 {
  const [n, , , c] = xp.shape;
  const end = [n, i + g.strideHeight * (g.outHeight - 1) + 1, j + g.strideWidth * (g.outWidth - 1) + 1, c];
  return tf.stridedSlice(xp, [0, i, j, 0], end, [1, g.strideHeight, g.strideWidth, 1]) as T4;
}

/** The inverse of `tap`: v [N, Ho, Wo, C] placed at (i + sh·oh, j + sw·ow) of a zero [N, Hp, Wp, C]. */
function untap(v: T4, g: Pool2dGeometry, i: number, j: number, hp: number, wp: number): T4 {
  const [n, ho, wo, c] = v.shape;
  const [sh, sw] = [g.strideHeight, g.strideWidth];
  let s: tf.Tensor = v;
  if (sh > 1) s = tf.concat([tf.reshape(s, [n, ho, 1, wo, c]), tf.zeros([n, ho, sh - 1, wo, c])], 2);
  s = tf.reshape(s, [n, ho * sh, wo, c]);
  if (sw > 1) s = tf.concat([tf.reshape(s, [n, ho * sh, wo, 1, c]), tf.zeros([n, ho * sh, wo, sw - 1, c])], 3);
  const [h1, w1] = [sh * (ho - 1) + 1, sw * (wo - 1) + 1];
  s = tf.slice(tf.reshape(s, [n, ho * sh, wo * sw, c]), [0, 0, 0, 0], [n, h1, w1, c]);
  return tf.pad(s as T4, [
    [0, 0],
    [i, hp - i - h1],
    [j, wp - j - w1],
    [0, 0],
  ]);
}

/**
 * d maxPool / d x on the padded input xp (padding -Infinity, so it never wins over a value
 * but keeps its place): [N, Hp, Wp, C]. Run inside a tidy.
 */
export function maxPoolBackwardByTaps(xp: T4, dy: T4, g: Pool2dGeometry): T4 {
  const taps: T4[] = [];
  for (let i = 0; i < g.windowHeight; i++) for (let j = 0; j < g.windowWidth; j++) taps.push(tap(xp, g, i, j));
  // tfjs's MaxPool selects a value (no arithmetic), so the maximum equals one tap exactly
  const y = tf.maxPool(xp, [g.windowHeight, g.windowWidth], [g.strideHeight, g.strideWidth], 'valid');
  // 0/1 masks in float32 (tfjs-wasm aborts on some bool LogicalAnd and SelectV2 inputs)
  const isNaN = (t: tf.Tensor) => tf.cast(tf.isNaN(t), 'float32');
  const anyNaN = taps.map(isNaN).reduce((a, b) => tf.maximum(a, b));
  let taken: tf.Tensor = tf.zeros(y.shape);
  let dxp: T4 = tf.zeros(xp.shape);
  taps.forEach((t, k) => {
    const match = tf.add(tf.mul(anyNaN, isNaN(t)), tf.mul(tf.sub(1, anyNaN), tf.cast(tf.equal(t, y), 'float32')));
    const first = tf.mul(match, tf.sub(1, taken));
    taken = tf.maximum(taken, match);
    const routed = tf.mul(first, dy) as T4;
    dxp = tf.add(dxp, untap(routed, g, Math.floor(k / g.windowWidth), k % g.windowWidth, xp.shape[1], xp.shape[2]));
  });
  return dxp;
}

/** Each window's in-range tap count as [1, Ho, Wo, 1]. */
function counts(g: Pool2dGeometry): T4 {
  const count = new Float32Array(g.outHeight * g.outWidth);
  for (let oh = 0; oh < g.outHeight; oh++) {
    const top = oh * g.strideHeight - g.padTop;
    const rows = Math.max(Math.min(top + g.windowHeight, g.inHeight) - Math.max(top, 0), 0);
    for (let ow = 0; ow < g.outWidth; ow++) {
      const left = ow * g.strideWidth - g.padLeft;
      count[oh * g.outWidth + ow] = rows * Math.max(Math.min(left + g.windowWidth, g.inWidth) - Math.max(left, 0), 0);
    }
  }
  return tf.tensor4d(count, [1, g.outHeight, g.outWidth, 1]);
}

/** Average pooling of the zero-padded xp, padding excluded from the count: [N, Ho, Wo, C]. */
export function avgPoolByTaps(xp: T4, g: Pool2dGeometry): T4 {
  let sum: T4 | null = null;
  for (let i = 0; i < g.windowHeight; i++)
    for (let j = 0; j < g.windowWidth; j++) sum = sum === null ? tap(xp, g, i, j) : tf.add(sum, tap(xp, g, i, j));
  return tf.div(sum as T4, counts(g));
}

/** d avgPool / d x on the padded input [N, hp, wp, C]: each window's dy / count on each of its taps. */
export function avgPoolBackwardByTaps(dy: T4, g: Pool2dGeometry, hp: number, wp: number): T4 {
  const share = tf.div(dy, counts(g)) as T4;
  let dxp: T4 = tf.zeros([g.batch, hp, wp, g.channels]);
  for (let i = 0; i < g.windowHeight; i++) for (let j = 0; j < g.windowWidth; j++) dxp = tf.add(dxp, untap(share, g, i, j, hp, wp));
  return dxp;
}

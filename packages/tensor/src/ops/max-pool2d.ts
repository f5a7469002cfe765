import type { Pool2dGeometry } from '../backend/v1.js';
import type { Tensor } from '../tensor.js';
import { argmax } from './argmax.js';
import { type Pool2dOptions, pool2dGeometry } from './conv-geometry.js';
import { expandDims } from './expand-dims.js';
import { extractWindows, foldWindows } from './im2col.js';
import { max } from './max.js';
import { mul } from './mul.js';
import { oneHot } from './one-hot.js';
import { type TensorLike, asTensor, checkFloat, customOp, wrap } from './op-utils.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';

function windowsOf(x: Tensor, g: Pool2dGeometry): Tensor {
  return reshape(extractWindows(x, g, -Infinity), [g.batch, g.outHeight, g.outWidth, g.windowHeight * g.windowWidth, g.channels]);
}

/** @internal Gradient of maxPool2d: dy routed to the first maximum of each window. */
export function maxPool2dBackward(dy: Tensor, x: Tensor, g: Pool2dGeometry): Tensor {
  const backend = x.backend;
  if (backend.fastPaths.maxPool2d) {
    return wrap(backend.fastPaths.maxPool2d.backward(dy.handle, x.handle, g, x.dtype), x.shape, x.dtype, backend);
  }
  const taps = g.windowHeight * g.windowWidth;
  const first = oneHot(argmax(windowsOf(x, g), 3), taps, x.dtype); // [N, Ho, Wo, C, taps]
  const routed = mul(transpose(first, [0, 1, 2, 4, 3]), expandDims(dy, 3)); // [N, Ho, Wo, taps, C]
  return foldWindows(reshape(routed, [g.batch, g.outHeight * g.outWidth * taps, g.channels]), g);
}

/**
 * maxPool2d(x, windowSize, {strides, padding}): the maximum of each window, per channel.
 * x is NHWC; strides default to the window (non-overlapping). Padding never wins. The
 * gradient goes to the first maximum of each window.
 * @example
 * ```ts
 * maxPool2d(reshape(arange(1, 17), [1, 4, 4, 1]), 2).toArray(); // [[[[6], [8]], [[14], [16]]]]
 * ```
 */
export function maxPool2d(x: TensorLike, windowSize: number | readonly [number, number], options: Pool2dOptions = {}): Tensor {
  const t = asTensor('maxPool2d', 'x', x);
  checkFloat('maxPool2d', 'x', t);
  const g = pool2dGeometry('maxPool2d', t.shape, windowSize, options);
  const forward = () => {
    const backend = t.backend;
    if (backend.fastPaths.maxPool2d)
      return wrap(
        backend.fastPaths.maxPool2d.forward(t.handle, g, t.dtype),
        [g.batch, g.outHeight, g.outWidth, g.channels],
        t.dtype,
        backend,
      );
    return max(windowsOf(t, g), 3);
  };
  return customOp('maxPool2d', [t], forward, (dy) => [maxPool2dBackward(dy, t, g)]);
}

import type { Pool2dGeometry } from '../backend/v1.js';
import { makeTensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { type Pool2dOptions, pool2dGeometry } from './conv-geometry.js';
import { div } from './div.js';
import { expandDims } from './expand-dims.js';
import { extractWindows, foldWindows } from './im2col.js';
import { type TensorLike, asTensor, checkFloat, customOp, wrap } from './op-utils.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

/** @internal How many real (non-padding) inputs each window covers, as [1, Ho, Wo, 1]. */
function windowCounts(g: Pool2dGeometry, like: Tensor): Tensor {
  const counts = new Float64Array(g.outHeight * g.outWidth);
  for (let oh = 0; oh < g.outHeight; oh++) {
    const top = oh * g.strideHeight - g.padTop;
    const rows = Math.min(top + g.windowHeight, g.inHeight) - Math.max(top, 0);
    for (let ow = 0; ow < g.outWidth; ow++) {
      const left = ow * g.strideWidth - g.padLeft;
      const cols = Math.min(left + g.windowWidth, g.inWidth) - Math.max(left, 0);
      counts[oh * g.outWidth + ow] = Math.max(rows, 0) * Math.max(cols, 0);
    }
  }
  return makeTensor(counts, [1, g.outHeight, g.outWidth, 1], like.dtype, like.backend);
}

/** @internal Gradient of avgPool2d: dy / count spread evenly over each window. */
export function avgPool2dBackward(dy: Tensor, g: Pool2dGeometry): Tensor {
  const backend = dy.backend;
  if (backend.fastPaths.avgPool2d) {
    return wrap(
      backend.fastPaths.avgPool2d.backward(dy.handle, g, dy.dtype),
      [g.batch, g.inHeight, g.inWidth, g.channels],
      dy.dtype,
      backend,
    );
  }
  const taps = g.windowHeight * g.windowWidth;
  const share = expandDims(div(dy, windowCounts(g, dy)), 3);
  const spread = broadcastTo(share, [g.batch, g.outHeight, g.outWidth, taps, g.channels]);
  return foldWindows(reshape(spread, [g.batch, g.outHeight * g.outWidth * taps, g.channels]), g);
}

/**
 * avgPool2d(x, windowSize, {strides, padding}): the mean of each window, per channel (NHWC).
 * Padding is excluded from the count, so edge windows average only real inputs.
 * @example
 * ```ts
 * avgPool2d(reshape(arange(1, 17), [1, 4, 4, 1]), 2).toArray(); // [[[[3.5], [5.5]], [[11.5], [13.5]]]]
 * ```
 */
export function avgPool2d(x: TensorLike, windowSize: number | readonly [number, number], options: Pool2dOptions = {}): Tensor {
  const t = asTensor('avgPool2d', 'x', x);
  checkFloat('avgPool2d', 'x', t);
  const g = pool2dGeometry('avgPool2d', t.shape, windowSize, options);
  const forward = () => {
    const backend = t.backend;
    if (backend.fastPaths.avgPool2d)
      return wrap(
        backend.fastPaths.avgPool2d.forward(t.handle, g, t.dtype),
        [g.batch, g.outHeight, g.outWidth, g.channels],
        t.dtype,
        backend,
      );
    const windows = reshape(extractWindows(t, g), [g.batch, g.outHeight, g.outWidth, g.windowHeight * g.windowWidth, g.channels]);
    return div(sum(windows, 3), windowCounts(g, t));
  };
  return customOp('avgPool2d', [t], forward, (dy) => [avgPool2dBackward(dy, g)]);
}

import type { Conv2dGeometry } from '../backend/v1.js';
import { ShapeError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { conv2dForward } from './conv2d.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { type Conv2dOptions, conv2dGeometry } from './conv-geometry.js';
import { foldWindows } from './im2col.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor, checkAllocation, checkSameBackend, checkSameDtype, customOp, wrap } from './op-utils.js';
import { reshape } from './reshape.js';

/** @internal dx of conv2d: the backend's fast path, or one GEMM + col2im. */
export function conv2dInputGrad(dy: Tensor, w: Tensor, g: Conv2dGeometry): Tensor {
  const backend = dy.backend;
  if (backend.fastPaths.conv2d) {
    return wrap(
      backend.fastPaths.conv2d.backwardInput(dy.handle, w.handle, g, dy.dtype),
      [g.batch, g.inHeight, g.inWidth, g.inChannels],
      dy.dtype,
      backend,
    );
  }
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const cols = matmul(reshape(dy, [-1, g.outChannels]), reshape(w, [k, g.outChannels]), { transposeB: true });
  return foldWindows(reshape(cols, [g.batch, g.outHeight * g.outWidth * g.filterHeight * g.filterWidth, g.inChannels]), g);
}

/** @internal Checks that dy has the shape conv2d would produce. */
export function checkDy(op: string, dy: Tensor, g: Conv2dGeometry): void {
  const expected = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  if (!shapesEqual(dy.shape, expected))
    throw new ShapeError(op, `argument 'dy' expected shape ${fmtShape(expected)} (conv2d's output), got ${fmtShape(dy.shape)}`);
}

/**
 * conv2dBackpropInput(dy, filter, inputShape, options): the gradient of conv2d with respect
 * to its input x [N, H, W, Cin], given dy [N, Ho, Wo, Cout] and filter [kh, kw, Cin, Cout]:
 * the adjoint (transpose) of conv2d in x. Differentiable in dy and filter.
 * @example
 * ```ts
 * conv2dBackpropInput(ones([1, 2, 2, 1]), ones([2, 2, 1, 1]), [1, 3, 3, 1]).toArray(); // [[[[1], [2], [1]], [[2], [4], [2]], [[1], [2], [1]]]]
 * ```
 */
export function conv2dBackpropInput(
  dy: TensorLike,
  filter: TensorLike,
  inputShape: readonly number[],
  options: Conv2dOptions = {},
): Tensor {
  const d = asTensor('conv2dBackpropInput', 'dy', dy);
  const w = asTensor('conv2dBackpropInput', 'filter', filter, d);
  checkSameBackend('conv2dBackpropInput', { dy: d, filter: w });
  checkSameDtype('conv2dBackpropInput', 'dy', d, 'filter', w);
  const g = conv2dGeometry('conv2dBackpropInput', inputShape, w.shape, options);
  checkAllocation('conv2dBackpropInput', 'inputShape', inputShape, d.dtype, d.backend);
  checkDy('conv2dBackpropInput', d, g);
  return customOp(
    'conv2dBackpropInput',
    [d, w],
    () => conv2dInputGrad(d, w, g),
    (gy) => [conv2dForward(gy, w, g), conv2dBackpropFilter(gy, d, w.shape, options)],
  );
}

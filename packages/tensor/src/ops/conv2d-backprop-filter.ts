import type { Conv2dGeometry } from '../backend/v1.js';
import type { Tensor } from '../tensor.js';
import { conv2dForward } from './conv2d.js';
import { checkDy, conv2dBackpropInput } from './conv2d-backprop-input.js';
import { type Conv2dOptions, conv2dGeometry } from './conv-geometry.js';
import { extractWindows } from './im2col.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor, checkSameBackend, checkSameDtype, customOp, wrap } from './op-utils.js';
import { reshape } from './reshape.js';

/** @internal dw of conv2d: the backend's fast path, or im2col + one GEMM. */
export function conv2dFilterGrad(x: Tensor, dy: Tensor, g: Conv2dGeometry): Tensor {
  const backend = x.backend;
  const shape = [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
  if (backend.fastPaths.conv2d)
    return wrap(backend.fastPaths.conv2d.backwardFilter(x.handle, dy.handle, g, x.dtype), shape, x.dtype, backend);
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const cols = reshape(extractWindows(x, g), [-1, k]);
  return reshape(matmul(cols, reshape(dy, [-1, g.outChannels]), { transposeA: true }), shape);
}

/**
 * conv2dBackpropFilter(x, dy, filterShape, options): the gradient of conv2d with respect to
 * its filter [kh, kw, Cin, Cout], given x [N, H, W, Cin] and dy [N, Ho, Wo, Cout].
 * Differentiable in x and dy.
 * @example
 * ```ts
 * conv2dBackpropFilter(ones([1, 3, 3, 1]), ones([1, 2, 2, 1]), [2, 2, 1, 1]).toArray(); // [[[[4]], [[4]]], [[[4]], [[4]]]]
 * ```
 */
export function conv2dBackpropFilter(x: TensorLike, dy: TensorLike, filterShape: readonly number[], options: Conv2dOptions = {}): Tensor {
  const t = asTensor('conv2dBackpropFilter', 'x', x);
  const d = asTensor('conv2dBackpropFilter', 'dy', dy, t);
  checkSameBackend('conv2dBackpropFilter', { x: t, dy: d });
  checkSameDtype('conv2dBackpropFilter', 'x', t, 'dy', d);
  const g = conv2dGeometry('conv2dBackpropFilter', t.shape, filterShape, options);
  checkDy('conv2dBackpropFilter', d, g);
  return customOp(
    'conv2dBackpropFilter',
    [t, d],
    () => conv2dFilterGrad(t, d, g),
    (gw) => [conv2dBackpropInput(d, gw, t.shape, options), conv2dForward(t, gw, g)],
  );
}

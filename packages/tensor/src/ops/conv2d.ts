import type { Conv2dGeometry } from '../backend/v1.js';
import { inputNeedsGrad } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { type Conv2dOptions, conv2dGeometry } from './conv-geometry.js';
import { extractWindows } from './im2col.js';
import { matmul } from './matmul.js';
import { type TensorLike, asTensor, checkAllocation, checkFloat, checkSameBackend, checkSameDtype, customOp, wrap } from './op-utils.js';
import { reshape } from './reshape.js';
import { add } from './add.js';
import { sum } from './sum.js';

/** @internal conv2d forward: the backend's fast path, or im2col + one GEMM. */
export function conv2dForward(x: Tensor, w: Tensor, g: Conv2dGeometry): Tensor {
  const backend = x.backend;
  if (backend.fastPaths.conv2d) {
    return wrap(
      backend.fastPaths.conv2d.forward(x.handle, w.handle, g, x.dtype),
      [g.batch, g.outHeight, g.outWidth, g.outChannels],
      x.dtype,
      backend,
    );
  }
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const cols = reshape(extractWindows(x, g), [g.batch * g.outHeight * g.outWidth, k]);
  return reshape(matmul(cols, reshape(w, [k, g.outChannels])), [g.batch, g.outHeight, g.outWidth, g.outChannels]);
}

/** Options of `conv2d`: the geometry, and an optional bias. */
export interface Conv2dBiasOptions extends Conv2dOptions {
  /** Added to every output pixel, one value per output channel ([outChannels]). */
  bias?: TensorLike;
}

/**
 * conv2d(x, filter, {strides, dilations, padding, bias}): 2-D cross-correlation (what deep
 * learning calls convolution), out[n, y, x, co] = Σ_{i,j,ci} in[n, y·s + i·d − pt, x·s + j·d − pl, ci] ·
 * filter[i, j, ci, co] (+ bias[co]). x is NHWC [N, H, W, Cin]; filter is [kh, kw, Cin, Cout];
 * the output is [N, Ho, Wo, Cout]. Gradients: conv2dBackpropInput and conv2dBackpropFilter (and
 * the sum of dy over N, Ho, Wo for the bias). A bias is added inside the convolution on
 * backends with the `conv2dBias` fast path (no separate pass over the output).
 * @example
 * ```ts
 * const x = reshape(arange(1, 10), [1, 3, 3, 1]);
 * conv2d(x, ones([2, 2, 1, 1])).toArray(); // [[[[12], [16]], [[24], [28]]]]
 * conv2d(x, ones([2, 2, 1, 1]), { bias: [1] }).toArray(); // [[[[13], [17]], [[25], [29]]]]
 * conv2d(x, ones([3, 3, 1, 1]), { padding: 'same' }).shape; // [1, 3, 3, 1]
 * ```
 */
export function conv2d(x: TensorLike, filter: TensorLike, options: Conv2dBiasOptions = {}): Tensor {
  const t = asTensor('conv2d', 'x', x);
  const w = asTensor('conv2d', 'filter', filter, t);
  checkSameBackend('conv2d', { x: t, filter: w });
  checkSameDtype('conv2d', 'x', t, 'filter', w);
  checkFloat('conv2d', 'x', t);
  const g = conv2dGeometry('conv2d', t.shape, w.shape, options);
  checkAllocation('conv2d', 'x', [g.batch, g.outHeight, g.outWidth, g.outChannels], t.dtype, t.backend);
  const geometry: Conv2dOptions = { strides: options.strides, dilations: options.dilations, padding: options.padding };
  const gradients = (dy: Tensor): (Tensor | null)[] => [
    // the input's gradient is skipped when nothing uses it (the images fed to a first layer)
    inputNeedsGrad(0) ? conv2dBackpropInput(dy, w, t.shape, geometry) : null,
    inputNeedsGrad(1) ? conv2dBackpropFilter(t, dy, w.shape, geometry) : null,
  ];
  if (options.bias === undefined) return customOp('conv2d', [t, w], () => conv2dForward(t, w, g), gradients);
  const b = asTensor('conv2d', 'bias', options.bias, t);
  checkSameBackend('conv2d', { x: t, bias: b });
  checkSameDtype('conv2d', 'x', t, 'bias', b);
  if (b.rank !== 1 || b.shape[0] !== g.outChannels)
    throw new ShapeError(
      'conv2d',
      `argument 'bias' expected shape [${g.outChannels}] (the filter's output channels), got ${fmtShape(b.shape)}`,
    );
  const backend = t.backend;
  const forward = () =>
    backend.fastPaths.conv2dBias
      ? wrap(
          backend.fastPaths.conv2dBias(t.handle, w.handle, b.handle, g, t.dtype),
          [g.batch, g.outHeight, g.outWidth, g.outChannels],
          t.dtype,
          backend,
        )
      : add(conv2dForward(t, w, g), b);
  return customOp('conv2d', [t, w, b], forward, (dy) => [...gradients(dy), inputNeedsGrad(2) ? sum(dy, [0, 1, 2]) : null]);
}

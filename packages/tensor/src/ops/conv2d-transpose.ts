import { ShapeError, ValueError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import type { Conv2dOptions } from './conv-geometry.js';
import { type TensorLike, asTensor, checkAllocation, checkFloat } from './op-utils.js';

/** Options of conv2dTranspose. */
export interface Conv2dTransposeOptions extends Conv2dOptions {
  /** The output [N, H, W, Cout]; needed only where strides make it ambiguous. */
  outputShape?: readonly number[];
}

/**
 * conv2dTranspose(x, filter, options): the transposed ("fractionally strided") convolution
 * that upsamples: the gradient of conv2d with respect to its input, applied to x. x is NHWC
 * [N, h, w, Cin]; filter is [kh, kw, Cout, Cin] (as in TensorFlow); the output is
 * [N, H, W, Cout] with H = h·stride for 'same' and (h − 1)·stride + (kh − 1)·dilation + 1
 * for 'valid'.
 * @example
 * ```ts
 * conv2dTranspose(ones([1, 2, 2, 1]), ones([2, 2, 1, 1]), { strides: 2 }).shape; // [1, 4, 4, 1]
 * ```
 */
export function conv2dTranspose(x: TensorLike, filter: TensorLike, options: Conv2dTransposeOptions = {}): Tensor {
  const t = asTensor('conv2dTranspose', 'x', x);
  const w = asTensor('conv2dTranspose', 'filter', filter, t);
  checkFloat('conv2dTranspose', 'x', t);
  if (t.rank !== 4) throw new ShapeError('conv2dTranspose', `argument 'x' expected rank 4 (NHWC), got shape ${fmtShape(t.shape)}`);
  if (w.rank !== 4 || w.shape[3] !== t.shape[3]) {
    throw new ShapeError('conv2dTranspose', `argument 'filter' expected [kh, kw, outChannels, ${t.shape[3]}], got ${fmtShape(w.shape)}`);
  }
  let outputShape = options.outputShape;
  if (!outputShape) {
    const s =
      typeof options.strides === 'number' || options.strides === undefined ? [options.strides ?? 1, options.strides ?? 1] : options.strides;
    const d =
      typeof options.dilations === 'number' || options.dilations === undefined
        ? [options.dilations ?? 1, options.dilations ?? 1]
        : options.dilations;
    const padding = options.padding ?? 'valid';
    const size = (i: 0 | 1) => {
      const span = (w.shape[i] - 1) * d[i] + 1;
      if (padding === 'same') return t.shape[1 + i] * s[i];
      const full = (t.shape[1 + i] - 1) * s[i] + span;
      if (padding === 'valid') return full;
      const [before, after] = typeof padding === 'number' ? [padding, padding] : padding[i];
      return full - before - after;
    };
    outputShape = [t.shape[0], size(0), size(1), w.shape[2]];
    if (outputShape.some((v) => v <= 0))
      throw new ValueError('conv2dTranspose', `the options give a non-positive output shape ${fmtShape(outputShape)}`);
    checkAllocation('conv2dTranspose', 'strides', outputShape, t.dtype, t.backend);
  }
  return conv2dBackpropInput(t, w, outputShape, options);
}

import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * floor(x): ⌊x⌋; gradient 0. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * floor(tensor([1.5, -1.5])).toArray(); // [1, -2]
 * ```
 */
export function floor(x: TensorLike): Tensor {
  const t = asTensor('floor', 'x', x);
  const out = unaryPrimitive('floor', t);
  // piecewise constant: the gradient is zero almost everywhere
  record('floor', [t], out, () => [null]);
  return out;
}

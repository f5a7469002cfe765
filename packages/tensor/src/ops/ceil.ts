import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * ceil(x): ⌈x⌉; gradient 0. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * ceil(tensor([1.5, -1.5])).toArray(); // [2, -1]
 * ```
 */
export function ceil(x: TensorLike): Tensor {
  const t = asTensor('ceil', 'x', x);
  const out = unaryPrimitive('ceil', t);
  // piecewise constant: the gradient is zero almost everywhere
  record('ceil', [t], out, () => [null]);
  return out;
}

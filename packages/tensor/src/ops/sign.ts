import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * sign(x): -1, 0 or 1 by the sign of x (NaN stays NaN); gradient 0. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * sign(tensor([-3, 0, 2])).toArray(); // [-1, 0, 1]
 * ```
 */
export function sign(x: TensorLike): Tensor {
  const t = asTensor('sign', 'x', x);
  const out = unaryPrimitive('sign', t);
  // piecewise constant: the gradient is zero almost everywhere
  record('sign', [t], out, () => [null]);
  return out;
}

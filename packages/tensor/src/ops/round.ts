import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * round(x): x rounded to the nearest integer, halves to even; gradient 0. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * round(tensor([0.5, 1.5, 2.4])).toArray(); // [0, 2, 2]
 * ```
 */
export function round(x: TensorLike): Tensor {
  const t = asTensor('round', 'x', x);
  const out = unaryPrimitive('round', t);
  // piecewise constant: the gradient is zero almost everywhere
  record('round', [t], out, () => [null]);
  return out;
}

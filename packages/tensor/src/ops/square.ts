import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * square(x): x². Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * square(tensor([3])).toArray(); // [9]
 * ```
 */
export function square(x: TensorLike): Tensor {
  const t = asTensor('square', 'x', x);
  const out = unaryPrimitive('square', t);
  record('square', [t], out, (dy) => [mul(dy, mul(x, 2))]);
  return out;
}

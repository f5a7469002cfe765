import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sign } from './sign.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * abs(x): |x|; the gradient at 0 is 0. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * abs(tensor([-3, 2])).toArray(); // [3, 2]
 * ```
 */
export function abs(x: TensorLike): Tensor {
  const t = asTensor('abs', 'x', x);
  const out = unaryPrimitive('abs', t);
  record('abs', [t], out, (dy) => [mul(dy, sign(x))]);
  return out;
}

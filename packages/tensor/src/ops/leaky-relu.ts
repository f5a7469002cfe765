import type { Tensor } from '../tensor.js';
import { greater } from './greater.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat } from './op-utils.js';
import { where } from './where.js';

/**
 * leakyRelu(x, alpha = 0.01) = x for x > 0, alpha·x otherwise.
 * @example
 * ```ts
 * leakyRelu(tensor([-10, 3]), 0.1).toArray(); // [-1, 3]
 * ```
 */
export function leakyRelu(x: TensorLike, alpha = 0.01): Tensor {
  const t = asTensor('leakyRelu', 'x', x);
  checkFloat('leakyRelu', 'x', t);
  return where(greater(t, 0), t, mul(t, alpha));
}

import type { Tensor } from '../tensor.js';
import { expm1 } from './expm1.js';
import { greater } from './greater.js';
import { minimum } from './minimum.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat } from './op-utils.js';
import { where } from './where.js';

/**
 * elu(x, alpha = 1) = x for x > 0, alpha·(e^x − 1) otherwise. (The exponential branch is
 * evaluated at min(x, 0) so large x cannot overflow into a NaN gradient.)
 * @example
 * ```ts
 * elu(tensor([0, 2])).toArray(); // [0, 2]
 * ```
 */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const t = asTensor('elu', 'x', x);
  checkFloat('elu', 'x', t);
  return where(greater(t, 0), t, mul(expm1(minimum(t, 0)), alpha));
}

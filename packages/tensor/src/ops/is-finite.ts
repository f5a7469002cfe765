import { onesLike } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { abs } from './abs.js';
import { less } from './less.js';
import { type TensorLike, asTensor } from './op-utils.js';

/**
 * isFinite(x): an int32 mask, 1 where x is neither ±∞ nor NaN. Not differentiable.
 * @example
 * ```ts
 * isFinite(tensor([1, Infinity, NaN])).toArray(); // [1, 0, 0]
 * ```
 */
export function isFinite(x: TensorLike): Tensor {
  const t = asTensor('isFinite', 'x', x);
  // integers are always finite
  if (t.dtype === 'int32') return onesLike(t);
  return less(abs(t), Infinity);
}

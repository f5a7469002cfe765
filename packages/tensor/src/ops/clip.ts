import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { maximum } from './maximum.js';
import { minimum } from './minimum.js';
import { type TensorLike, asTensor } from './op-utils.js';

/**
 * clip(x, min, max): each value limited to [min, max]. The gradient is 1 inside, 0 outside.
 * @example
 * ```ts
 * clip(tensor([-2, 0.5, 3]), 0, 1).toArray(); // [0, 0.5, 1]
 * ```
 */
export function clip(x: TensorLike, min: number, max: number): Tensor {
  const t = asTensor('clip', 'x', x);
  if (!(min <= max)) throw new ValueError('clip', `arguments 'min' (${min}) and 'max' (${max}) must satisfy min <= max`);
  return minimum(maximum(t, min), max);
}

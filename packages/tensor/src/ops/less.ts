import type { Tensor } from '../tensor.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';

/**
 * less(a, b): 1 where a < b, else 0, as an int32 mask, with numpy broadcasting. Not
 * differentiable (use the mask with `where` or `cast`).
 * @example
 * ```ts
 * less(tensor([1, 2]), 2).toArray(); // [1, 0]
 * ```
 */
export function less(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('less', a, b);
  return binaryPrimitive('less', 'less', x, y);
}

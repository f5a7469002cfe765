import type { Tensor } from '../tensor.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';

/**
 * greater(a, b): 1 where a > b, else 0, as an int32 mask, with numpy broadcasting. Not
 * differentiable (use the mask with `where` or `cast`).
 * @example
 * ```ts
 * greater(tensor([1, 2]), 1).toArray(); // [0, 1]
 * ```
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('greater', a, b);
  return binaryPrimitive('greater', 'greater', x, y);
}

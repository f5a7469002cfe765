import type { Tensor } from '../tensor.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';

/**
 * equal(a, b): 1 where a == b, else 0, as an int32 mask, with numpy broadcasting. Not
 * differentiable (use the mask with `where` or `cast`).
 * @example
 * ```ts
 * equal(tensor([1, 2]), tensor([1, 3])).toArray(); // [1, 0]
 * ```
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('equal', a, b);
  return binaryPrimitive('equal', 'equal', x, y);
}

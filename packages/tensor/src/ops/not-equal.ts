import type { Tensor } from '../tensor.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';

/**
 * notEqual(a, b): 1 where a != b, else 0, as an int32 mask, with numpy broadcasting. Not
 * differentiable (use the mask with `where` or `cast`).
 * @example
 * ```ts
 * notEqual(tensor([1, 2]), 2).toArray(); // [1, 0]
 * ```
 */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('notEqual', a, b);
  return binaryPrimitive('notEqual', 'notEqual', x, y);
}

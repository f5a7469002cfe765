import type { Tensor } from '../tensor.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';

/**
 * lessEqual(a, b): 1 where a <= b, else 0, as an int32 mask, with numpy broadcasting. Not
 * differentiable (use the mask with `where` or `cast`).
 * @example
 * ```ts
 * lessEqual(tensor([1, 2]), 2).toArray(); // [1, 1]
 * ```
 */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('lessEqual', a, b);
  return binaryPrimitive('lessEqual', 'lessEqual', x, y);
}

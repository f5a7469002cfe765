import type { Tensor } from '../tensor.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';

/**
 * greaterEqual(a, b): 1 where a >= b, else 0, as an int32 mask, with numpy broadcasting. Not
 * differentiable (use the mask with `where` or `cast`).
 * @example
 * ```ts
 * greaterEqual(tensor([1, 2]), 2).toArray(); // [0, 1]
 * ```
 */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('greaterEqual', a, b);
  return binaryPrimitive('greaterEqual', 'greaterEqual', x, y);
}

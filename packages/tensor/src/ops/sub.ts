import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { neg } from './neg.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';
import { sumToShape } from './sum-to-shape.js';

/**
 * sub(a, b): a − b, elementwise with numpy broadcasting (a [2, 3] and b [3] give [2, 3]).
 * Numbers take the other operand's dtype; both tensors must share dtype and backend.
 * @example
 * ```ts
 * sub(tensor([5, 7]), 2).toArray(); // [3, 5]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('sub', a, b);
  const out = binaryPrimitive('sub', 'sub', x, y);
  record('sub', [x, y], out, (dy) => [sumToShape(dy, x.shape), sumToShape(neg(dy), y.shape)]);
  return out;
}

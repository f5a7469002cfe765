import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';

import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';
import { sumToShape } from './sum-to-shape.js';

/**
 * add(a, b): a + b, elementwise with numpy broadcasting (a [2, 3] and b [3] give [2, 3]).
 * Numbers take the other operand's dtype; both tensors must share dtype and backend.
 * @example
 * ```ts
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).toArray(); // [[11, 22], [13, 24]]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('add', a, b);
  const out = binaryPrimitive('add', 'add', x, y);
  record('add', [x, y], out, (dy) => [sumToShape(dy, x.shape), sumToShape(dy, y.shape)]);
  return out;
}

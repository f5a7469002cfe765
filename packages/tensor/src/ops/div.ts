import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';
import { sumToShape } from './sum-to-shape.js';

/**
 * div(a, b): a / b (int32: floor division), elementwise with numpy broadcasting (a [2, 3] and b [3] give [2, 3]).
 * Numbers take the other operand's dtype; both tensors must share dtype and backend.
 * @example
 * ```ts
 * div(tensor([1, 3]), tensor([2, 4])).toArray(); // [0.5, 0.75]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('div', a, b);
  const out = binaryPrimitive('div', 'div', x, y);
  record('div', [x, y], out, (dy) => [sumToShape(div(dy, y), x.shape), sumToShape(neg(div(mul(dy, out), y)), y.shape)]);
  return out;
}

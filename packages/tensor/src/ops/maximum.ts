import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { greaterEqual } from './greater-equal.js';
import { less } from './less.js';
import { mul } from './mul.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';
import { sumToShape } from './sum-to-shape.js';

/**
 * maximum(a, b): the larger of a and b (NaN if either is NaN); on ties the gradient goes to a, elementwise with numpy broadcasting (a [2, 3] and b [3] give [2, 3]).
 * Numbers take the other operand's dtype; both tensors must share dtype and backend.
 * @example
 * ```ts
 * maximum(tensor([1, 5]), tensor([3, 2])).toArray(); // [3, 5]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('maximum', a, b);
  const out = binaryPrimitive('maximum', 'maximum', x, y);
  record('maximum', [x, y], out, (dy) => [
    sumToShape(mul(dy, cast(greaterEqual(x, y), dy.dtype)), x.shape),
    sumToShape(mul(dy, cast(less(x, y), dy.dtype)), y.shape),
  ]);
  return out;
}

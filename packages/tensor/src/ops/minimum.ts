import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { greater } from './greater.js';
import { lessEqual } from './less-equal.js';
import { mul } from './mul.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';
import { sumToShape } from './sum-to-shape.js';

/**
 * minimum(a, b): the smaller of a and b (NaN if either is NaN); on ties the gradient goes to a, elementwise with numpy broadcasting (a [2, 3] and b [3] give [2, 3]).
 * Numbers take the other operand's dtype; both tensors must share dtype and backend.
 * @example
 * ```ts
 * minimum(tensor([1, 5]), tensor([3, 2])).toArray(); // [1, 2]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('minimum', a, b);
  const out = binaryPrimitive('minimum', 'minimum', x, y);
  record('minimum', [x, y], out, (dy) => [
    sumToShape(mul(dy, cast(lessEqual(x, y), dy.dtype)), x.shape),
    sumToShape(mul(dy, cast(greater(x, y), dy.dtype)), y.shape),
  ]);
  return out;
}

import { inputNeedsGrad, record } from '../engine.js';
import type { Tensor } from '../tensor.js';

import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';
import { sumToShape } from './sum-to-shape.js';

/**
 * mul(a, b): a · b, elementwise with numpy broadcasting (a [2, 3] and b [3] give [2, 3]).
 * Numbers take the other operand's dtype; both tensors must share dtype and backend.
 * @example
 * ```ts
 * mul(tensor([1, 2, 3]), 2).toArray(); // [2, 4, 6]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('mul', a, b);
  const out = binaryPrimitive('mul', 'mul', x, y);
  // a gradient nobody uses (e.g. of a dropout mask) is not computed
  record('mul', [x, y], out, (dy) => [
    inputNeedsGrad(0) ? sumToShape(mul(dy, y), x.shape) : null,
    inputNeedsGrad(1) ? sumToShape(mul(dy, x), y.shape) : null,
  ]);
  return out;
}

import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { square } from './square.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * reciprocal(x): 1 / x. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * reciprocal(tensor([4])).toArray(); // [0.25]
 * ```
 */
export function reciprocal(x: TensorLike): Tensor {
  const t = asTensor('reciprocal', 'x', x);
  const out = unaryPrimitive('reciprocal', t);
  record('reciprocal', [t], out, (dy) => [neg(mul(dy, square(out)))]);
  return out;
}

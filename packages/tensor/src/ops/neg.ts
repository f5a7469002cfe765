import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * neg(x): -x. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg(x: TensorLike): Tensor {
  const t = asTensor('neg', 'x', x);
  const out = unaryPrimitive('neg', t);
  record('neg', [t], out, (dy) => [neg(dy)]);
  return out;
}

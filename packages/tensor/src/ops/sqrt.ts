import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * sqrt(x): √x. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 * ```
 */
export function sqrt(x: TensorLike): Tensor {
  const t = asTensor('sqrt', 'x', x);
  const out = unaryPrimitive('sqrt', t);
  record('sqrt', [t], out, (dy) => [div(dy, mul(out, 2))]);
  return out;
}

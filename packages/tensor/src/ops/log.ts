import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * log(x): natural logarithm, ln x. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * log(tensor([1])).toArray(); // [0]
 * ```
 */
export function log(x: TensorLike): Tensor {
  const t = asTensor('log', 'x', x);
  const out = unaryPrimitive('log', t);
  record('log', [t], out, (dy) => [div(dy, x)]);
  return out;
}

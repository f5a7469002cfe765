import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { div } from './div.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * log1p(x): ln(1 + x), accurate near 0. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * log1p(tensor([0])).toArray(); // [0]
 * ```
 */
export function log1p(x: TensorLike): Tensor {
  const t = asTensor('log1p', 'x', x);
  const out = unaryPrimitive('log1p', t);
  record('log1p', [t], out, (dy) => [div(dy, add(x, 1))]);
  return out;
}

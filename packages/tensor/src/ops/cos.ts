import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { sin } from './sin.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * cos(x): cos x. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * cos(tensor([0])).toArray(); // [1]
 * ```
 */
export function cos(x: TensorLike): Tensor {
  const t = asTensor('cos', 'x', x);
  const out = unaryPrimitive('cos', t);
  record('cos', [t], out, (dy) => [neg(mul(dy, sin(x)))]);
  return out;
}

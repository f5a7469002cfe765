import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { cos } from './cos.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * sin(x): sin x. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * sin(tensor([0])).toArray(); // [0]
 * ```
 */
export function sin(x: TensorLike): Tensor {
  const t = asTensor('sin', 'x', x);
  const out = unaryPrimitive('sin', t);
  record('sin', [t], out, (dy) => [mul(dy, cos(x))]);
  return out;
}

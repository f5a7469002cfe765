import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * exp(x): e^x. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * exp(tensor([0])).toArray(); // [1]
 * ```
 */
export function exp(x: TensorLike): Tensor {
  const t = asTensor('exp', 'x', x);
  const out = unaryPrimitive('exp', t);
  record('exp', [t], out, (dy) => [mul(dy, out)]);
  return out;
}

import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { square } from './square.js';
import { sub } from './sub.js';
import { type TensorLike, activationGrad, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * tanh(x): (e^x − e^−x) / (e^x + e^−x), in (−1, 1). Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * tanh(tensor([0])).toArray(); // [0]
 * ```
 */
export function tanh(x: TensorLike): Tensor {
  const t = asTensor('tanh', 'x', x);
  const out = unaryPrimitive('tanh', t);
  record('tanh', [t], out, (dy) => [activationGrad('tanh', dy, out, () => mul(dy, sub(1, square(out))))]);
  return out;
}

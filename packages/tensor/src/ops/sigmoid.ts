import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { type TensorLike, activationGrad, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * sigmoid(x): σ(x) = 1 / (1 + e^−x), in (0, 1), computed without overflow. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * sigmoid(tensor([0])).toArray(); // [0.5]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  const t = asTensor('sigmoid', 'x', x);
  const out = unaryPrimitive('sigmoid', t);
  record('sigmoid', [t], out, (dy) => [activationGrad('sigmoid', dy, out, () => mul(dy, mul(out, sub(1, out))))]);
  return out;
}

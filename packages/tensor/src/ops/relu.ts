import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { type TensorLike, activationGrad, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * relu(x): max(x, 0); the gradient at 0 is 0. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export function relu(x: TensorLike): Tensor {
  const t = asTensor('relu', 'x', x);
  const out = unaryPrimitive('relu', t);
  record('relu', [t], out, (dy) => [activationGrad('relu', dy, t, () => mul(dy, unaryPrimitive('step', t)))]);
  return out;
}

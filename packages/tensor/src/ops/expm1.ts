import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, unaryPrimitive } from './op-utils.js';

/**
 * expm1(x): e^x − 1, accurate near 0. Elementwise, any shape; float32 or float64.
 * @example
 * ```ts
 * expm1(tensor([0])).toArray(); // [0]
 * ```
 */
export function expm1(x: TensorLike): Tensor {
  const t = asTensor('expm1', 'x', x);
  const out = unaryPrimitive('expm1', t);
  record('expm1', [t], out, (dy) => [mul(dy, add(out, 1))]);
  return out;
}

import type { Tensor } from '../tensor.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { exp } from './exp.js';
import { log1p } from './log1p.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { type TensorLike, asTensor, checkFloat, customOp } from './op-utils.js';
import { relu } from './relu.js';
import { sigmoid } from './sigmoid.js';

/**
 * softplus(x) = ln(1 + e^x), computed as max(x, 0) + ln(1 + e^−|x|) (no overflow).
 * d/dx = sigmoid(x).
 * @example
 * ```ts
 * softplus(tensor([0])).toArray(); // [0.6931472]
 * ```
 */
export function softplus(x: TensorLike): Tensor {
  const t = asTensor('softplus', 'x', x);
  checkFloat('softplus', 'x', t);
  return customOp(
    'softplus',
    [t],
    () => add(relu(t), log1p(exp(neg(abs(t))))),
    (dy) => [mul(dy, sigmoid(t))],
  );
}

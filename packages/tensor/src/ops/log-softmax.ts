import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { exp } from './exp.js';
import { log } from './log.js';
import { max } from './max.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat, customOp } from './op-utils.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/**
 * logSoftmax(x, axis = -1) = x − logSumExp(x): the log of softmax, without its underflow.
 * Gradient: dy − softmax(x)·Σ dy.
 * @example
 * ```ts
 * logSoftmax(tensor([0, 0])).toArray(); // [-0.6931472, -0.6931472]
 * ```
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor('logSoftmax', 'x', x);
  checkFloat('logSoftmax', 'x', t);
  const ax = normalizeAxis('logSoftmax', axis, t.rank);
  return customOp(
    'logSoftmax',
    [t],
    () => {
      const shifted = sub(t, max(t, ax, { keepDims: true }));
      return sub(shifted, log(sum(exp(shifted), ax, { keepDims: true })));
    },
    (dy, y) => [sub(dy, mul(exp(y), sum(dy, ax, { keepDims: true })))],
  );
}

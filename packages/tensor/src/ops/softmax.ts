import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { exp } from './exp.js';
import { max } from './max.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat, customOp } from './op-utils.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/**
 * softmax(x, axis = -1) = exp(x − max) / Σ exp(x − max): positive, sums to 1 along `axis`;
 * stays finite with −1e9 masks. Gradient: y·(dy − Σ dy·y).
 * @example
 * ```ts
 * softmax(tensor([0, 0])).toArray(); // [0.5, 0.5]
 * ```
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor('softmax', 'x', x);
  checkFloat('softmax', 'x', t);
  const ax = normalizeAxis('softmax', axis, t.rank);
  return customOp(
    'softmax',
    [t],
    () => {
      const e = exp(sub(t, max(t, ax, { keepDims: true })));
      return div(e, sum(e, ax, { keepDims: true }));
    },
    (dy, y) => [mul(y, sub(dy, sum(mul(dy, y), ax, { keepDims: true })))],
  );
}

import { normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { broadcastTo } from './broadcast-to.js';
import { equal } from './equal.js';
import { exp } from './exp.js';
import { isFinite } from './is-finite.js';
import { log } from './log.js';
import { max } from './max.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat, customOp } from './op-utils.js';
import { reshape } from './reshape.js';
import { sub } from './sub.js';
import { type ReduceOptions, reducedShape, sum } from './sum.js';
import { where } from './where.js';

/**
 * logSumExp(x, axis?, {keepDims}) = log Σ exp(x), computed stably as m + log Σ exp(x − m)
 * with m the max (taken as 0 where it is ±∞, so all −∞ gives −∞). d/dx = softmax(x) =
 * exp(x − lse); where a window has no mass (every entry −∞, lse = −∞) the gradient is 0, not
 * exp(−∞ − (−∞)) = NaN: lse is replaced by 0 there, and exp(−∞ − 0) = 0.
 * @example
 * ```ts
 * logSumExp(tensor([1000, 1000])).item(); // 1000.6931471805599
 * ```
 */
export function logSumExp(x: TensorLike, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const t = asTensor('logSumExp', 'x', x);
  checkFloat('logSumExp', 'x', t);
  const axes = normalizeAxes('logSumExp', axis, t.rank);
  const kept = reducedShape(t.shape, axes, true);
  const keepDims = options.keepDims ?? false;
  return customOp(
    'logSumExp',
    [t],
    () => {
      const m = max(t, axes, { keepDims: true });
      const shift = where(isFinite(m), m, 0);
      const lse = add(log(sum(exp(sub(t, shift)), axes, { keepDims: true })), shift);
      return keepDims ? lse : reshape(lse, reducedShape(t.shape, axes, false));
    },
    (dy, out) => {
      const lse = reshape(out, kept);
      const safe = where(equal(lse, -Infinity), 0, lse);
      return [mul(exp(sub(t, safe)), broadcastTo(reshape(dy, kept), t.shape))];
    },
  );
}

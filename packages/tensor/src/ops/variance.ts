import { ValueError } from '../errors.js';
import { normalizeAxes, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mean } from './mean.js';
import { type TensorLike, asTensor, checkFloat } from './op-utils.js';
import { square } from './square.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/**
 * variance(x, axis?, {keepDims, correction}) = Σ (x − mean)² / (n − correction); correction
 * 0 (default) is the population variance, 1 the unbiased sample variance.
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4])).item(); // 1.25
 * variance(tensor([1, 2, 3, 4]), 0, { correction: 1 }).item(); // 1.6666666
 * ```
 */
export function variance(
  x: TensorLike,
  axis?: number | readonly number[],
  options: { keepDims?: boolean; correction?: number } = {},
): Tensor {
  const t = asTensor('variance', 'x', x);
  checkFloat('variance', 'x', t);
  const axes = normalizeAxes('variance', axis, t.rank);
  const n = sizeOf(axes.map((a) => t.shape[a]));
  const correction = options.correction ?? 0;
  if (n - correction <= 0)
    throw new ValueError(
      'variance',
      `argument 'correction' (${correction}) must be less than the number of elements along the reduced axes, got ${n}`,
    );
  const centred = sub(t, mean(t, axes, { keepDims: true }));
  return div(sum(square(centred), axes, { keepDims: options.keepDims }), n - correction);
}

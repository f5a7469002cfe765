import { normalizeAxes, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { type TensorLike, asTensor, checkFloat } from './op-utils.js';
import { type ReduceOptions, sum } from './sum.js';

/**
 * mean(x, axis?, {keepDims}): the arithmetic mean over `axis` (all axes when omitted).
 * Composite: sum / count.
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 1).toArray(); // [1.5, 3.5]
 * ```
 */
export function mean(x: TensorLike, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const t = asTensor('mean', 'x', x);
  checkFloat('mean', 'x', t);
  const axes = normalizeAxes('mean', axis, t.rank);
  const count = sizeOf(axes.map((a) => t.shape[a]));
  return div(sum(t, axes, options), count);
}

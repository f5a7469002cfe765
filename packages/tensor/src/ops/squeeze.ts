import { ShapeError, fmtShape } from '../errors.js';
import { normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor } from './op-utils.js';
import { reshape } from './reshape.js';

/**
 * squeeze(x, axis?): removes the given size-1 dimensions (all of them when omitted).
 * @example
 * ```ts
 * squeeze(zeros([1, 3, 1])).shape; // [3]
 * ```
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = asTensor('squeeze', 'x', x);
  const axes = axis === undefined ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axis, t.rank);
  for (const a of axes) {
    if (t.shape[a] !== 1) throw new ShapeError('squeeze', `axis ${a} of 'x' ${fmtShape(t.shape)} has size ${t.shape[a]}, expected 1`);
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

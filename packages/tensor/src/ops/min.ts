import { record } from '../engine.js';
import { normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { cast } from './cast.js';
import { div } from './div.js';
import { equal } from './equal.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkNonEmptyAxes, wrap } from './op-utils.js';
import { reshape } from './reshape.js';
import { type ReduceOptions, reducedShape, sum } from './sum.js';

/**
 * min(x, axis?, {keepDims}): the minimum over `axis` (all axes when omitted); NaN wins. The
 * gradient is shared equally among the entries that attain the minimum.
 * @example
 * ```ts
 * min(tensor([[1, 5], [7, 2]]), 1).toArray(); // [1, 2]
 * ```
 */
export function min(x: TensorLike, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const t = asTensor('min', 'x', x);
  const axes = normalizeAxes('min', axis, t.rank);
  checkNonEmptyAxes('min', t, axes);
  const shape = reducedShape(t.shape, axes, options.keepDims ?? false);
  const out = wrap(t.backend.reduce('min', t.handle, t.shape, axes, t.dtype), shape, t.dtype, t.backend);
  record('min', [t], out, (dy) => {
    const kept = reducedShape(t.shape, axes, true);
    const mask = cast(equal(t, reshape(out, kept)), t.dtype);
    const share = div(mask, sum(mask, axes, { keepDims: true }));
    return [mul(share, broadcastTo(reshape(dy, kept), t.shape))];
  });
  return out;
}

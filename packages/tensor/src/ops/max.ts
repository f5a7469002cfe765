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
 * max(x, axis?, {keepDims}): the maximum over `axis` (all axes when omitted); NaN wins. The
 * gradient is shared equally among the entries that attain the maximum.
 * @example
 * ```ts
 * max(tensor([[1, 5], [7, 2]]), 1).toArray(); // [5, 7]
 * ```
 */
export function max(x: TensorLike, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const t = asTensor('max', 'x', x);
  const axes = normalizeAxes('max', axis, t.rank);
  checkNonEmptyAxes('max', t, axes);
  const shape = reducedShape(t.shape, axes, options.keepDims ?? false);
  const out = wrap(t.backend.reduce('max', t.handle, t.shape, axes, t.dtype), shape, t.dtype, t.backend);
  record('max', [t], out, (dy) => {
    const kept = reducedShape(t.shape, axes, true);
    const mask = cast(equal(t, reshape(out, kept)), t.dtype);
    const share = div(mask, sum(mask, axes, { keepDims: true }));
    return [mul(share, broadcastTo(reshape(dy, kept), t.shape))];
  });
  return out;
}

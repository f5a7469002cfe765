import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { concat } from './concat.js';
import { expandDims } from './expand-dims.js';
import { type TensorLike, asTensor } from './op-utils.js';

/**
 * stack(xs, axis = 0): joins same-shaped tensors along a new axis.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]).toArray(); // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new ValueError('stack', `argument 'xs' expected at least one tensor, got none`);
  const first = asTensor('stack', 'xs[0]', xs[0]);
  return concat(
    xs.map((x, i) => expandDims(asTensor('stack', `xs[${i}]`, x, first), axis < 0 ? axis + first.rank + 1 : axis)),
    axis < 0 ? axis + first.rank + 1 : axis,
  );
}

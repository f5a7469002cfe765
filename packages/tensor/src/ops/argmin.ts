import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, checkNonEmptyAxes, wrap } from './op-utils.js';

/**
 * argmin(x, axis = -1): the int32 index of the smallest along `axis` (the first on ties; a NaN
 * wins). Not differentiable.
 * @example
 * ```ts
 * argmin(tensor([[1, 5], [7, 2]])).toArray(); // [0, 1]
 * ```
 */
export function argmin(x: TensorLike, axis = -1): Tensor {
  const t = asTensor('argmin', 'x', x);
  const ax = normalizeAxis('argmin', axis, t.rank);
  checkNonEmptyAxes('argmin', t, [ax]);
  const shape = t.shape.filter((_, i) => i !== ax);
  return wrap(t.backend.argReduce('argmin', t.handle, t.shape, ax, t.dtype), shape, 'int32', t.backend);
}

import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, checkNonEmptyAxes, wrap } from './op-utils.js';

/**
 * argmax(x, axis = -1): the int32 index of the largest along `axis` (the first on ties; a NaN
 * wins). Not differentiable.
 * @example
 * ```ts
 * argmax(tensor([[1, 5], [7, 2]])).toArray(); // [1, 0]
 * ```
 */
export function argmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor('argmax', 'x', x);
  const ax = normalizeAxis('argmax', axis, t.rank);
  checkNonEmptyAxes('argmax', t, [ax]);
  const shape = t.shape.filter((_, i) => i !== ax);
  return wrap(t.backend.argReduce('argmax', t.handle, t.shape, ax, t.dtype), shape, 'int32', t.backend);
}

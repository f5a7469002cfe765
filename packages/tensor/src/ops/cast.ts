import type { DType } from '../dtype.js';
import { isFloat } from '../dtype.js';
import { record } from '../engine.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, wrap } from './op-utils.js';

/**
 * cast(x, dtype): converts the values (float → int32 truncates toward zero). Between float
 * dtypes the gradient is cast back; to or from int32 there is none.
 * @example
 * ```ts
 * cast(tensor([1.7, -1.7]), 'int32').toArray(); // [1, -1]
 * ```
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = asTensor('cast', 'x', x);
  if (!t.backend.dtypes.includes(dtype))
    throw new DTypeError('cast', `argument 'dtype' '${dtype}' is not supported by backend '${t.backend.name}'`);
  if (t.dtype === dtype) return t;
  const out = wrap(t.backend.cast(t.handle, t.size, t.dtype, dtype), t.shape, dtype, t.backend);
  if (isFloat(t.dtype) && isFloat(dtype)) record('cast', [t], out, (dy) => [cast(dy, t.dtype)]);
  return out;
}

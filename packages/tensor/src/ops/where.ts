import { record } from '../engine.js';
import { DTypeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { zerosLike } from '../creation.js';
import { type TensorLike, asPair, asTensor, checkSameBackend, checkSameDtype, wrap } from './op-utils.js';
import { sumToShape } from './sum-to-shape.js';

/**
 * where(cond, a, b): a where cond ≠ 0, else b; all three broadcast together. `cond` is an
 * int32 mask (from a comparison). The gradient flows to a where cond holds, to b elsewhere.
 * @example
 * ```ts
 * where(greater(tensor([1, -1]), 0), tensor([10, 20]), 0).toArray(); // [10, 0]
 * ```
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const c = asTensor('where', 'cond', cond);
  if (c.dtype !== 'int32') throw new DTypeError('where', `argument 'cond' expected an int32 mask (e.g. from greater()), got ${c.dtype}`);
  const [x, y] = asPair('where', a, b);
  const backend = checkSameBackend('where', { cond: c, a: x, b: y });
  checkSameDtype('where', 'a', x, 'b', y);
  const outShape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape, ['cond', 'a']), y.shape, ['a', 'b']);
  const out = wrap(
    backend.where({
      cond: { handle: c.handle, shape: c.shape },
      a: { handle: x.handle, shape: x.shape },
      b: { handle: y.handle, shape: y.shape },
      outShape,
      dtype: x.dtype,
    }),
    outShape,
    x.dtype,
    backend,
  );
  record(
    'where',
    [x, y],
    out,
    (dy) => {
      const zero = zerosLike(dy);
      return [sumToShape(where(c, dy, zero), x.shape), sumToShape(where(c, zero, dy), y.shape)];
    },
    [c],
  );
  return out;
}

import { record } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, checkAllocation, checkShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, wrap } from './op-utils.js';
import { sumToShape } from './sum-to-shape.js';

/**
 * broadcastTo(x, shape): repeats x along its size-1 and missing leading dimensions (numpy
 * rules). The gradient sums back.
 * @example
 * ```ts
 * broadcastTo(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor('broadcastTo', 'x', x);
  checkShape('broadcastTo', 'shape', shape);
  if (shapesEqual(t.shape, shape)) return t;
  if (t.rank > shape.length || !shapesEqual(broadcastShapes('broadcastTo', t.shape, shape, ['x', 'shape']), shape)) {
    throw new ShapeError('broadcastTo', `argument 'x' of shape ${fmtShape(t.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  }
  checkAllocation('broadcastTo', 'shape', shape, t.dtype, t.backend);
  const out = wrap(t.backend.broadcastTo(t.handle, t.shape, shape, t.dtype), shape, t.dtype, t.backend);
  record('broadcastTo', [t], out, (dy) => [sumToShape(dy, t.shape)]);
  return out;
}

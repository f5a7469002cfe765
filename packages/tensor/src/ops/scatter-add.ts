import { record } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import { checkShape, normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { gather } from './gather.js';
import { type TensorLike, asTensor, checkInt, checkSameBackend, wrap } from './op-utils.js';

/**
 * scatterAdd(shape, indices, updates, axis = 0): zeros of `shape`, then for each i,
 * out[..., indices[i], ...] += updates[..., i, ...] along `axis` (repeated indices add up).
 * `indices` is int32 of rank 1. The gradient of gather, and of an embedding table.
 * Gradient w.r.t. updates: gather(dy, indices, axis).
 * @example
 * ```ts
 * scatterAdd([3], tensor([0, 2, 0], undefined, { dtype: 'int32' }), tensor([1, 2, 3])).toArray(); // [4, 0, 2]
 * ```
 */
export function scatterAdd(shape: readonly number[], indices: Tensor, updates: TensorLike, axis = 0): Tensor {
  checkShape('scatterAdd', 'shape', shape);
  const idx = asTensor('scatterAdd', 'indices', indices);
  checkInt('scatterAdd', 'indices', idx);
  const upd = asTensor('scatterAdd', 'updates', updates);
  const backend = checkSameBackend('scatterAdd', { indices: idx, updates: upd });
  const ax = normalizeAxis('scatterAdd', axis, shape.length);
  if (idx.rank !== 1) throw new ShapeError('scatterAdd', `argument 'indices' expected rank 1, got shape ${fmtShape(idx.shape)}`);
  const expected = [...shape.slice(0, ax), idx.size, ...shape.slice(ax + 1)];
  if (!shapesEqual(upd.shape, expected)) {
    throw new ShapeError(
      'scatterAdd',
      `argument 'updates' expected shape ${fmtShape(expected)} (shape with axis ${ax} replaced by the ${idx.size} indices), got ${fmtShape(upd.shape)}`,
    );
  }
  const out = wrap(
    backend.scatterAdd({ outShape: shape, indices: idx.handle, indexCount: idx.size, updates: upd.handle, axis: ax, dtype: upd.dtype }),
    shape,
    upd.dtype,
    backend,
  );
  record('scatterAdd', [upd], out, (dy) => [gather(dy, idx, ax)], [idx]);
  return out;
}

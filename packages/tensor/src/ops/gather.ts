import { record } from '../engine.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, checkInt, checkSameBackend, wrap } from './op-utils.js';
import { reshape } from './reshape.js';
import { scatterAdd } from './scatter-add.js';

/**
 * gather(x, indices, axis = 0): picks entries of x along `axis` by int32 `indices` (any
 * shape); out shape = x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]. An embedding
 * lookup is gather(table, ids). Gradient: scatterAdd of dy into zeros of x's shape.
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), tensor([2, 0], undefined, { dtype: 'int32' })).toArray(); // [[5, 6], [1, 2]]
 * ```
 */
export function gather(x: TensorLike, indices: Tensor, axis = 0): Tensor {
  const t = asTensor('gather', 'x', x);
  const idx = asTensor('gather', 'indices', indices);
  checkInt('gather', 'indices', idx);
  const backend = checkSameBackend('gather', { x: t, indices: idx });
  const ax = normalizeAxis('gather', axis, t.rank);
  const shape = [...t.shape.slice(0, ax), ...idx.shape, ...t.shape.slice(ax + 1)];
  const out = wrap(
    backend.gather({ x: t.handle, shape: t.shape, indices: idx.handle, indexCount: idx.size, axis: ax, dtype: t.dtype }),
    shape,
    t.dtype,
    backend,
  );
  record(
    'gather',
    [t],
    out,
    (dy) => {
      const flat = reshape(dy, [...t.shape.slice(0, ax), idx.size, ...t.shape.slice(ax + 1)]);
      return [scatterAdd(t.shape, reshape(idx, [idx.size]), flat, ax)];
    },
    [idx],
  );
  return out;
}

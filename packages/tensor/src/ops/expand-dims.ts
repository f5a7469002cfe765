import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor } from './op-utils.js';
import { reshape } from './reshape.js';

/**
 * expandDims(x, axis = 0): inserts a dimension of size 1 at `axis` (−1: at the end).
 * @example
 * ```ts
 * expandDims(tensor([1, 2]), 1).shape; // [2, 1]
 * ```
 */
export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = asTensor('expandDims', 'x', x);
  const ax = normalizeAxis('expandDims', axis, t.rank + 1);
  const shape = [...t.shape];
  shape.splice(ax, 0, 1);
  return reshape(t, shape);
}

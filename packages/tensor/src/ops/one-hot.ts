import { ValueError } from '../errors.js';
import { arange } from '../creation.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { equal } from './equal.js';
import { expandDims } from './expand-dims.js';
import { asTensor, checkAllocation, checkIndices, checkInt } from './op-utils.js';

/**
 * oneHot(indices, depth, dtype = 'float32'): a new last axis of length `depth` with 1 at
 * each index and 0 elsewhere. An index outside [0, depth) is a ValueError naming it (it
 * would otherwise give a silent all-zero row).
 * @example
 * ```ts
 * oneHot(tensor([0, 2], undefined, { dtype: 'int32' }), 3).toArray(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indices: Tensor, depth: number, dtype: DType = 'float32'): Tensor {
  const idx = asTensor('oneHot', 'indices', indices);
  checkInt('oneHot', 'indices', idx);
  if (!Number.isSafeInteger(depth) || depth < 0)
    throw new ValueError('oneHot', `argument 'depth' expected a non-negative integer, got ${depth}`);
  checkAllocation('oneHot', 'depth', [...idx.shape, depth], dtype, idx.backend);
  checkIndices('oneHot', 'indices', idx, depth);
  const classes = arange(0, depth, 1, { dtype: 'int32', backend: idx.backend });
  return cast(equal(expandDims(idx, -1), classes), dtype);
}

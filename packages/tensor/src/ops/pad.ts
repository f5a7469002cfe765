import { record } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, checkAllocation, wrap } from './op-utils.js';
import { slice } from './slice.js';

/**
 * pad(x, paddings, value = 0): adds `paddings[i] = [before, after]` entries of `value` on
 * each side of axis i. Gradient: the interior slice of dy.
 * @example
 * ```ts
 * pad(tensor([1, 2]), [[1, 2]]).toArray(); // [0, 1, 2, 0, 0]
 * ```
 */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const t = asTensor('pad', 'x', x);
  if (paddings.length !== t.rank || paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isSafeInteger(v) || v < 0))) {
    throw new ShapeError(
      'pad',
      `argument 'paddings' expected ${t.rank} pairs of non-negative integers for 'x' of shape ${fmtShape(t.shape)}, got ${JSON.stringify(paddings)}`,
    );
  }
  if (paddings.every(([a, b]) => a === 0 && b === 0)) return t;
  const shape = t.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  checkAllocation('pad', 'paddings', shape, t.dtype, t.backend);
  const out = wrap(t.backend.pad(t.handle, t.shape, paddings, value, t.dtype), shape, t.dtype, t.backend);
  record('pad', [t], out, (dy) => [
    slice(
      dy,
      paddings.map((p) => p[0]),
      t.shape,
    ),
  ]);
  return out;
}

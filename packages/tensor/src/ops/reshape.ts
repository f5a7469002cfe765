import { record } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, wrap } from './op-utils.js';

/**
 * reshape(x, shape): the same values (row-major order) in a new shape; one entry may be −1
 * and is inferred. No data is copied on CPU backends.
 * @example
 * ```ts
 * reshape(arange(0, 6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor('reshape', 'x', x);
  const target = [...shape];
  const infer = target.indexOf(-1);
  if (target.some((d, i) => !Number.isSafeInteger(d) || d < -1 || (d === -1 && i !== infer))) {
    throw new ShapeError('reshape', `argument 'shape' expected non-negative integers and at most one -1, got ${fmtShape(shape)}`);
  }
  if (infer >= 0) {
    const known = sizeOf(target.filter((_, i) => i !== infer));
    if (known === 0 || t.size % known !== 0)
      throw new ShapeError(
        'reshape',
        `cannot infer the -1 in ${fmtShape(shape)} for a tensor of shape ${fmtShape(t.shape)} (${t.size} elements)`,
      );
    target[infer] = t.size / known;
  }
  if (sizeOf(target) !== t.size) {
    throw new ShapeError(
      'reshape',
      `argument 'shape' ${fmtShape(shape)} holds ${sizeOf(target)} elements but 'x' of shape ${fmtShape(t.shape)} has ${t.size}`,
    );
  }
  const out = wrap(t.backend.view(t.handle, t.dtype), target, t.dtype, t.backend);
  record('reshape', [t], out, (dy) => [reshape(dy, t.shape)]);
  return out;
}

import { record } from '../engine.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, checkSameBackend, checkSameDtype, wrap } from './op-utils.js';
import { slice } from './slice.js';

/**
 * concat(xs, axis = 0): joins tensors along an existing axis; the other dimensions must
 * agree. Gradient: the matching slices of dy.
 * @example
 * ```ts
 * concat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new ValueError('concat', `argument 'xs' expected at least one tensor, got none`);
  const first = asTensor('concat', 'xs[0]', xs[0]);
  const ts = xs.map((x, i) => asTensor('concat', `xs[${i}]`, x, first));
  const ax = normalizeAxis('concat', axis, first.rank);
  const backend = checkSameBackend('concat', Object.fromEntries(ts.map((t, i) => [`xs[${i}]`, t])));
  ts.forEach((t, i) => {
    checkSameDtype('concat', 'xs[0]', first, `xs[${i}]`, t);
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new ShapeError(
        'concat',
        `argument 'xs[${i}]' of shape ${fmtShape(t.shape)} does not match 'xs[0]' ${fmtShape(first.shape)} outside axis ${ax}`,
      );
    }
  });
  if (ts.length === 1) return first;
  const shape = [...first.shape];
  shape[ax] = ts.reduce((s, t) => s + t.shape[ax], 0);
  const out = wrap(
    backend.concat(
      ts.map((t) => t.handle),
      ts.map((t) => t.shape),
      ax,
      first.dtype,
    ),
    shape,
    first.dtype,
    backend,
  );
  record('concat', ts, out, (dy) => {
    let offset = 0;
    return ts.map((t) => {
      const begin = t.shape.map((_, j) => (j === ax ? offset : 0));
      offset += t.shape[ax];
      return slice(dy, begin, t.shape);
    });
  });
  return out;
}

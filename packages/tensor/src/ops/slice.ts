import { record } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, wrap } from './op-utils.js';
import { pad } from './pad.js';

/**
 * slice(x, begin, size?): the block starting at `begin` with extent `size` per axis (−1 or
 * omitted: to the end). Missing trailing axes are taken whole. Gradient: dy padded with zeros.
 * @example
 * ```ts
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).toArray(); // [[2, 3], [5, 6]]
 * slice(arange(0, 5), [3]).toArray(); // [3, 4]
 * ```
 */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = asTensor('slice', 'x', x);
  if (begin.length > t.rank || (size && size.length > t.rank)) {
    throw new ShapeError(
      'slice',
      `arguments 'begin' [${begin.join(', ')}] and 'size' have more entries than 'x' has axes (shape ${fmtShape(t.shape)})`,
    );
  }
  const b = t.shape.map((_, i) => begin[i] ?? 0);
  const s = t.shape.map((d, i) => (size?.[i] === undefined || size[i] === -1 ? d - b[i] : size[i]));
  for (let i = 0; i < t.rank; i++) {
    if (!Number.isInteger(b[i]) || !Number.isInteger(s[i]) || b[i] < 0 || s[i] < 0 || b[i] + s[i] > t.shape[i]) {
      throw new ShapeError('slice', `axis ${i}: begin ${b[i]} with size ${s[i]} is out of bounds for 'x' of shape ${fmtShape(t.shape)}`);
    }
  }
  if (s.every((d, i) => d === t.shape[i])) return t;
  const out = wrap(t.backend.slice(t.handle, t.shape, b, s, t.dtype), s, t.dtype, t.backend);
  record('slice', [t], out, (dy) => [
    pad(
      dy,
      t.shape.map((d, i) => [b[i], d - b[i] - s[i]] as [number, number]),
    ),
  ]);
  return out;
}

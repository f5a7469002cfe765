import { zeros } from '../creation.js';
import { recordMulti } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { concat } from './concat.js';
import { type TensorLike, asTensor, wrap } from './op-utils.js';

/**
 * split(x, sizes, axis = 0): cuts x along `axis` into `sizes` equal parts (a number) or
 * parts of the listed sizes. One op with several outputs: its gradient concatenates the
 * parts' gradients (zeros for parts that got none) in one pass, so unrolling a sequence with
 * split costs O(length), not O(length²).
 * @example
 * ```ts
 * split(arange(0, 6), 3).map((t) => t.toArray()); // [[0, 1], [2, 3], [4, 5]]
 * split(arange(0, 5), [2, 3])[1].toArray(); // [2, 3, 4]
 * ```
 */
export function split(x: TensorLike, sizes: number | readonly number[], axis = 0): Tensor[] {
  const t = asTensor('split', 'x', x);
  const ax = normalizeAxis('split', axis, t.rank);
  const dim = t.shape[ax];
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0 || dim % sizes !== 0) {
      throw new ShapeError('split', `axis ${ax} of 'x' ${fmtShape(t.shape)} (size ${dim}) cannot be split into ${sizes} equal parts`);
    }
    parts = new Array<number>(sizes).fill(dim / sizes);
  } else {
    parts = [...sizes];
    if (parts.reduce((a, b) => a + b, 0) !== dim || parts.some((p) => !Number.isInteger(p) || p < 0)) {
      throw new ShapeError(
        'split',
        `argument 'sizes' [${parts.join(', ')}] must be non-negative and add up to ${dim} (axis ${ax} of ${fmtShape(t.shape)})`,
      );
    }
  }
  let offset = 0;
  const shapes = parts.map((p) => t.shape.map((d, i) => (i === ax ? p : d)));
  const outputs = shapes.map((size) => {
    const begin = t.shape.map((_, i) => (i === ax ? offset : 0));
    offset += size[ax];
    return wrap(t.backend.slice(t.handle, t.shape, begin, size, t.dtype), size, t.dtype, t.backend);
  });
  recordMulti('split', [t], outputs, (dys) => [
    concat(
      dys.map((d, i) => d ?? zeros(shapes[i], { dtype: t.dtype, backend: t.backend })),
      ax,
    ),
  ]);
  return outputs;
}

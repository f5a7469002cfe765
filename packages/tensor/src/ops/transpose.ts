import { record } from '../engine.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type TensorLike, asTensor, wrap } from './op-utils.js';

/**
 * transpose(x, perm?): permutes the axes; output axis i is input axis perm[i]. Without
 * `perm` the axes are reversed (a matrix transpose for rank 2). Gradient: the inverse
 * permutation.
 * @example
 * ```ts
 * transpose(tensor([[1, 2, 3], [4, 5, 6]])).toArray(); // [[1, 4], [2, 5], [3, 6]]
 * transpose(zeros([2, 3, 4]), [0, 2, 1]).shape; // [2, 4, 3]
 * ```
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = asTensor('transpose', 'x', x);
  const p = perm ? perm.map((a) => (a < 0 ? a + t.rank : a)) : t.shape.map((_, i) => t.rank - 1 - i);
  const isPerm = p.length === t.rank && p.every((a) => Number.isInteger(a) && a >= 0 && a < t.rank) && new Set(p).size === t.rank;
  if (!isPerm) throw new ValueError('transpose', `argument 'perm' expected a permutation of 0..${t.rank - 1}, got [${perm?.join(', ')}]`);
  if (p.every((a, i) => a === i)) return t;
  const shape = p.map((a) => t.shape[a]);
  const out = wrap(t.backend.transpose(t.handle, t.shape, p, t.dtype), shape, t.dtype, t.backend);
  record('transpose', [t], out, (dy) => {
    const inverse = new Array<number>(p.length);
    p.forEach((a, i) => (inverse[a] = i));
    return [transpose(dy, inverse)];
  });
  return out;
}

/**
 * permute(x, perm): the same as `transpose(x, perm)` (PyTorch's name).
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: TensorLike, perm: readonly number[]): Tensor {
  return transpose(x, perm);
}

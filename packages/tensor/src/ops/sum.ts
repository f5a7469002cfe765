import { record } from '../engine.js';
import { normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { type TensorLike, asTensor, wrap } from './op-utils.js';
import { reshape } from './reshape.js';

/** Options of the reductions. */
export interface ReduceOptions {
  /** Keep reduced axes as size 1 (default false). */
  keepDims?: boolean;
}

/** @internal The shape a reduction produces, with or without kept dims. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * sum(x, axis?, {keepDims}): the sum over `axis` (a number, a list, or all axes when
 * omitted). The gradient broadcasts dy back over the summed axes.
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]])).item(); // 10
 * sum(tensor([[1, 2], [3, 4]]), 0).toArray(); // [4, 6]
 * sum(tensor([[1, 2], [3, 4]]), 1, { keepDims: true }).shape; // [2, 1]
 * ```
 */
export function sum(x: TensorLike, axis?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const t = asTensor('sum', 'x', x);
  const axes = normalizeAxes('sum', axis, t.rank);
  const shape = reducedShape(t.shape, axes, options.keepDims ?? false);
  const out = wrap(t.backend.reduce('sum', t.handle, t.shape, axes, t.dtype), shape, t.dtype, t.backend);
  record('sum', [t], out, (dy) => [broadcastTo(reshape(dy, reducedShape(t.shape, axes, true)), t.shape)]);
  return out;
}

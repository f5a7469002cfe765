import { inputNeedsGrad, record } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { type TensorLike, asPair, checkFloat, checkSameBackend, checkSameDtype, wrap } from './op-utils.js';
import { reshape } from './reshape.js';
import { sumToShape } from './sum-to-shape.js';

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Use aᵀ (the last two axes swapped) instead of a. */
  transposeA?: boolean;
  /** Use bᵀ instead of b. */
  transposeB?: boolean;
}

/**
 * matmul(a, b, {transposeA, transposeB}): the matrix product op(a)·op(b) over the last two
 * axes, row-major; leading (batch) axes broadcast like numpy. a [..., m, k] · b [..., k, n]
 * → [..., m, n]. A batch of matrices times one matrix runs as a single large product.
 * Gradients: dA = dC·Bᵀ, dB = Aᵀ·dC (with the transposes worked through).
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).toArray(); // [[17], [39]]
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 4]]), { transposeA: true }).toArray(); // [[10, 14], [14, 20]]
 * ```
 */
export function matmul(a: TensorLike, b: TensorLike, options: MatmulOptions = {}): Tensor {
  const [x, y] = asPair('matmul', a, b);
  const backend = checkSameBackend('matmul', { a: x, b: y });
  checkSameDtype('matmul', 'a', x, 'b', y);
  checkFloat('matmul', 'a', x);
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  if (x.rank < 2)
    throw new ShapeError(
      'matmul',
      `argument 'a' expected rank >= 2 ([..., m, k]), got shape ${fmtShape(x.shape)}; use reshape(a, [1, -1]) for a vector`,
    );
  if (y.rank < 2)
    throw new ShapeError(
      'matmul',
      `argument 'b' expected rank >= 2 ([..., k, n]), got shape ${fmtShape(y.shape)}; use reshape(b, [-1, 1]) for a vector`,
    );
  const m = x.shape[x.rank - (ta ? 1 : 2)];
  const k = x.shape[x.rank - (ta ? 2 : 1)];
  const kb = y.shape[y.rank - (tb ? 1 : 2)];
  const n = y.shape[y.rank - (tb ? 2 : 1)];
  if (k !== kb) {
    throw new ShapeError(
      'matmul',
      `argument 'b' expected op(b) of shape [${k}, n] (inner dimensions must agree with op(a) [${m}, ${k}] from 'a' ${fmtShape(x.shape)}${ta ? ', transposed' : ''}), got [${kb}, ${n}] from ${fmtShape(y.shape)}${tb ? ', transposed' : ''}`,
    );
  }
  const aBatchShape = x.shape.slice(0, -2);
  const bBatchShape = y.shape.slice(0, -2);
  // A stack of matrices times one matrix: fold the stack into the rows of a single product.
  if (bBatchShape.length === 0 && aBatchShape.length > 0 && !ta) {
    const flat = matmul(reshape(x, [-1, k]), y, options);
    return reshape(flat, [...aBatchShape, m, n]);
  }
  const batchShape = broadcastShapes('matmul', aBatchShape, bBatchShape, ['a', 'b']);
  const batch = sizeOf(batchShape);
  const fit = (t: Tensor, own: readonly number[]) =>
    sizeOf(own) === 1 || shapesEqual(own, batchShape) ? t : broadcastTo(t, [...batchShape, ...t.shape.slice(-2)]);
  const xa = fit(x, aBatchShape);
  const yb = fit(y, bBatchShape);
  const dims = {
    batch,
    aBatch: sizeOf(xa.shape.slice(0, -2)) === 1 ? 1 : batch,
    bBatch: sizeOf(yb.shape.slice(0, -2)) === 1 ? 1 : batch,
    m,
    n,
    k,
    transposeA: ta,
    transposeB: tb,
  };
  const shape = [...batchShape, m, n];
  const out = wrap(backend.matmul(xa.handle, yb.handle, dims, x.dtype), shape, x.dtype, backend);
  record(
    'matmul',
    [x, y],
    out,
    (dy) => {
      // only the gradients the backward pass uses (not that of a constant input such as a
      // layer's features: for a tall input that is the larger product)
      const needA = inputNeedsGrad(0);
      const needB = inputNeedsGrad(1);
      let da: Tensor | null = null;
      let db: Tensor | null = null;
      if (!ta && !tb) {
        if (needA) da = matmul(dy, y, { transposeB: true });
        if (needB) db = matmul(x, dy, { transposeA: true });
      } else if (ta && !tb) {
        if (needA) da = matmul(y, dy, { transposeB: true });
        if (needB) db = matmul(x, dy);
      } else if (!ta && tb) {
        if (needA) da = matmul(dy, y);
        if (needB) db = matmul(dy, x, { transposeA: true });
      } else {
        if (needA) da = matmul(y, dy, { transposeA: true, transposeB: true });
        if (needB) db = matmul(dy, x, { transposeA: true, transposeB: true });
      }
      return [da && sumToShape(da, x.shape), db && sumToShape(db, y.shape)];
    },
    [xa, yb],
  );
  return out;
}

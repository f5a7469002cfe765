import { inputNeedsGrad, record } from '../engine.js';
import { ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { add } from './add.js';
import { type TensorLike, asPair, asTensor, checkAllocation, checkFloat, checkSameBackend, checkSameDtype, wrap } from './op-utils.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';
import { sumToShape } from './sum-to-shape.js';

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Use aᵀ (the last two axes swapped) instead of a. */
  transposeA?: boolean;
  /** Use bᵀ instead of b. */
  transposeB?: boolean;
  /**
   * Added to every row of the product, one value per column ([n]): a dense layer's x·W + b.
   * On backends with the `gemm` fast path the bias is added inside the product (no separate
   * pass over the output, and no broadcast); elsewhere it is `add(matmul(a, b), bias)`.
   */
  bias?: TensorLike;
}

/**
 * matmul(a, b, {transposeA, transposeB}): the matrix product op(a)·op(b) over the last two
 * axes, row-major; leading (batch) axes broadcast like numpy. a [..., m, k] · b [..., k, n]
 * → [..., m, n]. A batch of matrices times one matrix runs as a single large product.
 * Gradients: dA = dC·Bᵀ, dB = Aᵀ·dC (with the transposes worked through), and for a bias
 * the sum of dC over the rows.
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).toArray(); // [[17], [39]]
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]]), { bias: [1] }).toArray(); // [[18], [40]]
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
  if (options.bias !== undefined) return matmulBias(x, y, m, n, k, options);
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
  checkAllocation('matmul', 'b', shape, x.dtype, backend);
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

/** matmul with `bias`: the backend's fused gemm for a 2-D product, else matmul then add. */
function matmulBias(x: Tensor, y: Tensor, m: number, n: number, k: number, options: MatmulOptions): Tensor {
  const bias = asTensor('matmul', 'bias', options.bias as TensorLike, x);
  checkSameBackend('matmul', { a: x, bias });
  checkSameDtype('matmul', 'a', x, 'bias', bias);
  if (bias.rank !== 1 || bias.shape[0] !== n)
    throw new ShapeError('matmul', `argument 'bias' expected shape [${n}] (the product's columns), got ${fmtShape(bias.shape)}`);
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  const backend = x.backend;
  if (y.rank !== 2 || (x.rank > 2 && ta) || !backend.fastPaths.gemm) return add(matmul(x, y, { transposeA: ta, transposeB: tb }), bias);
  if (x.rank > 2) {
    // a stack of rows times one matrix: one fused product over all the rows
    const rows = sizeOf(x.shape.slice(0, -1));
    const flat = matmulBias(reshape(x, [rows, k]), y, rows, n, k, options);
    return reshape(flat, [...x.shape.slice(0, -1), n]);
  }
  const handle = backend.fastPaths.gemm(x.handle, y.handle, bias.handle, { m, n, k, transposeA: ta, transposeB: tb }, 'none', x.dtype);
  const out = wrap(handle, [m, n], x.dtype, backend);
  record('matmul', [x, y, bias], out, (dy) => {
    const needA = inputNeedsGrad(0);
    const needB = inputNeedsGrad(1);
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needA) da = ta ? matmul(y, dy, { transposeA: tb, transposeB: true }) : matmul(dy, y, { transposeB: !tb });
    if (needB) db = tb ? matmul(dy, x, { transposeA: true, transposeB: ta }) : matmul(x, dy, { transposeA: !ta });
    return [da, db, inputNeedsGrad(2) ? sum(dy, [0]) : null];
  });
  return out;
}

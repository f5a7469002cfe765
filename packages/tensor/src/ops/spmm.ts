import { ShapeError, fmtShape } from '../errors.js';
import type { CsrMatrix } from '../sparse.js';
import type { Tensor } from '../tensor.js';
import { expandDims } from './expand-dims.js';
import { gather } from './gather.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat, customOp, wrap } from './op-utils.js';
import { scatterAdd } from './scatter-add.js';

/**
 * spmm(a, x): the product of a sparse CSR matrix a [rows, cols] and a dense x [cols, n],
 * giving [rows, n]: graph propagation Â·H. Differentiable in x (dx = aᵀ·dy); a is constant.
 * @example
 * ```ts
 * const a = CsrMatrix.fromCoo(2, 2, [0, 1], [1, 0], [2, 3]);
 * spmm(a, tensor([[1, 1], [10, 10]])).toArray(); // [[20, 20], [3, 3]]
 * ```
 */
export function spmm(a: CsrMatrix, x: TensorLike): Tensor {
  const t = asTensor('spmm', 'x', x);
  checkFloat('spmm', 'x', t);
  if (t.rank !== 2 || t.shape[0] !== a.cols) {
    throw new ShapeError(
      'spmm',
      `argument 'x' expected shape [${a.cols}, n] to match the sparse matrix [${a.rows}, ${a.cols}], got ${fmtShape(t.shape)}`,
    );
  }
  const n = t.shape[1];
  const forward = () => {
    const backend = t.backend;
    const csr = a.tensorsOn(backend, t.dtype as 'float32' | 'float64');
    if (backend.fastPaths.spmm) {
      return wrap(
        backend.fastPaths.spmm({
          rowPtr: csr.rowPtr.handle,
          colIdx: csr.colIdx.handle,
          values: csr.values.handle,
          rows: a.rows,
          cols: a.cols,
          dense: t.handle,
          n,
          dtype: t.dtype,
        }),
        [a.rows, n],
        t.dtype,
        backend,
      );
    }
    return scatterAdd([a.rows, n], csr.rowIdx!, mul(gather(t, csr.colIdx, 0), expandDims(csr.values, 1)), 0);
  };
  return customOp('spmm', [t], forward, (dy) => [spmm(a.transpose(), dy)]);
}

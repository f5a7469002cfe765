import type { FusedActivation } from '../backend/v1.js';
import { inputNeedsGrad, isRecording, record, tidy, withoutTapes } from '../engine.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { add } from './add.js';
import { mul } from './mul.js';
import {
  type TensorLike,
  activationGrad,
  asPair,
  asTensor,
  checkAllocation,
  checkFloat,
  checkSameBackend,
  checkSameDtype,
  unaryPrimitive,
  wrap,
} from './op-utils.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import { sigmoid } from './sigmoid.js';
import { square } from './square.js';
import { sub } from './sub.js';
import { sum } from './sum.js';
import { sumToShape } from './sum-to-shape.js';
import { tanh } from './tanh.js';

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
  /**
   * Applied to the product (after the bias): 'relu', 'sigmoid', 'tanh' or 'none' (default), a
   * dense layer's act(x·W + b). With the `gemm` fast path it runs in the product's pass over
   * the output, and the backward pass takes the activation's gradient from the saved output
   * and the bias gradient in one pass over dy (`biasActivationBackward`) before the two
   * gradient products. Elsewhere: the activation op applied to the product.
   */
  activation?: FusedActivation;
}

const ACTIVATIONS: readonly string[] = ['none', 'relu', 'sigmoid', 'tanh'];

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
 * matmul(tensor([[1, -2]]), tensor([[1, 0], [1, 1]]), { activation: 'relu' }).toArray(); // [[0, 0]]
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
  const activation = options.activation ?? 'none';
  if (!ACTIVATIONS.includes(activation))
    throw new ValueError('matmul', `option 'activation' expected 'none', 'relu', 'sigmoid' or 'tanh', got '${String(activation)}'`);
  if (options.bias !== undefined || activation !== 'none') return matmulBias(x, y, m, n, k, options);
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

/** matmul with `bias` and/or `activation`: the backend's fused gemm for a 2-D product, else the ops. */
function matmulBias(x: Tensor, y: Tensor, m: number, n: number, k: number, options: MatmulOptions): Tensor {
  const bias = options.bias === undefined ? null : asTensor('matmul', 'bias', options.bias, x);
  if (bias !== null) {
    checkSameBackend('matmul', { a: x, bias });
    checkSameDtype('matmul', 'a', x, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== n)
      throw new ShapeError('matmul', `argument 'bias' expected shape [${n}] (the product's columns), got ${fmtShape(bias.shape)}`);
  }
  const activation = options.activation ?? 'none';
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  const backend = x.backend;
  const gemm = backend.fastPaths.gemm;
  const unfused = () =>
    activate(
      bias === null ? matmul(x, y, { transposeA: ta, transposeB: tb }) : add(matmul(x, y, { transposeA: ta, transposeB: tb }), bias),
      activation,
    );
  if (y.rank !== 2 || (x.rank > 2 && ta) || (gemm === undefined && activation === 'none')) return unfused();
  if (x.rank > 2) {
    // a stack of rows times one matrix: one fused product over all the rows
    const rows = sizeOf(x.shape.slice(0, -1));
    const flat = matmulBias(reshape(x, [rows, k]), y, rows, n, k, options);
    return reshape(flat, [...x.shape.slice(0, -1), n]);
  }
  checkAllocation('matmul', 'b', [m, n], x.dtype, backend);
  const out =
    gemm === undefined
      ? tidy(() => withoutTapes(unfused))
      : wrap(
          gemm(x.handle, y.handle, bias?.handle ?? null, { m, n, k, transposeA: ta, transposeB: tb }, activation, x.dtype),
          [m, n],
          x.dtype,
          backend,
        );
  record('matmul', bias === null ? [x, y] : [x, y, bias], out, (dy) => {
    const needA = inputNeedsGrad(0);
    const needB = inputNeedsGrad(1);
    const needBias = bias !== null && inputNeedsGrad(2);
    const { dz, dbias } =
      activation === 'none' ? { dz: dy, dbias: needBias ? sum(dy, [0]) : null } : epilogueGrad(activation, dy, out, needBias);
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needA) da = ta ? matmul(y, dz, { transposeA: tb, transposeB: true }) : matmul(dz, y, { transposeB: !tb });
    if (needB) db = tb ? matmul(dz, x, { transposeA: true, transposeB: ta }) : matmul(x, dz, { transposeA: !ta });
    return bias === null ? [da, db] : [da, db, dbias];
  });
  return out;
}

/** The activation op of a fused product (the unfused forward). */
function activate(t: Tensor, activation: FusedActivation): Tensor {
  if (activation === 'relu') return relu(t);
  if (activation === 'sigmoid') return sigmoid(t);
  return activation === 'tanh' ? tanh(t) : t;
}

/**
 * dz = dy·act'(y) from the output y [m, n] and, when `needBias`, the bias gradient (dz summed
 * over the rows): the backend's `biasActivationBackward` in one pass over dy, or the
 * activation's gradient and a sum (also while a tape records: a gradient of this gradient needs
 * the ops on it).
 */
function epilogueGrad(
  activation: 'relu' | 'sigmoid' | 'tanh',
  dy: Tensor,
  y: Tensor,
  needBias: boolean,
): { dz: Tensor; dbias: Tensor | null } {
  const fast = y.backend.fastPaths.biasActivationBackward;
  if (fast !== undefined && !isRecording() && dy.backend === y.backend && dy.dtype === y.dtype && shapesEqual(dy.shape, y.shape)) {
    const [m, n] = y.shape;
    const r = fast(activation, dy.handle, y.handle, m, n, needBias, y.dtype);
    return { dz: wrap(r.dz, y.shape, y.dtype, y.backend), dbias: r.dbias === null ? null : wrap(r.dbias, [n], y.dtype, y.backend) };
  }
  const composite = () =>
    activation === 'relu'
      ? mul(dy, unaryPrimitive('step', y))
      : activation === 'sigmoid'
        ? mul(dy, mul(y, sub(1, y)))
        : mul(dy, sub(1, square(y)));
  const dz = activationGrad(activation, dy, y, composite);
  return { dz, dbias: needBias ? sum(dz, [0]) : null };
}

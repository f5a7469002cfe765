import {
  DTypeError,
  type Tensor,
  type TensorLike,
  ShapeError,
  add,
  concat,
  fmtShape,
  full,
  gather,
  isTensor,
  logSumExp,
  reshape,
  tensor,
} from '@lec/tensor';

function asT(x: TensorLike, op: string, arg: string): Tensor {
  const t = isTensor(x) ? x : typeof x === 'number' ? tensor([x]) : tensor(x as number[]);
  if (t.dtype === 'int32') throw new DTypeError(op, `argument '${arg}' expected log-probabilities as float32 or float64, got int32`);
  return t;
}

const fmtShapeOf = (t: Tensor) => fmtShape(t.shape);

/** Options of logConvolve. */
export interface LogConvolveOptions {
  /**
   * 'valid' (default): only positions where Y fits inside X, the formula as written.
   * 'full': X is padded with −∞ (log 0) so every overlap counts: the log of a full
   * convolution, what sums of random variables need (with Y reversed, see logConvolvePmf).
   */
  mode?: 'valid' | 'full';
}

/**
 * logConvolve(X, Y): convolution in log space. For 2-D X [h, w] and Y [kh, kw]:
 * Z(i, j) = log Σ_m Σ_n exp(X(i + m, j + n) + Y(m, n)); for 1-D, Z(i) = log Σ_m exp(X(i + m) + Y(m)).
 * Computed stably (each window is max-shifted by logSumExp), so it stays finite where exp
 * underflows (inputs near −1000). Differentiable in X and Y: it is built from gather and
 * logSumExp, whose gradients are softmax weights; the gradient is finite everywhere, 0 for
 * −∞ (log 0) entries and for every entry of a window with no mass (an output of −∞).
 * @example
 * ```ts
 * const z = logConvolve(tensor([-1000, -1000, -1000]), tensor([0, 0]));
 * z.toArray(); // [-999.3068528, -999.3068528]
 * ```
 */
export function logConvolve(x: TensorLike, y: TensorLike, options: LogConvolveOptions = {}): Tensor {
  let X = asT(x, 'logConvolve', 'x');
  const Y = asT(y, 'logConvolve', 'y');
  if (X.rank !== Y.rank || (X.rank !== 1 && X.rank !== 2)) {
    throw new ShapeError('logConvolve', `arguments 'x' and 'y' must both be 1-D or both 2-D, got ${fmtShapeOf(X)} and ${fmtShapeOf(Y)}`);
  }
  const h = X.rank === 2 ? X.shape[0] : 1;
  const kh = Y.rank === 2 ? Y.shape[0] : 1;
  const kw = Y.shape[Y.rank - 1];
  if (options.mode === 'full') {
    // pad with log 0 = −∞ on every side by the filter size − 1
    const w0 = X.shape[X.rank - 1];
    const padCols = (t: Tensor, rows: number) =>
      concat(
        [
          full([rows, kw - 1], -Infinity, { dtype: t.dtype, backend: t.backend }),
          t,
          full([rows, kw - 1], -Infinity, { dtype: t.dtype, backend: t.backend }),
        ],
        1,
      );
    let X2 = padCols(reshape(X, [h, w0]), h);
    const wp = w0 + 2 * (kw - 1);
    if (X.rank === 2) {
      const band = full([kh - 1, wp], -Infinity, { dtype: X.dtype, backend: X.backend });
      X2 = concat([band, X2, band], 0);
    }
    X = X.rank === 2 ? X2 : reshape(X2, [wp]);
  }
  const H = X.rank === 2 ? X.shape[0] : 1;
  const W = X.shape[X.rank - 1];
  const outH = H - kh + 1;
  const outW = W - kw + 1;
  if (outH <= 0 || outW <= 0) {
    throw new ShapeError('logConvolve', `argument 'y' ${fmtShapeOf(Y)} is larger than 'x' ${fmtShapeOf(X)} (use mode 'full')`);
  }
  const idx = new Int32Array(outH * outW * kh * kw);
  let p = 0;
  for (let i = 0; i < outH; i++)
    for (let j = 0; j < outW; j++) for (let m = 0; m < kh; m++) for (let n = 0; n < kw; n++) idx[p++] = (i + m) * W + j + n;
  const windows = gather(reshape(X, [H * W]), tensor(idx, [outH * outW, kh * kw], { backend: X.backend }));
  const z = logSumExp(add(windows, reshape(Y, [kh * kw])), 1);
  return reshape(z, X.rank === 2 ? [outH, outW] : [outW]);
}

/**
 * logConvolvePmf(logP, logQ): the log-PMF of X + Y from the log-PMFs of independent X and Y
 * (1-D, on 0, 1, 2, ...): log (p ∗ q), computed without leaving log space.
 * @example
 * ```ts
 * const logDie = tensor(new Array(6).fill(Math.log(1 / 6)));
 * Math.exp(logConvolvePmf(logDie, logDie).dataSync()[5]); // 0.1666667
 * ```
 */
export function logConvolvePmf(logP: TensorLike, logQ: TensorLike): Tensor {
  const q = asT(logQ, 'logConvolvePmf', 'logQ');
  if (q.rank !== 1) throw new ShapeError('logConvolvePmf', `argument 'logQ' expected rank 1, got ${fmtShapeOf(q)}`);
  const reversed = gather(
    q,
    tensor(
      Int32Array.from({ length: q.size }, (_, i) => q.size - 1 - i),
      undefined,
      { backend: q.backend },
    ),
  );
  return logConvolve(logP, reversed, { mode: 'full' });
}

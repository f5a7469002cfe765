/**
 * Loss functions: (prediction, target) → a scalar tensor (or per-sample with
 * `reduction: 'none'`). All are written with tensor ops (so they run on any backend and get
 * their gradients from autograd) and are numerically stable for any finite input.
 */
import {
  DTypeError,
  ShapeError,
  ValueError,
  type Tensor,
  abs,
  cast,
  clip,
  exp,
  log,
  logSoftmax,
  mean,
  mseLoss,
  mul,
  neg,
  oneHot,
  softmaxCrossEntropy,
  softplus,
  square,
  sub,
  sum,
  add,
} from '@lec/tensor';

/** How per-element losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes. */
export interface LossOptions {
  reduction?: Reduction;
}

/** A loss: `(prediction, target) → scalar`, what `fit` and `trainStep` take. */
export type Loss = (prediction: Tensor, target: Tensor) => Tensor;

function reduce(x: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (reduction === 'none') return x;
  return reduction === 'sum' ? sum(x) : mean(x);
}

function sameShape(op: string, prediction: Tensor, target: Tensor): void {
  if (prediction.shape.length !== target.shape.length || prediction.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      op,
      `arguments 'prediction' [${prediction.shape.join(', ')}] and 'target' [${target.shape.join(', ')}] must have the same shape`,
    );
  }
}

function asFloatTarget(op: string, prediction: Tensor, target: Tensor): Tensor {
  if (target.dtype === prediction.dtype) return target;
  if (target.dtype === 'int32' || prediction.dtype === 'int32') return cast(target, prediction.dtype);
  throw new DTypeError(op, `arguments 'prediction' (${prediction.dtype}) and 'target' (${target.dtype}) must have the same dtype`);
}

/**
 * Mean squared error: mean((prediction − target)²).
 * @example
 * ```ts
 * meanSquaredError(tensor([1, 2]), tensor([1, 4])).item(); // 2
 * ```
 */
export function meanSquaredError(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  sameShape('meanSquaredError', prediction, target);
  const t = asFloatTarget('meanSquaredError', prediction, target);
  // the mean in one fused pass with its gradient (the backend's meanSquaredError fast path)
  if ((options.reduction ?? 'mean') === 'mean' && prediction.dtype !== 'int32') return mseLoss(prediction, t);
  return reduce(square(sub(prediction, t)), options.reduction);
}

/**
 * Mean absolute error: mean(|prediction − target|) (subgradient 0 at equality).
 * @example
 * ```ts
 * meanAbsoluteError(tensor([1, 2]), tensor([1, 4])).item(); // 1
 * ```
 */
export function meanAbsoluteError(prediction: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  sameShape('meanAbsoluteError', prediction, target);
  return reduce(abs(sub(prediction, asFloatTarget('meanAbsoluteError', prediction, target))), options.reduction);
}

/**
 * Binary cross-entropy on probabilities p ∈ [0, 1]: −[y·log p + (1 − y)·log(1 − p)], with p
 * clipped to [eps, 1 − eps] (eps 1e-7) so the log stays finite. Prefer the logits version.
 * @example
 * ```ts
 * binaryCrossEntropy(tensor([0.5]), tensor([1])).item(); // 0.6931472
 * ```
 */
export function binaryCrossEntropy(probabilities: Tensor, target: Tensor, options: LossOptions & { eps?: number } = {}): Tensor {
  sameShape('binaryCrossEntropy', probabilities, target);
  const y = asFloatTarget('binaryCrossEntropy', probabilities, target);
  const eps = options.eps ?? 1e-7;
  const p = clip(probabilities, eps, 1 - eps);
  return reduce(neg(add(mul(y, log(p)), mul(sub(1, y), log(sub(1, p))))), options.reduction);
}

/**
 * Binary cross-entropy on logits z (p = σ(z)), stable for any z:
 * softplus(z) − y·z = max(z, 0) − y·z + log(1 + e^−|z|).
 * @example
 * ```ts
 * binaryCrossEntropyWithLogits(tensor([0]), tensor([1])).item(); // 0.6931472
 * binaryCrossEntropyWithLogits(tensor([1000]), tensor([1])).item(); // 0
 * ```
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  sameShape('binaryCrossEntropyWithLogits', logits, target);
  const y = asFloatTarget('binaryCrossEntropyWithLogits', logits, target);
  return reduce(sub(softplus(logits), mul(y, logits)), options.reduction);
}

/** int32 class ids must lie in [0, classes): an id outside would train on an all-zero target row. */
function checkLabels(op: string, arg: string, target: Tensor, classes: number): void {
  if (target.dtype !== 'int32') return;
  const v = target.dataSync();
  for (let i = 0; i < v.length; i++)
    if (!(v[i] >= 0 && v[i] < classes))
      throw new ValueError(op, `argument '${arg}' expected class ids in [0, ${classes}), got ${v[i]} at index ${i}`);
}

/**
 * Softmax cross-entropy from logits [n, c] and either int32 class ids [n] (each in [0, c),
 * else a ValueError naming the first bad one) or target
 * distributions [n, c] (one-hot or soft): −Σ_c y_c·log softmax(z)_c per sample, averaged.
 * Uses tensor's fused, stable `softmaxCrossEntropy` op for the mean.
 * @example
 * ```ts
 * softmaxCrossEntropyWithLogits(tensor([[0, 0]]), tensor([1], undefined, { dtype: 'int32' })).item(); // 0.6931472
 * ```
 */
export function softmaxCrossEntropyWithLogits(logits: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  if (logits.rank === 2) checkLabels('softmaxCrossEntropyWithLogits', 'target', target, logits.shape[1]);
  if (reduction === 'mean') return softmaxCrossEntropy(logits, target);
  if (reduction === 'sum') return mul(softmaxCrossEntropy(logits, target), logits.shape[0] ?? 1);
  if (logits.rank !== 2)
    throw new ShapeError(
      'softmaxCrossEntropyWithLogits',
      `argument 'logits' expected rank 2 ([batch, classes]), got [${logits.shape.join(', ')}]`,
    );
  const y = target.dtype === 'int32' ? oneHot(target, logits.shape[1], logits.dtype) : target;
  sameShape('softmaxCrossEntropyWithLogits', logits, y);
  return neg(sum(mul(y, logSoftmax(logits)), 1));
}

/**
 * Negative log-likelihood from log-probabilities [n, c] (e.g. a LogSoftmax output) and int32
 * class ids [n] (each in [0, c), else a ValueError) or one-hot [n, c]: −mean_i logp[i, y_i].
 * @example
 * ```ts
 * negativeLogLikelihood(tensor([[Math.log(0.5), Math.log(0.5)]]), tensor([0], undefined, { dtype: 'int32' })).item(); // 0.6931472
 * ```
 */
export function negativeLogLikelihood(logProbabilities: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  if (logProbabilities.rank !== 2)
    throw new ShapeError(
      'negativeLogLikelihood',
      `argument 'logProbabilities' expected rank 2 ([batch, classes]), got [${logProbabilities.shape.join(', ')}]`,
    );
  const [n, c] = logProbabilities.shape;
  let y = target;
  if (target.dtype === 'int32') {
    if (target.rank !== 1 || target.shape[0] !== n)
      throw new ShapeError(
        'negativeLogLikelihood',
        `argument 'target' (int32 classes) expected shape [${n}], got [${target.shape.join(', ')}]`,
      );
    checkLabels('negativeLogLikelihood', 'target', target, c);
    y = oneHot(target, c, logProbabilities.dtype);
  } else {
    sameShape('negativeLogLikelihood', logProbabilities, target);
  }
  return reduce(neg(sum(mul(y, logProbabilities), 1)), options.reduction);
}

/**
 * KL divergence KL(N(mu, exp(logvar)) ‖ N(0, I)) of a diagonal Gaussian (the VAE term):
 * −½ Σ_j (1 + logvar_j − mu_j² − exp(logvar_j)), summed over the last (latent) axis, then
 * averaged over the batch (`mean`, default), summed, or returned per sample (`none`).
 * Parameterising by logvar keeps the variance positive and the log finite.
 * @example
 * ```ts
 * gaussianKlDivergence(tensor([[0, 0]]), tensor([[0, 0]])).item(); // 0
 * ```
 */
export function gaussianKlDivergence(mu: Tensor, logvar: Tensor, options: LossOptions = {}): Tensor {
  sameShape('gaussianKlDivergence', mu, logvar);
  const perDim = sub(add(square(mu), exp(logvar)), add(logvar, 1));
  const perSample = mul(sum(perDim, mu.rank > 0 ? mu.rank - 1 : undefined), 0.5);
  return reduce(perSample, options.reduction);
}

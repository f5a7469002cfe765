import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { logSoftmax } from './log-softmax.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { oneHot } from './one-hot.js';
import { type TensorLike, asTensor, checkFloat, checkSameBackend, checkIndices, customOp, wrap } from './op-utils.js';
import { softmax } from './softmax.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

/**
 * softmaxCrossEntropy(logits, labels): the mean over the batch of −Σ_c p_c·log softmax(z)_c,
 * from logits [n, c] and either int32 class labels [n] (each in [0, c), else a ValueError
 * naming the bad label) or target distributions [n, c]
 * (one-hot or soft). Stable for any logits. Gradient w.r.t. logits: (softmax(z) − p) / n.
 * @example
 * ```ts
 * softmaxCrossEntropy(tensor([[0, 0]]), tensor([1], undefined, { dtype: 'int32' })).item(); // 0.6931472
 * ```
 */
export function softmaxCrossEntropy(logits: TensorLike, labels: Tensor): Tensor {
  const z = asTensor('softmaxCrossEntropy', 'logits', logits);
  const y = asTensor('softmaxCrossEntropy', 'labels', labels);
  checkFloat('softmaxCrossEntropy', 'logits', z);
  checkSameBackend('softmaxCrossEntropy', { logits: z, labels: y });
  if (z.rank !== 2)
    throw new ShapeError('softmaxCrossEntropy', `argument 'logits' expected rank 2 ([batch, classes]), got shape ${fmtShape(z.shape)}`);
  const [n, c] = z.shape;
  if (y.dtype !== 'int32') {
    if (y.rank !== 2 || y.shape[0] !== n || y.shape[1] !== c)
      throw new ShapeError(
        'softmaxCrossEntropy',
        `argument 'labels' (float targets) expected shape [${n}, ${c}], got ${fmtShape(y.shape)}`,
      );
    return neg(mean(sum(mul(y, logSoftmax(z)), 1)));
  }
  if (y.rank !== 1 || y.shape[0] !== n)
    throw new ShapeError('softmaxCrossEntropy', `argument 'labels' (int32 classes) expected shape [${n}], got ${fmtShape(y.shape)}`);
  checkIndices('softmaxCrossEntropy', 'labels', y, c, 'class ids');
  const backend = z.backend;
  if (backend.fastPaths.softmaxCrossEntropy) {
    const r = backend.fastPaths.softmaxCrossEntropy(z.handle, y.handle, n, c, z.dtype);
    const dlogits = wrap(r.dlogits, [n, c], z.dtype, backend);
    return customOp(
      'softmaxCrossEntropy',
      [z],
      () => wrap(r.loss, [], z.dtype, backend),
      (dy) => [mul(dlogits, dy)],
      [dlogits],
    );
  }
  return customOp(
    'softmaxCrossEntropy',
    [z],
    () => neg(mean(sum(mul(oneHot(y, c, z.dtype), logSoftmax(z)), 1))),
    (dy) => [mul(div(sub(softmax(z), oneHot(y, c, z.dtype)), n), dy)],
  );
}

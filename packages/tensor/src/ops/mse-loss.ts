import { inputNeedsGrad, isRecording } from '../engine.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { type TensorLike, asTensor, checkFloat, checkSameBackend, customOp, wrap } from './op-utils.js';
import { square } from './square.js';
import { sub } from './sub.js';

/**
 * mseLoss(prediction, target): mean((prediction − target)²) over every element, shape [].
 * Gradients: 2(p − t)/size and its negation. With the backend's `meanSquaredError` fast path
 * the loss and its gradient come from one pass over the two tensors (the backward pass only
 * scales the saved gradient by dy); elsewhere it is the ops.
 * @example
 * ```ts
 * mseLoss(tensor([1, 2]), tensor([1, 4])).item(); // 2
 * ```
 */
export function mseLoss(prediction: TensorLike, target: TensorLike): Tensor {
  const p = asTensor('mseLoss', 'prediction', prediction);
  const t = asTensor('mseLoss', 'target', target, p);
  checkFloat('mseLoss', 'prediction', p);
  checkSameBackend('mseLoss', { prediction: p, target: t });
  if (t.dtype !== p.dtype)
    throw new DTypeError('mseLoss', `argument 'target' expected dtype ${p.dtype} (the prediction's), got ${t.dtype}`);
  if (!shapesEqual(p.shape, t.shape))
    throw new ShapeError('mseLoss', `argument 'target' expected the prediction's shape ${fmtShape(p.shape)}, got ${fmtShape(t.shape)}`);
  const backend = p.backend;
  const fast = backend.fastPaths.meanSquaredError;
  if (fast === undefined) return mean(square(sub(p, t)));
  const r = fast(p.handle, t.handle, p.size, p.dtype);
  const dp = wrap(r.dprediction, p.shape, p.dtype, backend);
  return customOp(
    'mseLoss',
    [p, t],
    () => wrap(r.loss, [], p.dtype, backend),
    (dy) => {
      // under a recording tape (a gradient of this gradient) the gradient is built from ops
      const g = isRecording() ? mul(mul(sub(p, t), 2 / p.size), dy) : mul(dp, dy);
      return [g, inputNeedsGrad(1) ? neg(g) : null];
    },
    [dp],
  );
}

import type { SgdStepParams } from '../backend/v1.js';
import { tidy, withoutTapes } from '../engine.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat, checkSameBackend, checkSameDtype, wrap } from './op-utils.js';
import { sub } from './sub.js';

/** Options of `sgdUpdate` (the hyper-parameters of one SGD step). */
export interface SgdUpdateOptions {
  /** The learning rate of this step. */
  learningRate: number;
  /** μ, in [0, 1) (default 0: plain SGD, no state). */
  momentum?: number;
  /** Nesterov momentum (PyTorch's form; default false). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

function checkNumber(name: string, v: unknown, ok: (v: number) => boolean, want: string): void {
  if (typeof v !== 'number' || !ok(v)) throw new ValueError('sgdUpdate', `argument '${name}' expected ${want}, got ${String(v)}`);
}

/**
 * sgdUpdate(w, g, b, {learningRate, momentum, nesterov, weightDecay}): one SGD step for one
 * parameter, returning the new [w, b] (b is null without momentum):
 *   g ← g + λ·w;  b ← μ·b + g (b = g on the first step, b null);  d = nesterov ? g + μ·b : b
 *   (d = g without momentum);  w ← w − lr·d.
 * Backends may fuse it (the `sgdStep` fast path: one pass instead of up to six ops); otherwise
 * it is composed from elementwise ops, with the same roundings. Not differentiable (an
 * optimizer update; nothing is recorded).
 * @example
 * ```ts
 * const [w, b] = sgdUpdate(tensor([1]), tensor([0.5]), null, { learningRate: 0.1, momentum: 0.9 });
 * [w.toArray(), b?.toArray()]; // [[0.95], [0.5]]
 * ```
 */
export function sgdUpdate(w: TensorLike, g: TensorLike, b: TensorLike | null, options: SgdUpdateOptions): [Tensor, Tensor | null] {
  const wt = asTensor('sgdUpdate', 'w', w);
  const gt = asTensor('sgdUpdate', 'g', g, wt);
  const bt = b === null ? null : asTensor('sgdUpdate', 'b', b, wt);
  checkFloat('sgdUpdate', 'w', wt);
  const named: Record<string, Tensor> = { w: wt, g: gt };
  if (bt) named.b = bt;
  const backend = checkSameBackend('sgdUpdate', named);
  for (const [name, t] of Object.entries(named)) {
    checkSameDtype('sgdUpdate', 'w', wt, name, t);
    if (!shapesEqual(t.shape, wt.shape))
      throw new ShapeError(
        'sgdUpdate',
        `argument '${name}' has shape ${fmtShape(t.shape)}, expected ${fmtShape(wt.shape)} (the shape of 'w')`,
      );
  }
  const params: SgdStepParams = {
    learningRate: options.learningRate,
    momentum: options.momentum ?? 0,
    nesterov: options.nesterov ?? false,
    weightDecay: options.weightDecay ?? 0,
  };
  checkNumber('learningRate', params.learningRate, Number.isFinite, 'a finite number');
  checkNumber('momentum', params.momentum, (x) => x >= 0 && x < 1, 'a number in [0, 1)');
  checkNumber('weightDecay', params.weightDecay, (x) => Number.isFinite(x) && x >= 0, 'a finite number >= 0');
  if (typeof params.nesterov !== 'boolean')
    throw new ValueError('sgdUpdate', `argument 'nesterov' expected a boolean, got ${String(params.nesterov)}`);
  if (params.nesterov && params.momentum === 0) throw new ValueError('sgdUpdate', `argument 'nesterov' needs momentum > 0`);
  if (bt !== null && params.momentum === 0) throw new ValueError('sgdUpdate', `argument 'b' (momentum state) given with momentum 0`);
  if (backend.fastPaths.sgdStep) {
    const r = backend.fastPaths.sgdStep(wt.handle, gt.handle, bt?.handle ?? null, wt.size, params, wt.dtype);
    return [wrap(r.w, wt.shape, wt.dtype, backend), r.b === null ? null : wrap(r.b, wt.shape, wt.dtype, backend)];
  }
  const { learningRate: lr, momentum: mu, nesterov, weightDecay } = params;
  return tidy(() =>
    withoutTapes((): [Tensor, Tensor | null] => {
      const grad = weightDecay ? add(gt, mul(wt, weightDecay)) : gt;
      if (mu === 0) return [sub(wt, mul(grad, lr)), null];
      const b1 = bt ? add(mul(bt, mu), grad) : mul(grad, 1); // a copy: the state must not alias the caller's gradient
      const d = nesterov ? add(grad, mul(b1, mu)) : b1;
      return [sub(wt, mul(d, lr)), b1];
    }),
  );
}

import type { AdamStepParams } from '../backend/v1.js';
import { tidy, withoutTapes } from '../engine.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat, checkSameBackend, checkSameDtype, wrap } from './op-utils.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { sub } from './sub.js';

/** Options of `adamUpdate` (the hyper-parameters of one Adam / AdamW step). */
export interface AdamUpdateOptions {
  /** The learning rate of this step. */
  learningRate: number;
  /** 1-based step number (for the bias corrections). */
  step: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** L2 penalty added to the gradient (Adam's weight decay). Default 0. */
  weightDecay?: number;
  /** Decoupled weight decay, w ← w − lr·λ·w (AdamW). Default 0. */
  decoupledDecay?: number;
}

function checkNumber(name: string, v: number, ok: (v: number) => boolean, want: string): void {
  if (typeof v !== 'number' || !ok(v)) throw new ValueError('adamUpdate', `argument '${name}' expected ${want}, got ${v}`);
}

/**
 * adamUpdate(w, g, m, v, {learningRate, step, beta1, beta2, epsilon, weightDecay,
 * decoupledDecay}): one Adam step for one parameter, returning the new [w, m, v]:
 *   g ← g + weightDecay·w;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
 *   w ← w − lr·m̂/(√v̂ + ε) − lr·decoupledDecay·w,  m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t).
 * m and v may be null before the first step (zeros). Backends may fuse it (the `adamStep`
 * fast path: one pass instead of about twelve ops); otherwise it is composed from
 * elementwise ops. Not differentiable (an optimizer update; nothing is recorded).
 * @example
 * ```ts
 * const [w] = adamUpdate(tensor([1]), tensor([0.5]), null, null, { learningRate: 0.1, step: 1 });
 * w.toArray(); // [0.9]
 * ```
 */
export function adamUpdate(
  w: TensorLike,
  g: TensorLike,
  m: TensorLike | null,
  v: TensorLike | null,
  options: AdamUpdateOptions,
): [Tensor, Tensor, Tensor] {
  const wt = asTensor('adamUpdate', 'w', w);
  const gt = asTensor('adamUpdate', 'g', g, wt);
  const mt = m === null ? null : asTensor('adamUpdate', 'm', m, wt);
  const vt = v === null ? null : asTensor('adamUpdate', 'v', v, wt);
  checkFloat('adamUpdate', 'w', wt);
  const named: Record<string, Tensor> = { w: wt, g: gt };
  if (mt) named.m = mt;
  if (vt) named.v = vt;
  const backend = checkSameBackend('adamUpdate', named);
  for (const [name, t] of Object.entries(named)) {
    checkSameDtype('adamUpdate', 'w', wt, name, t);
    if (!shapesEqual(t.shape, wt.shape))
      throw new ShapeError(
        'adamUpdate',
        `argument '${name}' has shape ${fmtShape(t.shape)}, expected ${fmtShape(wt.shape)} (the shape of 'w')`,
      );
  }
  if ((mt === null) !== (vt === null)) throw new ValueError('adamUpdate', `arguments 'm' and 'v' must both be tensors or both null`);
  const lr = options.learningRate;
  const t = options.step;
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const epsilon = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0;
  const decoupled = options.decoupledDecay ?? 0;
  checkNumber('learningRate', lr, Number.isFinite, 'a finite number');
  checkNumber('step', t, (x) => Number.isSafeInteger(x) && x >= 1, 'an integer >= 1');
  checkNumber('beta1', beta1, Number.isFinite, 'a finite number');
  checkNumber('beta2', beta2, Number.isFinite, 'a finite number');
  checkNumber('epsilon', epsilon, Number.isFinite, 'a finite number');
  checkNumber('weightDecay', weightDecay, Number.isFinite, 'a finite number');
  checkNumber('decoupledDecay', decoupled, Number.isFinite, 'a finite number');
  // m̂/(√v̂ + ε) = m·(√c2/c1)/(√v + ε·√c2), c1 = 1 − β1^t, c2 = 1 − β2^t: the bias corrections
  // fold into the step size and epsilon
  const rc2 = Math.sqrt(1 - beta2 ** t);
  const params: AdamStepParams = {
    beta1,
    beta2,
    stepSize: (lr * rc2) / (1 - beta1 ** t),
    epsilon: epsilon * rc2,
    weightDecay,
    decay: lr * decoupled,
  };
  if (backend.fastPaths.adamStep) {
    const r = backend.fastPaths.adamStep(wt.handle, gt.handle, mt?.handle ?? null, vt?.handle ?? null, wt.size, params, wt.dtype);
    return [wrap(r.w, wt.shape, wt.dtype, backend), wrap(r.m, wt.shape, wt.dtype, backend), wrap(r.v, wt.shape, wt.dtype, backend)];
  }
  return tidy(() =>
    withoutTapes((): [Tensor, Tensor, Tensor] => {
      const grad = weightDecay ? add(gt, mul(wt, weightDecay)) : gt;
      const m1 = mt ? add(mul(mt, beta1), mul(grad, 1 - beta1)) : mul(grad, 1 - beta1);
      const v1 = vt ? add(mul(vt, beta2), mul(square(grad), 1 - beta2)) : mul(square(grad), 1 - beta2);
      let w1 = sub(wt, div(mul(m1, params.stepSize), add(sqrt(v1), params.epsilon)));
      if (params.decay) w1 = sub(w1, mul(wt, params.decay));
      return [w1, m1, v1];
    }),
  );
}

import type { RmspropStepParams } from '../backend/v1.js';
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

/** Options of `rmspropUpdate` (the hyper-parameters of one RMSprop step). */
export interface RmspropUpdateOptions {
  /** The learning rate of this step. */
  learningRate: number;
  /** ρ, the decay of the squared-gradient average, in [0, 1) (default 0.9). */
  rho?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** μ, in [0, 1) (default 0: no momentum state). */
  momentum?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

function checkNumber(name: string, v: unknown, ok: (v: number) => boolean, want: string): void {
  if (typeof v !== 'number' || !ok(v)) throw new ValueError('rmspropUpdate', `argument '${name}' expected ${want}, got ${String(v)}`);
}

/**
 * rmspropUpdate(w, g, s, d, {learningRate, rho, epsilon, momentum, weightDecay}): one
 * RMSprop step for one parameter, returning the new [w, s, d] (d is null without momentum):
 *   g ← g + λ·w;  s ← ρ·s + (1 − ρ)·g²;  q = g/(√s + ε);  d ← μ·d + q (d = q on the first
 *   step);  w ← w − lr·d (w − lr·q without momentum).
 * s and d are null before the first step. Backends may fuse it (the `rmspropStep` fast path:
 * one pass instead of up to ten ops); otherwise it is composed from elementwise ops, with the
 * same roundings. Not differentiable (an optimizer update; nothing is recorded).
 * @example
 * ```ts
 * const [w, s] = rmspropUpdate(tensor([1]), tensor([2]), null, null, { learningRate: 0.1, rho: 0.75, epsilon: 0 });
 * [w.toArray(), s.toArray()]; // ≈ [[0.8], [1]]
 * ```
 */
export function rmspropUpdate(
  w: TensorLike,
  g: TensorLike,
  s: TensorLike | null,
  d: TensorLike | null,
  options: RmspropUpdateOptions,
): [Tensor, Tensor, Tensor | null] {
  const op = 'rmspropUpdate';
  const wt = asTensor(op, 'w', w);
  const gt = asTensor(op, 'g', g, wt);
  const st = s === null ? null : asTensor(op, 's', s, wt);
  const dt = d === null ? null : asTensor(op, 'd', d, wt);
  checkFloat(op, 'w', wt);
  const named: Record<string, Tensor> = { w: wt, g: gt };
  if (st) named.s = st;
  if (dt) named.d = dt;
  const backend = checkSameBackend(op, named);
  for (const [name, t] of Object.entries(named)) {
    checkSameDtype(op, 'w', wt, name, t);
    if (!shapesEqual(t.shape, wt.shape))
      throw new ShapeError(op, `argument '${name}' has shape ${fmtShape(t.shape)}, expected ${fmtShape(wt.shape)} (the shape of 'w')`);
  }
  const params: RmspropStepParams = {
    learningRate: options.learningRate,
    rho: options.rho ?? 0.9,
    epsilon: options.epsilon ?? 1e-8,
    momentum: options.momentum ?? 0,
    weightDecay: options.weightDecay ?? 0,
  };
  const unit = (x: number) => x >= 0 && x < 1;
  checkNumber('learningRate', params.learningRate, Number.isFinite, 'a finite number');
  checkNumber('rho', params.rho, unit, 'a number in [0, 1)');
  checkNumber('epsilon', params.epsilon, (x) => Number.isFinite(x) && x >= 0, 'a finite number >= 0');
  checkNumber('momentum', params.momentum, unit, 'a number in [0, 1)');
  checkNumber('weightDecay', params.weightDecay, (x) => Number.isFinite(x) && x >= 0, 'a finite number >= 0');
  if (dt !== null && params.momentum === 0) throw new ValueError(op, `argument 'd' (momentum state) given with momentum 0`);
  if (dt !== null && st === null)
    throw new ValueError(op, `argument 'd' given without 's' (the state is both or neither after the first step)`);
  if (backend.fastPaths.rmspropStep) {
    const r = backend.fastPaths.rmspropStep(wt.handle, gt.handle, st?.handle ?? null, dt?.handle ?? null, wt.size, params, wt.dtype);
    const out = (h: typeof r.w) => wrap(h, wt.shape, wt.dtype, backend);
    return [out(r.w), out(r.s), r.d === null ? null : out(r.d)];
  }
  const { learningRate: lr, rho, epsilon, momentum: mu, weightDecay } = params;
  return tidy(() =>
    withoutTapes((): [Tensor, Tensor, Tensor | null] => {
      const grad = weightDecay ? add(gt, mul(wt, weightDecay)) : gt;
      const s1 = st ? add(mul(st, rho), mul(square(grad), 1 - rho)) : mul(square(grad), 1 - rho);
      const q = div(grad, add(sqrt(s1), epsilon));
      if (mu === 0) return [sub(wt, mul(q, lr)), s1, null];
      const d1 = dt ? add(mul(dt, mu), q) : q;
      return [sub(wt, mul(d1, lr)), s1, d1];
    }),
  );
}

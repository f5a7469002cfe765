/**
 * RMSProp (Tieleman & Hinton 2012, lecture 6e):
 *   s ← ρ·s + (1 − ρ)·g²;  d = g/(√s + ε);  with momentum: b ← μ·b + d, d = b;  w ← w − lr·d.
 */
import { type Tensor, rmspropUpdate } from '@lec/tensor';
import type { LearningRate } from '../schedules.js';
import { Optimizer, type UpdateResult, checkHyperParameter } from './optimizer.js';

/** Options of `RMSProp`. */
export interface RMSPropOptions {
  /** Default 1e-3. */
  learningRate?: LearningRate;
  /** ρ, the decay of the squared-gradient average (default 0.9, as in the lecture). */
  rho?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Default 0. */
  momentum?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * RMSProp: divides the step by a running RMS of the gradient.
 * @example
 * ```ts
 * const opt = new RMSProp({ learningRate: 1e-3, rho: 0.9 });
 * opt.currentLearningRate; // 0.001
 * ```
 */
export class RMSProp extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly weightDecay: number;

  constructor(options: RMSPropOptions = {}) {
    super(options.learningRate ?? 1e-3);
    this.rho = checkHyperParameter('RMSProp', 'rho', options.rho ?? 0.9, 0, 1, true);
    this.epsilon = checkHyperParameter('RMSProp', 'epsilon', options.epsilon ?? 1e-8, 0, Infinity);
    this.momentum = checkHyperParameter('RMSProp', 'momentum', options.momentum ?? 0, 0, 1, true);
    this.weightDecay = checkHyperParameter('RMSProp', 'weightDecay', options.weightDecay ?? 0, 0, Infinity);
  }

  protected update(w: Tensor, grad: Tensor, slots: readonly Tensor[] | undefined, lr: number): UpdateResult {
    // one fused op (a single pass on backends with the rmspropStep fast path)
    const [value, s, d] = rmspropUpdate(w, grad, slots?.[0] ?? null, slots?.[1] ?? null, {
      learningRate: lr,
      rho: this.rho,
      epsilon: this.epsilon,
      momentum: this.momentum,
      weightDecay: this.weightDecay,
    });
    return { value, slots: d === null ? [s] : [s, d] };
  }
}

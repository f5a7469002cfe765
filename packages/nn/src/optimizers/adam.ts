/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019):
 *   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  m̂ = m/(1 − β1^t);  v̂ = v/(1 − β2^t);
 *   w ← w − lr·m̂/(√v̂ + ε).
 * Adam's weightDecay is an L2 term added to g; AdamW decays the weights directly,
 * w ← w − lr·λ·w, decoupled from the adaptive step.
 */
import { type Tensor, adamUpdate } from '@lec/tensor';
import type { LearningRate } from '../schedules.js';
import { Optimizer, type UpdateResult, checkHyperParameter } from './optimizer.js';

/** Options of `Adam` and `AdamW`. */
export interface AdamOptions {
  /** Default 1e-3. */
  learningRate?: LearningRate;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 0.01). */
  weightDecay?: number;
}

/**
 * Adam: per-parameter steps scaled by running moments of the gradient. beta1 and beta2 must
 * lie in [0, 1), epsilon and weightDecay be finite and >= 0 (a ValueError otherwise).
 * @example
 * ```ts
 * const opt = new Adam({ learningRate: 1e-3 });
 * opt.currentLearningRate; // 0.001
 * ```
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;

  constructor(options: AdamOptions = {}) {
    super(options.learningRate ?? 1e-3);
    const op = new.target.name;
    this.beta1 = checkHyperParameter(op, 'beta1', options.beta1 ?? 0.9, 0, 1, true);
    this.beta2 = checkHyperParameter(op, 'beta2', options.beta2 ?? 0.999, 0, 1, true);
    this.epsilon = checkHyperParameter(op, 'epsilon', options.epsilon ?? 1e-8, 0, Infinity);
    this.weightDecay = checkHyperParameter(op, 'weightDecay', options.weightDecay ?? 0, 0, Infinity);
  }

  protected update(w: Tensor, grad: Tensor, slots: readonly Tensor[] | undefined, lr: number, t: number): UpdateResult {
    // one fused op (a single pass on backends with the adamStep fast path)
    const [value, m, v] = adamUpdate(w, grad, slots?.[0] ?? null, slots?.[1] ?? null, {
      learningRate: lr,
      step: t,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.decoupled ? 0 : this.weightDecay,
      decoupledDecay: this.decoupled ? this.weightDecay : 0,
    });
    return { value, slots: [m, v] };
  }
}

/**
 * AdamW: Adam with decoupled weight decay (default 0.01).
 * @example
 * ```ts
 * const opt = new AdamW({ learningRate: 1e-3, weightDecay: 0.05 });
 * opt.currentLearningRate; // 0.001
 * ```
 */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  constructor(options: AdamOptions = {}) {
    super({ ...options, weightDecay: options.weightDecay ?? 0.01 });
  }
}

/**
 * Stochastic gradient descent with momentum (Polyak), Nesterov momentum (Sutskever et al.
 * 2013, PyTorch's form) and L2 weight decay:
 *   g ← g + λ·w;  b ← μ·b + g;  d = nesterov ? g + μ·b : b (d = g without momentum);  w ← w − lr·d.
 */
import { type Tensor, ValueError, sgdUpdate } from '@lec/tensor';
import type { LearningRate } from '../schedules.js';
import { Optimizer, type UpdateResult, checkHyperParameter } from './optimizer.js';

/** Options of `SGD`. */
export interface SGDOptions {
  /** Default 0.01. */
  learningRate?: LearningRate;
  /** μ (default 0: plain SGD). */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * SGD with optional (Nesterov) momentum and weight decay.
 * @example
 * ```ts
 * const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * opt.currentLearningRate; // 0.1
 * ```
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(options: SGDOptions = {}) {
    super(options.learningRate ?? 0.01);
    this.momentum = checkHyperParameter('SGD', 'momentum', options.momentum ?? 0, 0, 1, true);
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = checkHyperParameter('SGD', 'weightDecay', options.weightDecay ?? 0, 0, Infinity);
    if (this.nesterov && this.momentum === 0) throw new ValueError('SGD', `Nesterov momentum needs momentum > 0`);
  }

  protected update(w: Tensor, grad: Tensor, slots: readonly Tensor[] | undefined, lr: number): UpdateResult {
    // one fused op (a single pass on backends with the sgdStep fast path)
    const [value, b] = sgdUpdate(w, grad, slots?.[0] ?? null, {
      learningRate: lr,
      momentum: this.momentum,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
    });
    return { value, slots: b === null ? [] : [b] };
  }
}

/**
 * The optimizer base: holds per-variable state (momenta, second moments) and applies one
 * update to a list of variables given their gradients. An update is all-or-nothing: every
 * new value and state tensor is computed first, then all are committed, so a failure while
 * computing leaves the parameters and the state as they were.
 */
import { type Tensor, type Variable, ShapeError, ValueError, keep, tidy } from '@lec/tensor';
import { type LearningRate, learningRateAt } from '../schedules.js';

/** What `Optimizer.update` returns for one variable: its new value and new state slots. */
export interface UpdateResult {
  value: Tensor;
  slots: Tensor[];
}

/**
 * Base class of SGD, Adam, AdamW and RMSProp. Subclasses implement `update` for one variable.
 * @example
 * ```ts
 * const w = new Variable(tensor([1]));
 * const opt = new SGD({ learningRate: 0.1 });
 * opt.step([w], [tensor([2])]);
 * w.value.toArray(); // [0.8]
 * ```
 */
export abstract class Optimizer {
  /** A number or a schedule (step → lr). */
  learningRate: LearningRate;
  /** Number of updates applied so far (the schedules' step). */
  iterations = 0;
  readonly #state = new Map<Variable, Tensor[]>();

  constructor(learningRate: LearningRate) {
    this.learningRate = learningRate;
  }

  /**
   * The learning rate the next step uses.
   * @example
   * ```ts
   * new Adam({ learningRate: warmup(10, 1e-3) }).currentLearningRate; // 1e-4
   * ```
   */
  get currentLearningRate(): number {
    return learningRateAt(this.learningRate, this.iterations);
  }

  /**
   * One update of each trainable variable from its gradient (same order). Non-trainable
   * variables are skipped.
   * @example
   * ```ts
   * const w = new Variable(tensor([1, 2]));
   * const opt = new SGD({ learningRate: 0.5 });
   * opt.step([w], [tensor([2, 2])]);
   * w.value.toArray(); // [0, 1]
   * ```
   */
  step(variables: readonly Variable[], grads: readonly Tensor[]): void {
    if (variables.length !== grads.length)
      throw new ValueError('Optimizer.step', `got ${variables.length} variables but ${grads.length} gradients`);
    variables.forEach((v, i) => {
      const g = grads[i];
      if (g.shape.length !== v.shape.length || g.shape.some((d, j) => d !== v.shape[j])) {
        throw new ShapeError(
          'Optimizer.step',
          `gradient ${i} has shape [${g.shape.join(', ')}] but variable '${v.name}' has shape [${v.shape.join(', ')}]`,
        );
      }
    });
    const lr = this.currentLearningRate;
    const t = this.iterations + 1;
    const results = tidy(() => variables.map((v, i) => (v.trainable ? this.update(v.value, grads[i], this.#state.get(v), lr, t) : null)));
    // commit: nothing below can fail on shape or dtype (checked above; update keeps dtype)
    variables.forEach((v, i) => {
      const r = results[i];
      if (!r) return;
      v.assign(r.value);
      const old = this.#state.get(v);
      this.#state.set(
        v,
        r.slots.map((s) => keep(s)),
      );
      if (old) for (const s of old) if (!r.slots.includes(s)) s.dispose();
    });
    this.iterations++;
  }

  /**
   * The state tensors kept for `variable` (e.g. Adam's [m, v]), or undefined before its first step.
   * @example
   * ```ts
   * const w = new Variable(tensor([1, 2]));
   * new Adam().stateOf(w); // undefined
   * ```
   */
  stateOf(variable: Variable): readonly Tensor[] | undefined {
    return this.#state.get(variable);
  }

  /**
   * Frees the state tensors and resets the step count.
   * @example
   * ```ts
   * const w = new Variable(tensor([1, 2]));
   * const opt = new Adam();
   * opt.step([w], [tensor([1, 1])]);
   * opt.iterations; // 1
   * opt.reset();
   * opt.iterations; // 0
   * opt.stateOf(w); // undefined
   * ```
   */
  reset(): void {
    for (const slots of this.#state.values()) for (const s of slots) s.dispose();
    this.#state.clear();
    this.iterations = 0;
  }

  /**
   * The new value and state of one parameter. `t` is the 1-based step number.
   * Runs inside a tidy scope: return the tensors to keep.
   */
  protected abstract update(param: Tensor, grad: Tensor, slots: readonly Tensor[] | undefined, lr: number, t: number): UpdateResult;
}

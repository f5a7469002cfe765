/**
 * The optimizer base: holds per-variable state (momenta, second moments) and applies one
 * update to a list of variables given their gradients. An update is all-or-nothing: every
 * new value and state tensor is computed first, then all are committed, so a failure while
 * computing leaves the parameters and the state as they were.
 */
import { type Tensor, type Variable, ShapeError, ValueError, keep, mul, tidy, toBackend } from '@lec/tensor';
import { type LearningRate, learningRateAt } from '../schedules.js';

/**
 * An optimizer's state as data: what `Optimizer.state` returns and `loadState` takes. The
 * slot tensors are copies keyed by parameter name.
 */
export interface OptimizerState {
  /** Updates applied so far: the position in a learning-rate schedule. */
  iterations: number;
  /** The learning rate when it is a number; null when it is a schedule (a function, kept by the optimizer). */
  learningRate: number | null;
  /** Per parameter name, its state tensors (Adam: [m, v]). */
  slots: [string, Tensor[]][];
}

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
   * The state (moments, step count, learning rate) for the named variables, as copies: what
   * `saveOptimizer` writes. Variables without state yet are left out.
   * @example
   * ```ts
   * const w = new Variable(tensor([1, 2]));
   * const opt = new Adam();
   * opt.step([w], [tensor([1, 1])]);
   * const s = opt.state([['w', w]]);
   * [s.iterations, s.slots[0][0], s.slots[0][1].length]; // [1, 'w', 2]
   * ```
   */
  state(variables: readonly (readonly [string, Variable])[]): OptimizerState {
    const slots: [string, Tensor[]][] = [];
    for (const [name, v] of variables) {
      const own = this.#state.get(v);
      if (own) slots.push([name, tidy(() => own.map((t) => mul(t, 1))).map((t) => keep(t))]);
    }
    return { iterations: this.iterations, learningRate: typeof this.learningRate === 'number' ? this.learningRate : null, slots };
  }

  /**
   * Restores a state from `state()` for the named variables (the same names), replacing the
   * current one. Everything is checked first (unknown names, shapes, counts): on a
   * `ValueError` nothing changes. A schedule learning rate is kept (the step count moves it).
   * @example
   * ```ts
   * const w = new Variable(tensor([1, 2]));
   * const a = new Adam();
   * a.step([w], [tensor([1, 1])]);
   * const b = new Adam();
   * b.loadState([['w', w]], a.state([['w', w]]));
   * b.iterations; // 1
   * ```
   */
  loadState(variables: readonly (readonly [string, Variable])[], state: OptimizerState): void {
    const op = 'Optimizer.loadState';
    if (!Number.isSafeInteger(state?.iterations) || state.iterations < 0)
      throw new ValueError(op, `argument 'state.iterations' expected an integer >= 0, got ${state?.iterations}`);
    if (state.learningRate !== null && !(Number.isFinite(state.learningRate) && state.learningRate >= 0))
      throw new ValueError(op, `argument 'state.learningRate' expected a finite number >= 0 or null, got ${state.learningRate}`);
    const byName = new Map(variables.map(([n, v]) => [n, v] as const));
    const plan: [Variable, Tensor[]][] = [];
    for (const [name, slots] of state.slots ?? []) {
      const v = byName.get(name);
      if (!v)
        throw new ValueError(
          op,
          `the state has slots for '${name}', which is not among the variables (${[...byName.keys()].slice(0, 8).join(', ')})`,
        );
      for (const s of slots) {
        if (s.shape.length !== v.shape.length || s.shape.some((d, j) => d !== v.shape[j]))
          throw new ShapeError(
            op,
            `a slot of '${name}' has shape [${s.shape.join(', ')}] but the variable has shape [${v.shape.join(', ')}]`,
          );
      }
      plan.push([v, slots]);
    }
    const copies = plan.map(([v, slots]) =>
      tidy(() => slots.map((t) => (t.backend === v.value.backend ? mul(t, 1) : toBackend(t, v.value.backend)))).map((t) => keep(t)),
    );
    for (const slots of this.#state.values()) for (const s of slots) s.dispose();
    this.#state.clear();
    plan.forEach(([v], i) => this.#state.set(v, copies[i]));
    this.iterations = state.iterations;
    if (state.learningRate !== null && typeof this.learningRate === 'number') this.learningRate = state.learningRate;
  }

  /**
   * The new value and state of one parameter. `t` is the 1-based step number.
   * Runs inside a tidy scope: return the tensors to keep.
   */
  protected abstract update(param: Tensor, grad: Tensor, slots: readonly Tensor[] | undefined, lr: number, t: number): UpdateResult;
}

/**
 * The optimizer base: holds per-variable state (momenta, second moments) and applies one
 * update to a list of variables given their gradients. An update is all-or-nothing: the
 * gradients are checked to be finite, every new value and state tensor is computed, checked to
 * be finite, and only then are all committed; a non-finite gradient or result throws a
 * NonFiniteError naming the parameter and leaves the parameters, the state and the step count
 * as they were. `fit`, `trainStep` and hand-written loops all go through this one check.
 * Hyper-parameters are validated when the optimizer is constructed.
 */
import { type Tensor, type Variable, ShapeError, ValueError, allFinite, keep, mul, tidy, toBackend } from '@lec/tensor';
import { NonFiniteError } from '../errors.js';
import { type LearningRate, learningRateAt } from '../schedules.js';

/** Where a step runs, for error messages: parameter names (same order), epoch and batch. */
export interface StepContext {
  /** Names of the variables (default: each variable's own name). */
  names?: readonly string[];
  /** Epoch (0-based), named in errors. */
  epoch?: number;
  /** Batch (0-based), named in errors. */
  batch?: number;
}

/**
 * @internal Checks an optimizer hyper-parameter at construction: a finite number in
 * [min, max] (or [min, max) when `maxOpen`), else a ValueError naming it.
 */
export function checkHyperParameter(op: string, arg: string, value: unknown, min: number, max: number, maxOpen = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (maxOpen ? value < max : value <= max);
  if (!ok) {
    const range = `[${min}, ${max === Infinity ? '∞' : max}${maxOpen ? ')' : ']'}`;
    throw new ValueError(op, `argument '${arg}' expected a finite number in ${range}, got ${String(value)}`);
  }
  return value as number;
}

/** Index of the first tensor with a NaN or infinite entry, or -1 (one check for all when all are finite). */
function firstNonFinite(tensors: readonly (Tensor | null)[]): number {
  const list = tensors.filter((t): t is Tensor => t !== null);
  if (allFinite(list)) return -1;
  return tensors.findIndex((t) => t !== null && !allFinite([t]));
}

function at(context: StepContext): string {
  const parts: string[] = [];
  if (context.epoch !== undefined) parts.push(`epoch ${context.epoch}`);
  if (context.batch !== undefined) parts.push(`batch ${context.batch}`);
  return parts.length ? ` at ${parts.join(', ')}` : '';
}

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
    if (typeof learningRate === 'number') checkHyperParameter(new.target.name, 'learningRate', learningRate, 0, Infinity);
    else if (typeof learningRate !== 'function')
      throw new ValueError(new.target.name, `argument 'learningRate' expected a number or a schedule, got ${typeof learningRate}`);
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
   * variables are skipped. All-or-nothing: a gradient with a NaN or infinite entry, or an
   * update that would make a parameter or its optimizer state non-finite (e.g. an overflow),
   * throws a NonFiniteError naming the parameter, and nothing (parameters, state, step count)
   * changes. `context` names the parameters, epoch and batch in that error.
   * @example
   * ```ts
   * const w = new Variable(tensor([1, 2]));
   * const opt = new SGD({ learningRate: 0.5 });
   * opt.step([w], [tensor([2, 2])]);
   * w.value.toArray(); // [0, 1]
   * ```
   */
  step(variables: readonly Variable[], grads: readonly Tensor[], context: StepContext = {}): void {
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
    const name = (i: number) => context.names?.[i] ?? variables[i].name;
    const badGrad = firstNonFinite(variables.map((v, i) => (v.trainable ? grads[i] : null)));
    if (badGrad >= 0)
      throw new NonFiniteError(
        'Optimizer.step',
        `the gradient of '${name(badGrad)}' has NaN or infinite entries${at(context)}; the parameters were not updated`,
        { epoch: context.epoch, batch: context.batch, what: 'gradient' },
      );
    const lr = this.currentLearningRate;
    const t = this.iterations + 1;
    const results = tidy(() => variables.map((v, i) => (v.trainable ? this.update(v.value, grads[i], this.#state.get(v), lr, t) : null)));
    // the new values and state must be finite too (an overflow, or 0/0 with epsilon 0)
    const badValue = firstNonFinite(results.map((r) => (r ? r.value : null)));
    const badSlot =
      badValue >= 0 || allFinite(results.flatMap((r) => (r ? r.slots : [])))
        ? -1
        : results.findIndex((r) => r !== null && !allFinite(r.slots));
    if (badValue >= 0 || badSlot >= 0) {
      const i = badValue >= 0 ? badValue : badSlot;
      for (const r of results) if (r) for (const x of [r.value, ...r.slots]) if (!this.#isState(x)) x.dispose();
      throw new NonFiniteError(
        'Optimizer.step',
        `the update of '${name(i)}' gives NaN or infinite ${badValue >= 0 ? 'values' : 'optimizer state'}${at(context)} (learning rate ${lr}, step ${t}); the parameters were not updated`,
        { epoch: context.epoch, batch: context.batch, what: 'parameter' },
      );
    }
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

  /** Whether `t` is one of the kept state tensors (an update may return a slot unchanged). */
  #isState(t: Tensor): boolean {
    for (const slots of this.#state.values()) if (slots.includes(t)) return true;
    return false;
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

/**
 * Adam (Kingma & Ba 2015), the optimiser of the GCN paper, with bias correction:
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,
 *   θ ← θ − lr·m̂ / (√v̂ + ε),  m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t).
 * Written with tensor ops, so it runs on any backend. A local stand-in with the call shape
 * of @lec/nn's Adam (`new Adam({learningRate}).step(variables, grads)`), to be replaced by it.
 */
import { type Tensor, type Variable, add, div, keep, mul, sqrt, square, sub, tidy, zerosLike } from '@lec/tensor';

/** Options of `Adam`. */
export interface AdamOptions {
  /** Step size (default 0.01, the GCN paper's). */
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam; moment estimates are kept per Variable.
 * @example
 * ```ts
 * const w = new Variable(tensor([1]));
 * const opt = new Adam({ learningRate: 0.1 });
 * opt.step([w], variableGrads(() => sum(square(w.value)), [w]).grads);
 * w.value.item() < 1; // true
 * ```
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly #slots = new Map<Variable, { m: Tensor; v: Tensor }>();
  #t = 0;

  constructor(options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 0.01;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  /** Number of steps taken. */
  get iterations(): number {
    return this.#t;
  }

  /** Applies one update, `grads[i]` being the gradient of `variables[i]`. */
  step(variables: readonly Variable[], grads: readonly Tensor[]): void {
    this.#t++;
    const c1 = 1 - this.beta1 ** this.#t;
    const c2 = 1 - this.beta2 ** this.#t;
    variables.forEach((variable, i) => {
      let slot = this.#slots.get(variable);
      if (!slot) this.#slots.set(variable, (slot = { m: keep(zerosLike(variable.value)), v: keep(zerosLike(variable.value)) }));
      const s = slot;
      const [m, v, value] = tidy(() => {
        const g = grads[i];
        const m = add(mul(s.m, this.beta1), mul(g, 1 - this.beta1));
        const v = add(mul(s.v, this.beta2), mul(square(g), 1 - this.beta2));
        const update = div(mul(m, this.learningRate / c1), add(sqrt(div(v, c2)), this.epsilon));
        return [m, v, sub(variable.value, update)];
      });
      s.m.dispose();
      s.v.dispose();
      s.m = keep(m);
      s.v = keep(v);
      variable.assign(value);
    });
  }

  /** Frees the moment estimates. */
  dispose(): void {
    for (const s of this.#slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.#slots.clear();
  }
}

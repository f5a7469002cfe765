/**
 * A thin stand-in for @lec/nn's Module (parameters, children, train/eval), with the same
 * method names so the layers here can move onto nn's Module without changing callers.
 * Layers are stateless with respect to inputs: parameters in, tensors out.
 */
import { type Tensor, ValueError, Variable } from '@lec/tensor';

/**
 * Base class of the graph layers and models: named parameters, named children, and a
 * training flag that switches dropout.
 * @example
 * ```ts
 * const conv = new GCNConv(4, 2, { seed: 0 });
 * conv.namedParameters().map(([name]) => name); // ['weight']
 * ```
 */
export abstract class GraphModule {
  /** The layer type name (e.g. `'GCNConv'`). */
  abstract readonly type: string;
  readonly #parameters = new Map<string, Variable>();
  readonly #children = new Map<string, GraphModule>();
  #training = true;

  /** Whether the module is in training mode (dropout active). */
  get training(): boolean {
    return this.#training;
  }

  /**
   * Sets training (`true`) or evaluation (`false`) mode here and in every child.
   * @example
   * ```ts
   * new GCN({ inFeatures: 3, classes: 2 }).train(false).training; // false
   * ```
   */
  train(mode = true): this {
    this.#training = mode;
    for (const c of this.#children.values()) c.train(mode);
    return this;
  }

  /**
   * Evaluation mode: `train(false)`.
   * @example
   * ```ts
   * new GCN({ inFeatures: 3, classes: 2 }).eval().training; // false
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /** Registers a parameter and returns its Variable. */
  protected addParameter(name: string, value: Tensor): Variable {
    if (this.#parameters.has(name) || this.#children.has(name))
      throw new ValueError(`${this.type}.addParameter`, `the name '${name}' is already used`);
    const v = new Variable(value, { name });
    this.#parameters.set(name, v);
    return v;
  }

  /** Registers a child module and returns it. */
  protected addModule<M extends GraphModule>(name: string, module: M): M {
    if (this.#parameters.has(name) || this.#children.has(name))
      throw new ValueError(`${this.type}.addModule`, `the name '${name}' is already used`);
    this.#children.set(name, module);
    module.train(this.#training);
    return module;
  }

  /**
   * Every parameter with its dotted name (`'0.weight'`), own first, then children in order.
   * @example
   * ```ts
   * new GCN({ inFeatures: 3, classes: 2, hidden: 4 }).namedParameters().map(([n]) => n); // ['0.weight', '1.weight']
   * ```
   */
  namedParameters(): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [n, v] of this.#parameters) out.push([n, v]);
    for (const [n, c] of this.#children) for (const [cn, v] of c.namedParameters()) out.push([`${n}.${cn}`, v]);
    return out;
  }

  /**
   * Every parameter, in `namedParameters()` order.
   * @example
   * ```ts
   * new GCNConv(3, 2, { bias: true }).parameters().length; // 2
   * ```
   */
  parameters(): Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /**
   * Frees every parameter's tensor (needed on device backends).
   * @example
   * ```ts
   * const c = new GCNConv(2, 2);
   * c.dispose();
   * c.weight.value.isDisposed; // true
   * ```
   */
  dispose(): void {
    for (const v of this.parameters()) v.dispose();
  }
}

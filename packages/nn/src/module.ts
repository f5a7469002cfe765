/**
 * Module: the base of every layer and model. A module owns named parameters (tensor
 * `Variable`s, trainable or not) and named child modules; `forward(input)` is a pure function
 * of the parameters and the input: no module keeps its last input, so one layer can be
 * applied several times in one graph (weight sharing, Tree-LSTM, siamese nets).
 */
import { FormatError } from './errors.js';
import type { JsonObject } from './json.js';
import { type Tensor, ValueError, Variable } from '@lec/tensor';

/** What `saveModel` writes for one module: its registry type and its config. */
export interface ModuleDescription {
  type: string;
  config: JsonObject;
}

/** Options of `Module.addParameter`. */
export interface ParameterOptions {
  /** Whether optimizers update it (default true). Running statistics are not trainable. */
  trainable?: boolean;
}

const NAME = /^[A-Za-z0-9_]+$/;

/**
 * The base class of layers and models. Subclasses register parameters with `addParameter`
 * and children with `addModule` in their constructor, and implement `forward`.
 * `I` and `O` are the input and output types (a Tensor for most layers).
 * @example
 * ```ts
 * class Scale extends Module {
 *   readonly type = 'Scale';
 *   readonly factor: Variable;
 *   constructor() { super(); this.factor = this.addParameter('factor', ones([1])); }
 *   forward(x: Tensor): Tensor { return mul(x, this.factor.value); }
 * }
 * new Scale().namedParameters().map(([name]) => name); // ['factor']
 * ```
 */
export abstract class Module<I = Tensor, O = Tensor> {
  /** The layer type name used by save/load registries (e.g. `'Dense'`). */
  abstract readonly type: string;
  readonly #parameters = new Map<string, Variable>();
  readonly #children = new Map<string, Module<unknown, unknown>>();
  #training = true;

  /** Applies the module. A pure function of the parameters and `input`. */
  abstract forward(input: I): O;

  /** Whether the module is in training mode (dropout active, batch statistics used). */
  get training(): boolean {
    return this.#training;
  }

  /**
   * Sets training mode (`true`) or evaluation mode (`false`) on this module and all children.
   * @example
   * ```ts
   * const net = new Sequential([new Dense(2, 2, { seed: 0 }), new Dropout(0.5, { seed: 1 })]);
   * net.train(false).training; // false
   * ```
   */
  train(mode = true): this {
    this.#training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  /**
   * Evaluation mode: `train(false)`.
   * @example
   * ```ts
   * new Dropout(0.5).eval().training; // false
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Registers a parameter under `name` (letters, digits, `_`) and returns its Variable.
   * @example
   * ```ts
   * class Affine extends Module {
   *   readonly type = 'Affine';
   *   readonly weight = this.addParameter('weight', zeros([3, 4]));
   *   forward(x: Tensor): Tensor { return matmul(x, this.weight.value); }
   * }
   * new Affine().parameters()[0].shape; // [3, 4]
   * ```
   */
  protected addParameter(name: string, value: Tensor, options: ParameterOptions = {}): Variable {
    this.#checkName(name);
    const v = new Variable(value, { name, trainable: options.trainable ?? true });
    this.#parameters.set(name, v);
    return v;
  }

  /**
   * Registers a child module under `name` and returns it; its parameters appear as
   * `name.param` in `namedParameters()`.
   * @example
   * ```ts
   * class Encoder extends Module {
   *   readonly type = 'Encoder';
   *   readonly encoder = this.addModule('encoder', new Dense(784, 32));
   *   forward(x: Tensor): Tensor { return this.encoder.forward(x); }
   * }
   * new Encoder().namedParameters().map(([name]) => name); // ['encoder.weight', 'encoder.bias']
   * ```
   */
  protected addModule<M extends Module<any, any>>(name: string, module: M): M {
    this.#checkName(name);
    this.#children.set(name, module as Module<unknown, unknown>);
    module.train(this.#training);
    return module;
  }

  #checkName(name: string): void {
    if (!NAME.test(name)) throw new ValueError(`${this.type}.add`, `argument 'name' expected letters, digits or '_', got '${name}'`);
    if (this.#parameters.has(name) || this.#children.has(name))
      throw new ValueError(`${this.type}.add`, `the name '${name}' is already used in this module`);
  }

  /**
   * The direct children, in registration order.
   * @example
   * ```ts
   * new Sequential([new ReLU()]).children().map(([name]) => name); // ['0']
   * ```
   */
  children(): [string, Module<unknown, unknown>][] {
    return [...this.#children.entries()];
  }

  /**
   * Every parameter of this module and its descendants with its dotted name
   * (`'0.weight'`, `'encoder.layers.1.bias'`), own parameters first, then children in order.
   * A Variable shared by two modules is listed once, under its first name.
   * @example
   * ```ts
   * new Dense(3, 2, { seed: 0 }).namedParameters().map(([n, v]) => [n, v.shape]); // [['weight', [3, 2]], ['bias', [2]]]
   * ```
   */
  namedParameters(options: { trainableOnly?: boolean } = {}): [string, Variable][] {
    const out: [string, Variable][] = [];
    const seen = new Set<Variable>();
    const walk = (m: Module<unknown, unknown>, prefix: string): void => {
      for (const [name, v] of m.#parameters) {
        if (seen.has(v) || (options.trainableOnly && !v.trainable)) continue;
        seen.add(v);
        out.push([prefix + name, v]);
      }
      for (const [name, child] of m.#children) walk(child, `${prefix}${name}.`);
    };
    walk(this as Module<unknown, unknown>, '');
    return out;
  }

  /**
   * Every parameter (trainable or not), in `namedParameters()` order.
   * @example
   * ```ts
   * new Dense(3, 2, { seed: 0 }).parameters().length; // 2
   * ```
   */
  parameters(): Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /**
   * The parameters optimizers update (`trainable` true).
   * @example
   * ```ts
   * new BatchNorm1d(4).trainableParameters().length; // 2 (gamma, beta; not the running stats)
   * ```
   */
  trainableParameters(): Variable[] {
    return this.namedParameters({ trainableOnly: true }).map(([, v]) => v);
  }

  /**
   * The number of scalar parameters (trainable and not).
   * @example
   * ```ts
   * new Dense(3, 2, { seed: 0 }).numParameters(); // 8
   * ```
   */
  numParameters(): number {
    return this.parameters().reduce((n, v) => n + v.value.size, 0);
  }

  /**
   * The JSON config a registry factory rebuilds this module from. Layers override it; a
   * module that does not cannot be saved with `saveModel` (its weights still can).
   * @example
   * ```ts
   * new Dense(3, 2, { seed: 0 }).config(); // { inFeatures: 3, outFeatures: 2, bias: true }
   * ```
   */
  config(): JsonObject {
    throw new FormatError(
      'saveModel',
      `module type '${this.type}' does not implement config(), so it cannot be described; save its weights with saveWeights instead`,
    );
  }

  /**
   * `{type, config}`: what `saveModel` writes for this module.
   * @example
   * ```ts
   * new ReLU().describe(); // { type: 'ReLU', config: {} }
   * ```
   */
  describe(): ModuleDescription {
    return { type: this.type, config: this.config() };
  }

  /**
   * A readable tree: each module's type, its config and its parameter count, children
   * indented (`console.log(model)` in Node prints the same). For output shapes per layer,
   * use `summary(model, inputShape)`.
   * @example
   * ```ts
   * String(new Sequential([new Dense(2, 3, { seed: 0 }), new ReLU()])); // 'Sequential (9 parameters)\n  0: Dense {"inFeatures":2,"outFeatures":3,"bias":true} (9 parameters)\n  1: ReLU'
   * ```
   */
  toString(): string {
    const lines: string[] = [];
    const render = (m: Module<unknown, unknown>, label: string, indent: string) => {
      let config = '';
      if (!(m.children().length > 0 && m.type === 'Sequential')) {
        try {
          const c = JSON.stringify(m.config());
          if (c !== '{}') config = ` ${c.length > 120 ? `${c.slice(0, 117)}...` : c}`;
        } catch {
          /* a module without config(): type and parameters only */
        }
      }
      const n = m.numParameters();
      lines.push(`${indent}${label}${m.type}${config}${n > 0 ? ` (${n.toLocaleString('en-US')} parameters)` : ''}`);
      for (const [name, child] of m.children()) render(child, `${name}: `, `${indent}  `);
    };
    render(this as Module<unknown, unknown>, '', '');
    return lines.join('\n');
  }

  /**
   * Frees every parameter's tensor (needed on device backends).
   * @example
   * ```ts
   * const d = new Dense(2, 2, { seed: 0 });
   * d.dispose();
   * d.weight.value.isDisposed; // true
   * ```
   */
  dispose(): void {
    for (const v of this.parameters()) v.dispose();
  }
}

// Node's console.log/util.inspect call this (a registered symbol, so no import of node:util).
Object.defineProperty(Module.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: Module<unknown, unknown>): string {
    return this.toString();
  },
});

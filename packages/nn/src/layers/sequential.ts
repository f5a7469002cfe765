/**
 * Sequential: layers applied in order, y = f_n(…f_2(f_1(x))). Children are named by index,
 * so parameters are `0.weight`, `0.bias`, `2.weight`, … (as in PyTorch's nn.Sequential).
 */
import { type FusedActivation, type Tensor, ValueError } from '@lec/tensor';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';
import { ReLU, Sigmoid, Tanh } from './activations.js';
import { Dense } from './dense.js';

/**
 * A chain of modules, each feeding the next.
 * @example
 * ```ts
 * const mlp = new Sequential([new Dense(2, 8, { seed: 0 }), new Tanh(), new Dense(8, 1, { seed: 1 })]);
 * mlp.forward(zeros([4, 2])).shape; // [4, 1]
 * ```
 */
export class Sequential extends Module {
  readonly type = 'Sequential';
  readonly #layers: Module<Tensor, Tensor>[] = [];

  constructor(layers: readonly Module<Tensor, Tensor>[] = []) {
    super();
    for (const layer of layers) this.add(layer);
  }

  /**
   * Appends a layer (named by its index) and returns this.
   * @example
   * ```ts
   * new Sequential().add(new ReLU()).layers.length; // 1
   * ```
   */
  add(layer: Module<Tensor, Tensor>): this {
    if (!(layer instanceof Module))
      throw new ValueError(
        'Sequential',
        `argument 'layers' expected Modules, got ${layer === null ? 'null' : typeof layer} at index ${this.#layers.length}`,
      );
    this.addModule(String(this.#layers.length), layer);
    this.#layers.push(layer);
    return this;
  }

  /** The layers, in order. */
  get layers(): readonly Module<Tensor, Tensor>[] {
    return this.#layers;
  }

  /** Applies the layers in order; a Dense followed by ReLU, Sigmoid or Tanh runs as one fused product. */
  forward(x: Tensor): Tensor {
    const layers = this.#layers;
    let y = x;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      const activation = layer.constructor === Dense && !Object.hasOwn(layer, 'forward') ? fusedActivation(layers[i + 1]) : null;
      if (activation === null) y = layer.forward(y);
      else {
        y = (layer as Dense).forwardActivated(y, activation);
        i++;
      }
    }
    return y;
  }

  override config(): JsonObject {
    return { layers: this.#layers.map((l) => ({ ...l.describe() })) };
  }

  /** Registry factory: builds each child description with the same registry. */
  static readonly fromConfig: LayerFactory = (c, context) =>
    new Sequential(c.list('layers').map((d) => context.build(d) as Module<Tensor, Tensor>));
}

/**
 * The activation a Dense can fuse for `next`: exactly ReLU, Sigmoid or Tanh (not a subclass,
 * nor an instance whose forward is shadowed, as `summary` does to observe it), else null.
 */
function fusedActivation(next: Module<Tensor, Tensor> | undefined): FusedActivation | null {
  if (next === undefined || Object.hasOwn(next, 'forward')) return null;
  if (next.constructor === ReLU) return 'relu';
  if (next.constructor === Sigmoid) return 'sigmoid';
  return next.constructor === Tanh ? 'tanh' : null;
}

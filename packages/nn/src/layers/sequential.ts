/**
 * Sequential: layers applied in order, y = f_n(…f_2(f_1(x))). Children are named by index,
 * so parameters are `0.weight`, `0.bias`, `2.weight`, … (as in PyTorch's nn.Sequential).
 */
import { type Tensor, ValueError } from '@lec/tensor';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';

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

  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.#layers) y = layer.forward(y);
    return y;
  }

  override config(): JsonObject {
    return { layers: this.#layers.map((l) => ({ ...l.describe() })) };
  }

  /** Registry factory: builds each child description with the same registry. */
  static readonly fromConfig: LayerFactory = (c, context) =>
    new Sequential(c.list('layers').map((d) => context.build(d) as Module<Tensor, Tensor>));
}

/**
 * Dropout (Srivastava et al. 2014), inverted: in training mode each entry is zeroed with
 * probability `rate` and the rest scaled by 1/(1 − rate); in evaluation mode the identity.
 * Any shape in, the same shape out. The masks come from the layer's seeded generator.
 */
import { Rng, type RngState, type Tensor, ValueError, dropout } from '@lec/tensor';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';

/**
 * Inverted dropout with a seeded mask generator.
 * @example
 * ```ts
 * const drop = new Dropout(0.5, { seed: 1 });
 * drop.forward(ones([4])).dataSync().every((v) => v === 0 || v === 2); // true
 * drop.eval().forward(ones([2])).toArray(); // [1, 1]
 * ```
 */
export class Dropout extends Module {
  readonly type = 'Dropout';
  readonly #rng: Rng;
  readonly #seed: number | undefined;

  constructor(
    readonly rate: number,
    options: { seed?: number; rng?: Rng } = {},
  ) {
    super();
    if (!(rate >= 0 && rate < 1)) throw new ValueError('Dropout', `argument 'rate' expected a probability in [0, 1), got ${rate}`);
    this.#seed = options.seed;
    this.#rng = options.rng ?? new Rng(options.seed ?? 0);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.rate, { training: this.training, rng: this.#rng });
  }

  /**
   * The position of the mask generator (saved in training checkpoints).
   * @example
   * ```ts
   * new Dropout(0.5, { seed: 3 }).randomState().seed; // 3
   * ```
   */
  randomState(): RngState {
    return this.#rng.state();
  }

  /**
   * Moves the mask generator to a state from `randomState()`.
   * @example
   * ```ts
   * const a = new Dropout(0.5, { seed: 1 });
   * const b = new Dropout(0.5, { seed: 2 });
   * b.setRandomState(a.randomState());
   * b.forward(ones([8])).toArray().join() === a.forward(ones([8])).toArray().join(); // true
   * ```
   */
  setRandomState(state: RngState): void {
    this.#rng.setState(state);
  }

  override config(): JsonObject {
    return this.#seed === undefined ? { rate: this.rate } : { rate: this.rate, seed: this.#seed };
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c) => new Dropout(c.number('rate', { min: 0, max: 0.999999 }), { seed: c.seed() });
}

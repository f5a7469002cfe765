/**
 * Embedding: a lookup table. ids (int32, any shape) → table rows: out shape
 * [...ids.shape, dim]; table [numEmbeddings, dim], initialised N(0, 1).
 * The gradient scatters into the looked-up rows only.
 */
import { type Tensor, DTypeError, type Variable, gather } from '@lec/tensor';
import { type Initializer, normalInit } from '../initializers.js';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';
import { type LayerOptions, layerRng } from './layer-options.js';

/**
 * A table of `numEmbeddings` vectors of size `dim`, indexed by int32 ids.
 * @example
 * ```ts
 * const emb = new Embedding(10, 4, { seed: 0 });
 * emb.forward(tensor([[1, 2, 3]], undefined, { dtype: 'int32' })).shape; // [1, 3, 4]
 * ```
 */
export class Embedding extends Module<Tensor, Tensor> {
  readonly type = 'Embedding';
  readonly weight: Variable;

  constructor(
    readonly numEmbeddings: number,
    readonly dim: number,
    options: LayerOptions & { init?: Initializer } = {},
  ) {
    super();
    this.weight = this.addParameter(
      'weight',
      (options.init ?? normalInit())([numEmbeddings, dim], { rng: layerRng(options), dtype: options.dtype ?? 'float32' }),
    );
  }

  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new DTypeError('Embedding.forward', `argument 'ids' expected an int32 tensor, got ${ids.dtype}`);
    return gather(this.weight.value, ids, 0);
  }

  override config(): JsonObject {
    const c: JsonObject = { numEmbeddings: this.numEmbeddings, dim: this.dim };
    if (this.weight.value.dtype !== 'float32') c.dtype = this.weight.value.dtype;
    return c;
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const n = c.int('numEmbeddings', { min: 1 });
    const dim = c.int('dim', { min: 1 });
    context.reserve([n, dim]);
    return new Embedding(n, dim, { dtype: c.choice('dtype', ['float32', 'float64'], 'float32') });
  };
}

/**
 * Dense (fully connected) layer: y = x·W + b.
 * Shapes: x [..., in] → y [..., out]; W [in, out] (row-major, so x·W needs no transpose;
 * note PyTorch's nn.Linear stores the transpose [out, in]); b [out].
 */
import { type FusedActivation, type Tensor, ShapeError, type Variable, matmul, reshape } from '@lec/tensor';
import { type Initializer, glorotUniform, zerosInit } from '../initializers.js';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';
import { type LayerOptions, layerRng } from './layer-options.js';

/** Options of `Dense`. */
export interface DenseOptions extends LayerOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight initialiser (default Glorot uniform). */
  weightInit?: Initializer;
  /** Bias initialiser (default zeros). */
  biasInit?: Initializer;
}

/**
 * A fully connected layer y = x·W + b, W [in, out], accepting x of shape [..., in].
 * @example
 * ```ts
 * const dense = new Dense(3, 2, { seed: 0 });
 * dense.forward(ones([5, 3])).shape; // [5, 2]
 * ```
 */
export class Dense extends Module {
  readonly type = 'Dense';
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: DenseOptions = {},
  ) {
    super();
    const rng = layerRng(options);
    const dtype = options.dtype ?? 'float32';
    this.weight = this.addParameter('weight', (options.weightInit ?? glorotUniform())([inFeatures, outFeatures], { rng, dtype }));
    this.bias = options.bias === false ? null : this.addParameter('bias', (options.biasInit ?? zerosInit())([outFeatures], { rng, dtype }));
  }

  forward(x: Tensor): Tensor {
    return this.forwardActivated(x, 'none');
  }

  /**
   * @internal act(x·W + b) as one fused product (Sequential uses it for a Dense followed by
   * ReLU, Sigmoid or Tanh): the activation runs in the product's pass over the output, and its
   * gradient with the bias gradient in one pass over dy.
   */
  forwardActivated(x: Tensor, activation: FusedActivation): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError('Dense.forward', `argument 'x' expected shape [..., ${this.inFeatures}], got [${x.shape.join(', ')}]`);
    }
    // the bias goes into the product (one fused gemm on backends that have it)
    const bias = this.bias?.value;
    return x.rank === 1
      ? reshape(matmul(reshape(x, [1, this.inFeatures]), this.weight.value, { bias, activation }), [this.outFeatures])
      : matmul(x, this.weight.value, { bias, activation });
  }

  override config(): JsonObject {
    const c: JsonObject = { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
    if (this.weight.value.dtype !== 'float32') c.dtype = this.weight.value.dtype;
    return c;
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inFeatures = c.int('inFeatures', { min: 1 });
    const outFeatures = c.int('outFeatures', { min: 1 });
    const bias = c.bool('bias', true);
    context.reserve([inFeatures, outFeatures]);
    if (bias) context.reserve([outFeatures]);
    return new Dense(inFeatures, outFeatures, { bias, dtype: c.choice('dtype', ['float32', 'float64'], 'float32') });
  };
}

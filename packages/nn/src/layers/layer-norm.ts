/**
 * Layer normalisation (Ba et al. 2016): over the last k axes (k = normalizedShape.length),
 * y = (x − mean) / √(var + eps) · γ + β, with the biased variance. Shapes: x [..., *normalizedShape]
 * → same; γ (`weight`) and β (`bias`) have `normalizedShape`. Same in training and evaluation.
 */
import { type Tensor, ShapeError, type Variable, add, div, mean, mul, sqrt, square, sub } from '@lec/tensor';
import { onesInit, zerosInit } from '../initializers.js';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';
import type { LayerOptions } from './layer-options.js';

/** Options of `LayerNorm`. */
export interface LayerNormOptions extends Pick<LayerOptions, 'dtype'> {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn γ and β (default true). */
  affine?: boolean;
}

/**
 * Normalises each sample over its last axes, then scales and shifts.
 * @example
 * ```ts
 * const ln = new LayerNorm(4);
 * ln.forward(tensor([[1, 2, 3, 4]])).shape; // [1, 4] (mean 0, variance ≈ 1)
 * ```
 */
export class LayerNorm extends Module {
  readonly type = 'LayerNorm';
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly weight: Variable | null;
  readonly bias: Variable | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    const dtype = options.dtype ?? 'float32';
    const affine = options.affine ?? true;
    this.weight = affine ? this.addParameter('weight', onesInit()(this.normalizedShape, { dtype })) : null;
    this.bias = affine ? this.addParameter('bias', zerosInit()(this.normalizedShape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const tail = x.shape.slice(x.rank - k);
    if (x.rank < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(
        'LayerNorm.forward',
        `argument 'x' expected shape [..., ${this.normalizedShape.join(', ')}], got [${x.shape.join(', ')}]`,
      );
    }
    const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
    const mu = mean(x, axes, { keepDims: true });
    const centred = sub(x, mu);
    const variance = mean(square(centred), axes, { keepDims: true });
    let y = div(centred, sqrt(add(variance, this.eps)));
    if (this.weight) y = mul(y, this.weight.value);
    if (this.bias) y = add(y, this.bias.value);
    return y;
  }

  override config(): JsonObject {
    const c: JsonObject = { normalizedShape: [...this.normalizedShape], eps: this.eps, affine: this.weight !== null };
    if (this.weight && this.weight.value.dtype !== 'float32') c.dtype = this.weight.value.dtype;
    return c;
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const shape = c.intList('normalizedShape', { min: 1, maxLength: 8 });
    const affine = c.bool('affine', true);
    if (affine) {
      context.reserve(shape);
      context.reserve(shape);
    }
    return new LayerNorm(shape, {
      eps: c.number('eps', { min: 0, fallback: 1e-5 }),
      affine,
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}

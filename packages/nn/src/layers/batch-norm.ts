/**
 * Batch normalisation (Ioffe & Szegedy 2015), channels last. Training mode normalises with
 * the batch statistics over every axis but the last, y = (x − μ_B) / √(σ²_B + eps) · γ + β
 * (biased σ²_B), and updates the running statistics (not trainable):
 * running ← (1 − momentum)·running + momentum·batch (the unbiased variance for running_var).
 * Evaluation mode uses the running statistics. BatchNorm1d takes [n, c] or [n, t, c];
 * BatchNorm2d takes NHWC [n, h, w, c]. Parameter names follow PyTorch: weight, bias,
 * running_mean, running_var.
 */
import { type Tensor, ShapeError, ValueError, type Variable, add, div, mean, mul, noGrad, sqrt, square, sub } from '@lec/tensor';
import { onesInit, zerosInit } from '../initializers.js';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';
import type { LayerOptions } from './layer-options.js';

/** Options of the batch-norm layers. */
export interface BatchNormOptions extends Pick<LayerOptions, 'dtype'> {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1, as PyTorch). */
  momentum?: number;
  /** Learn γ and β (default true). */
  affine?: boolean;
}

abstract class BatchNormBase extends Module {
  readonly eps: number;
  readonly momentum: number;
  readonly weight: Variable | null;
  readonly bias: Variable | null;
  readonly runningMean: Variable;
  readonly runningVar: Variable;

  constructor(
    readonly numFeatures: number,
    readonly ranks: readonly number[],
    options: BatchNormOptions,
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const dtype = options.dtype ?? 'float32';
    const affine = options.affine ?? true;
    this.weight = affine ? this.addParameter('weight', onesInit()([numFeatures], { dtype })) : null;
    this.bias = affine ? this.addParameter('bias', zerosInit()([numFeatures], { dtype })) : null;
    this.runningMean = this.addParameter('running_mean', zerosInit()([numFeatures], { dtype }), { trainable: false });
    this.runningVar = this.addParameter('running_var', onesInit()([numFeatures], { dtype }), { trainable: false });
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.rank) || x.shape[x.rank - 1] !== this.numFeatures) {
      const layouts = this.ranks.map((r) => `[${[...['n', 'h', 'w'].slice(0, r - 1), this.numFeatures].join(', ')}]`).join(' or ');
      throw new ShapeError(`${this.type}.forward`, `argument 'x' expected shape ${layouts} (channels last), got [${x.shape.join(', ')}]`);
    }
    let y: Tensor;
    if (this.training) {
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const n = x.size / this.numFeatures;
      // one value per channel has variance 0 and normalises to exactly 0: refuse rather than train on zeros
      if (n <= 1)
        throw new ValueError(
          `${this.type}.forward`,
          `argument 'x' of shape [${x.shape.join(', ')}] has ${n} value per channel; training needs more than 1 (use a larger batch or call eval())`,
        );
      const mu = mean(x, axes);
      const centred = sub(x, mu);
      const variance = mean(square(centred), axes);
      y = div(centred, sqrt(add(variance, this.eps)));
      noGrad(() => {
        const m = this.momentum;
        this.runningMean.assign(add(mul(this.runningMean.value, 1 - m), mul(mu, m)));
        this.runningVar.assign(add(mul(this.runningVar.value, 1 - m), mul(variance, (m * n) / Math.max(1, n - 1))));
      });
    } else {
      y = div(sub(x, this.runningMean.value), sqrt(add(this.runningVar.value, this.eps)));
    }
    if (this.weight) y = mul(y, this.weight.value);
    if (this.bias) y = add(y, this.bias.value);
    return y;
  }

  override config(): JsonObject {
    const c: JsonObject = { numFeatures: this.numFeatures, eps: this.eps, momentum: this.momentum, affine: this.weight !== null };
    if (this.runningMean.value.dtype !== 'float32') c.dtype = this.runningMean.value.dtype;
    return c;
  }
}

function readOptions(c: Parameters<LayerFactory>[0], context: Parameters<LayerFactory>[1]): [number, BatchNormOptions] {
  const n = c.int('numFeatures', { min: 1 });
  const affine = c.bool('affine', true);
  for (let i = 0; i < (affine ? 4 : 2); i++) context.reserve([n]);
  return [
    n,
    {
      eps: c.number('eps', { min: 0, fallback: 1e-5 }),
      momentum: c.number('momentum', { min: 0, max: 1, fallback: 0.1 }),
      affine,
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    },
  ];
}

/**
 * Batch norm over [n, c] or [n, t, c] inputs (statistics per feature c).
 * @example
 * ```ts
 * const bn = new BatchNorm1d(3);
 * bn.forward(randn([8, 3], { seed: 0 })).shape; // [8, 3]
 * bn.eval(); // now uses running_mean / running_var
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  readonly type = 'BatchNorm1d';
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], options);
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => new BatchNorm1d(...readOptions(c, context));
}

/**
 * Batch norm over NHWC images [n, h, w, c] (statistics per channel c).
 * @example
 * ```ts
 * new BatchNorm2d(3).forward(randn([2, 4, 4, 3], { seed: 0 })).shape; // [2, 4, 4, 3]
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  readonly type = 'BatchNorm2d';
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [4], options);
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => new BatchNorm2d(...readOptions(c, context));
}

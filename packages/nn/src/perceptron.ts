/**
 * The perceptron (Rosenblatt 1958), the lecture's recap. ŷ = step(x·w + b) with step(z) = 1
 * for z > 0, else 0. The learning rule, per sample: w ← w + η(y − ŷ)x, b ← b + η(y − ŷ).
 * By the perceptron convergence theorem it stops making mistakes on linearly separable data
 * (OR, AND); on XOR no line separates the classes, so it never converges and `learn`
 * reports that after its epoch budget. Shapes: x [n, in], w [in, 1], output [n, 1].
 */
import { type Tensor, ShapeError, ValueError, type Variable, add, cast, greater, matmul, mul, reshape, slice, tidy } from '@lec/tensor';
import { zerosInit } from './initializers.js';
import type { JsonObject } from './json.js';
import { Module } from './module.js';
import type { LayerFactory } from './registry.js';
import type { LayerOptions } from './layers/layer-options.js';

/** What `Perceptron.learn` returns. */
export interface PerceptronResult {
  /** Whether an epoch passed with no mistakes. */
  converged: boolean;
  /** Epochs run. */
  epochs: number;
  /** Mistakes in each epoch. */
  errors: number[];
}

/**
 * One Rosenblatt update for one sample: returns the new weight [in, 1] and bias [1] and the
 * error y − ŷ (−1, 0 or 1). Pure: the inputs are not changed.
 * @example
 * ```ts
 * const { error } = rosenblattStep(zeros([2, 1]), zeros([1]), tensor([1, 1]), 1, 1);
 * error; // 1 (ŷ = step(0) = 0 but y = 1)
 * ```
 */
export function rosenblattStep(
  weight: Tensor,
  bias: Tensor,
  x: Tensor,
  target: number,
  learningRate = 1,
): { weight: Tensor; bias: Tensor; error: number } {
  const inFeatures = weight.shape[0];
  if (target !== 0 && target !== 1) throw new ValueError('rosenblattStep', `argument 'target' expected 0 or 1, got ${target}`);
  if (x.size !== inFeatures)
    throw new ShapeError('rosenblattStep', `argument 'x' expected ${inFeatures} features, got shape [${x.shape.join(', ')}]`);
  const row = reshape(x, [1, inFeatures]);
  const z = add(matmul(row, weight), bias).item();
  const error = target - (z > 0 ? 1 : 0);
  if (error === 0) return { weight, bias, error };
  return { weight: add(weight, reshape(mul(row, learningRate * error), [inFeatures, 1])), bias: add(bias, learningRate * error), error };
}

/**
 * A single threshold unit trained with the Rosenblatt rule.
 * @example
 * ```ts
 * const p = new Perceptron(2);
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
 * p.learn(x, tensor([0, 1, 1, 1])).converged; // true (OR)
 * p.forward(x).toArray(); // [[0], [1], [1], [1]]
 * ```
 */
export class Perceptron extends Module {
  readonly type = 'Perceptron';
  readonly weight: Variable;
  readonly bias: Variable;

  constructor(
    readonly inFeatures: number,
    options: Pick<LayerOptions, 'dtype'> = {},
  ) {
    super();
    const dtype = options.dtype ?? 'float32';
    this.weight = this.addParameter('weight', zerosInit()([inFeatures, 1], { dtype }));
    this.bias = this.addParameter('bias', zerosInit()([1], { dtype }));
  }

  /** step(x·w + b) as 0/1 of the weight's dtype, [n, 1]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.inFeatures)
      throw new ShapeError('Perceptron.forward', `argument 'x' expected shape [n, ${this.inFeatures}], got [${x.shape.join(', ')}]`);
    return cast(greater(add(matmul(x, this.weight.value), this.bias.value), 0), this.weight.value.dtype);
  }

  /**
   * Runs the Rosenblatt rule over the samples in order, epoch after epoch, until an epoch
   * has no mistakes (converged) or `epochs` (default 100) have run.
   * @example
   * ```ts
   * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
   * new Perceptron(2).learn(x, tensor([0, 1, 1, 0]), { epochs: 50 }); // { converged: false, epochs: 50 } (XOR is not linearly separable)
   * new Perceptron(2).learn(x, tensor([0, 0, 0, 1])).converged; // true (AND is)
   * ```
   */
  learn(x: Tensor, y: Tensor, options: { epochs?: number; learningRate?: number } = {}): PerceptronResult {
    if (x.rank !== 2 || x.shape[1] !== this.inFeatures)
      throw new ShapeError('Perceptron.learn', `argument 'x' expected shape [n, ${this.inFeatures}], got [${x.shape.join(', ')}]`);
    const n = x.shape[0];
    if (y.size !== n) throw new ShapeError('Perceptron.learn', `argument 'y' expected ${n} labels, got shape [${y.shape.join(', ')}]`);
    const labels = y.dataSync();
    const maxEpochs = options.epochs ?? 100;
    const lr = options.learningRate ?? 1;
    const errors: number[] = [];
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      let mistakes = 0;
      for (let i = 0; i < n; i++) {
        tidy(() => {
          const r = rosenblattStep(this.weight.value, this.bias.value, slice(x, [i, 0], [1, this.inFeatures]), labels[i], lr);
          if (r.error !== 0) {
            mistakes++;
            this.weight.assign(r.weight);
            this.bias.assign(r.bias);
          }
        });
      }
      errors.push(mistakes);
      if (mistakes === 0) return { converged: true, epochs: epoch + 1, errors };
    }
    return { converged: false, epochs: maxEpochs, errors };
  }

  override config(): JsonObject {
    const c: JsonObject = { inFeatures: this.inFeatures };
    if (this.weight.value.dtype !== 'float32') c.dtype = this.weight.value.dtype;
    return c;
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inFeatures = c.int('inFeatures', { min: 1 });
    context.reserve([inFeatures, 1]);
    context.reserve([1]);
    return new Perceptron(inFeatures, { dtype: c.choice('dtype', ['float32', 'float64'], 'float32') });
  };
}

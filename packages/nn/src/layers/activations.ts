/**
 * Activation functions as layers (no parameters; any shape in, the same shape out).
 * ReLU max(0, x) ∈ [0, ∞); Tanh ∈ (−1, 1); Sigmoid 1/(1+e^−x) ∈ (0, 1);
 * LeakyReLU x for x > 0 else αx; ELU x for x > 0 else α(e^x − 1) ∈ (−α, ∞);
 * Softmax e^x_i / Σ e^x_j along an axis (default the last), each slice sums to 1.
 */
import { type Tensor, elu, leakyRelu, relu, sigmoid, softmax, tanh } from '@lec/tensor';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';

/**
 * ReLU: max(0, x), elementwise.
 * @example
 * ```ts
 * new ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  readonly type = 'ReLU';
  forward(x: Tensor): Tensor {
    return relu(x);
  }
  override config(): JsonObject {
    return {};
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = () => new ReLU();
}

/**
 * Tanh: the hyperbolic tangent, elementwise, in (−1, 1).
 * @example
 * ```ts
 * new Tanh().forward(tensor([0])).toArray(); // [0]
 * ```
 */
export class Tanh extends Module {
  readonly type = 'Tanh';
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
  override config(): JsonObject {
    return {};
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = () => new Tanh();
}

/**
 * Sigmoid: 1 / (1 + e^−x), elementwise, in (0, 1).
 * @example
 * ```ts
 * new Sigmoid().forward(tensor([0])).toArray(); // [0.5]
 * ```
 */
export class Sigmoid extends Module {
  readonly type = 'Sigmoid';
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
  override config(): JsonObject {
    return {};
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = () => new Sigmoid();
}

/**
 * LeakyReLU: x for x > 0, else alpha·x (default alpha 0.01).
 * @example
 * ```ts
 * new LeakyReLU(0.1).forward(tensor([-10, 1])).toArray(); // [-1, 1]
 * ```
 */
export class LeakyReLU extends Module {
  readonly type = 'LeakyReLU';
  constructor(readonly alpha = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.alpha);
  }
  override config(): JsonObject {
    return { alpha: this.alpha };
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c) => new LeakyReLU(c.number('alpha', { fallback: 0.01 }));
}

/**
 * ELU (Clevert et al. 2016): x for x > 0, else alpha·(e^x − 1) (default alpha 1).
 * @example
 * ```ts
 * new ELU().forward(tensor([0, 1])).toArray(); // [0, 1]
 * ```
 */
export class ELU extends Module {
  readonly type = 'ELU';
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override config(): JsonObject {
    return { alpha: this.alpha };
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c) => new ELU(c.number('alpha', { fallback: 1 }));
}

/**
 * Softmax along `axis` (default −1): each slice becomes a probability distribution.
 * For training, prefer raw logits with `softmaxCrossEntropyWithLogits` (more stable).
 * @example
 * ```ts
 * new Softmax().forward(tensor([[0, 0]])).toArray(); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Module {
  readonly type = 'Softmax';
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
  override config(): JsonObject {
    return { axis: this.axis };
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c) => new Softmax(c.int('axis', { min: -32, max: 32, fallback: -1 }));
}

/**
 * LSTMCell, with exactly the lecture's equations (Hochreiter & Schmidhuber 1997, with the
 * forget gate of Gers et al. 2000):
 *   f_t = σ(W_f·[h_{t−1}, x_t] + b_f)          forget gate
 *   i_t = σ(W_i·[h_{t−1}, x_t] + b_i)          input gate
 *   C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)       candidate cell state
 *   C_t = f_t * C_{t−1} + i_t * C̃_t            cell state
 *   o_t = σ(W_o·[h_{t−1}, x_t] + b_o)          output gate
 *   h_t = o_t * tanh(C_t)
 * The four gates are stored side by side in the order i, f, C̃, o (PyTorch's and Keras's
 * order): weightIh [in, 4H], weightHh [H, 4H], bias [4H]. The forget-gate bias starts at
 * `forgetBias` (default 1, so the cell remembers by default).
 */
import { type JsonObject, type LayerFactory, Module } from '@lec/nn';
import { type Tensor, type Variable, add, lstmCell, matmul, mul, sigmoid, split, tanh, tensor, zeros } from '@lec/tensor';
import type { RecurrentCell, State } from './cell.js';
import { checkSizes, type CellOptions, cellRng, inputWeights, recurrentWeights } from './init.js';
import { checkInput } from './rnn-cell.js';

/**
 * The LSTM cell. State [h, C].
 * @example
 * ```ts
 * const cell = new LSTMCell(3, 4, { seed: 0 });
 * const [h, c] = cell.step(cell.projectInputs(ones([2, 3])), cell.initialState(2));
 * [h.shape, c.shape]; // [[2, 4], [2, 4]]
 * ```
 */
export class LSTMCell extends Module implements RecurrentCell {
  readonly type = 'LSTMCell';
  readonly stateSize = 2;
  readonly weightIh: Variable;
  readonly weightHh: Variable;
  readonly bias: Variable;
  readonly forgetBias: number;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: CellOptions & { forgetBias?: number } = {},
  ) {
    super();
    checkSizes('LSTMCell', { inputSize, hiddenSize });
    const rng = cellRng(options);
    const dtype = options.dtype ?? 'float32';
    this.forgetBias = options.forgetBias ?? 1;
    this.weightIh = this.addParameter('weightIh', inputWeights(inputSize, hiddenSize, 4, rng, dtype));
    this.weightHh = this.addParameter('weightHh', recurrentWeights(hiddenSize, 4, rng, dtype));
    const b = new Float64Array(4 * hiddenSize);
    b.fill(this.forgetBias, hiddenSize, 2 * hiddenSize);
    this.bias = this.addParameter('bias', tensor(b, [4 * hiddenSize], { dtype }));
  }

  projectInputs(x: Tensor): Tensor {
    return matmul(x, this.weightIh.value, { bias: this.bias.value });
  }

  /**
   * One step. `cellProbe` [batch, H] is added to C_t before h_t = o_t * tanh(C_t) is formed
   * (zeros change nothing; its gradient is ∂L/∂C_t: see `cellGradientNorms`).
   */
  step(projected: Tensor, state: State, cellProbe?: Tensor): State {
    const [hPrev, cPrev] = state;
    // z = x·W_x + b + h_{t−1}·W_h holds the four gates' pre-activations; lstmCell applies
    // σ/tanh and forms c_t and h_t (fused into one pass on backends that have the fast path)
    const z = add(projected, matmul(hPrev, this.weightHh.value));
    if (!cellProbe) return lstmCell(z, cPrev);
    // the same equations as composite ops, so the probe sits between C_t and h_t
    const [i, f, candidate, o] = split(z, 4, 1);
    const c = add(add(mul(sigmoid(f), cPrev), mul(sigmoid(i), tanh(candidate))), cellProbe);
    return [mul(sigmoid(o), tanh(c)), c];
  }

  initialState(batch: number): State {
    const dtype = this.weightHh.value.dtype;
    return [zeros([batch, this.hiddenSize], { dtype }), zeros([batch, this.hiddenSize], { dtype })];
  }

  /** One step from zeros (or `state`): x [batch, in] → h [batch, H]. */
  forward(x: Tensor, state?: State): Tensor {
    checkInput('LSTMCell', x, this.inputSize);
    return this.step(this.projectInputs(x), state ?? this.initialState(x.shape[0]))[0];
  }

  override config(): JsonObject {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, forgetBias: this.forgetBias, dtype: this.weightHh.value.dtype };
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    context.reserve([inputSize + hiddenSize + 1, 4 * hiddenSize]);
    return new LSTMCell(inputSize, hiddenSize, {
      forgetBias: c.number('forgetBias', { fallback: 1 }),
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}

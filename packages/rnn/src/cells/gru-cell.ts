/**
 * GRUCell (Cho et al. 2014), in the form PyTorch and Keras (reset_after) use:
 *   r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)            reset gate
 *   z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)            update gate
 *   n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t−1} + b_hn))  candidate
 *   h_t = (1 − z_t) * n_t + z_t * h_{t−1}
 * Gates side by side in the order r, z, n: weightIh [in, 3H], weightHh [H, 3H], biasIh [3H],
 * biasHh [3H] (two biases, because the reset gate multiplies W_hn h + b_hn).
 * With `resetAfter: false` the candidate is the original form of Cho et al. (Keras
 * reset_after=False, tfjs-layers' only GRU): n_t = tanh(W_in x_t + b_in + W_hn (r_t * h_{t−1}) + b_hn).
 */
import { type JsonObject, type LayerFactory, Module, zerosInit } from '@lec/nn';
import { type Tensor, type Variable, add, matmul, mul, sigmoid, split, sub, tanh, zeros } from '@lec/tensor';
import type { RecurrentCell, State } from './cell.js';
import { checkSizes, type CellOptions, cellRng, inputWeights, recurrentWeights } from './init.js';
import { checkInput } from './rnn-cell.js';

/**
 * The GRU cell. State [h].
 * @example
 * ```ts
 * new GRUCell(3, 4, { seed: 0 }).forward(ones([2, 3])).shape; // [2, 4]
 * ```
 */
export class GRUCell extends Module implements RecurrentCell {
  readonly type = 'GRUCell';
  readonly stateSize = 1;
  readonly weightIh: Variable;
  readonly weightHh: Variable;
  readonly biasIh: Variable;
  readonly biasHh: Variable;
  /** Where the reset gate applies: after the recurrent product (default) or before it. */
  readonly resetAfter: boolean;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: CellOptions & { resetAfter?: boolean } = {},
  ) {
    super();
    checkSizes('GRUCell', { inputSize, hiddenSize });
    this.resetAfter = options.resetAfter ?? true;
    const rng = cellRng(options);
    const dtype = options.dtype ?? 'float32';
    this.weightIh = this.addParameter('weightIh', inputWeights(inputSize, hiddenSize, 3, rng, dtype));
    this.weightHh = this.addParameter('weightHh', recurrentWeights(hiddenSize, 3, rng, dtype));
    this.biasIh = this.addParameter('biasIh', zerosInit()([3 * hiddenSize], { dtype }));
    this.biasHh = this.addParameter('biasHh', zerosInit()([3 * hiddenSize], { dtype }));
  }

  projectInputs(x: Tensor): Tensor {
    return matmul(x, this.weightIh.value, { bias: this.biasIh.value });
  }

  /**
   * One step. `recurrentMask` [batch, H] (variational recurrent dropout) multiplies h_{t−1}
   * where it enters the gates, not where z carries it over.
   */
  step(projected: Tensor, state: State, recurrentMask?: Tensor): State {
    const [hPrev] = state;
    const hIn = recurrentMask ? mul(hPrev, recurrentMask) : hPrev;
    const H = this.hiddenSize;
    const [xr, xz, xn] = split(projected, 3, 1);
    let r: Tensor;
    let z: Tensor;
    let n: Tensor;
    if (this.resetAfter) {
      const [hr, hz, hn] = split(add(matmul(hIn, this.weightHh.value), this.biasHh.value), 3, 1);
      r = sigmoid(add(xr, hr));
      z = sigmoid(add(xz, hz));
      n = tanh(add(xn, mul(r, hn)));
    } else {
      const [wRz, wN] = split(this.weightHh.value, [2 * H, H], 1);
      const [bRz, bN] = split(this.biasHh.value, [2 * H, H], 0);
      const [hr, hz] = split(add(matmul(hIn, wRz), bRz), 2, 1);
      r = sigmoid(add(xr, hr));
      z = sigmoid(add(xz, hz));
      n = tanh(add(add(xn, matmul(mul(r, hIn), wN)), bN));
    }
    // (1 − z)·n + z·h = n + z·(h − n)
    return [add(n, mul(z, sub(hPrev, n)))];
  }

  initialState(batch: number): State {
    return [zeros([batch, this.hiddenSize], { dtype: this.weightHh.value.dtype })];
  }

  /** One step from zeros (or `state`): x [batch, in] → h [batch, H]. */
  forward(x: Tensor, state?: State): Tensor {
    checkInput('GRUCell', x, this.inputSize);
    return this.step(this.projectInputs(x), state ?? this.initialState(x.shape[0]))[0];
  }

  override config(): JsonObject {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, resetAfter: this.resetAfter, dtype: this.weightHh.value.dtype };
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    context.reserve([inputSize + hiddenSize + 2, 3 * hiddenSize]);
    return new GRUCell(inputSize, hiddenSize, {
      resetAfter: c.bool('resetAfter', true),
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}

/**
 * RNNCell, the plain (Elman) recurrence of the lecture:
 *   h_t = tanh(W_hh·h_{t−1} + W_xh·x_t + b)
 * Shapes (row-major, so x·W): x [batch, in], h [batch, H]; weightIh = W_xhᵀ [in, H],
 * weightHh = W_hhᵀ [H, H], bias [H]. `activation: 'relu'` gives the ReLU RNN.
 */
import { type JsonObject, type LayerFactory, Module, zerosInit } from '@lec/nn';
import { ShapeError, type Tensor, type Variable, add, matmul, relu, tanh, zeros } from '@lec/tensor';
import type { RecurrentCell, State } from './cell.js';
import { checkSizes, type CellOptions, cellRng, inputWeights, recurrentWeights } from './init.js';

/**
 * The plain recurrent cell h_t = tanh(W_hh h_{t−1} + W_xh x_t + b).
 * @example
 * ```ts
 * const cell = new RNNCell(3, 4, { seed: 0 });
 * cell.forward(zeros([2, 3])).shape; // [2, 4]
 * ```
 */
export class RNNCell extends Module implements RecurrentCell {
  readonly type = 'RNNCell';
  readonly stateSize = 1;
  readonly weightIh: Variable;
  readonly weightHh: Variable;
  readonly bias: Variable;
  readonly activation: 'tanh' | 'relu';

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: CellOptions & { activation?: 'tanh' | 'relu' } = {},
  ) {
    super();
    checkSizes('RNNCell', { inputSize, hiddenSize });
    const rng = cellRng(options);
    const dtype = options.dtype ?? 'float32';
    this.activation = options.activation ?? 'tanh';
    this.weightIh = this.addParameter('weightIh', inputWeights(inputSize, hiddenSize, 1, rng, dtype));
    this.weightHh = this.addParameter('weightHh', recurrentWeights(hiddenSize, 1, rng, dtype));
    this.bias = this.addParameter('bias', zerosInit()([hiddenSize], { dtype }));
  }

  projectInputs(x: Tensor): Tensor {
    return matmul(x, this.weightIh.value, { bias: this.bias.value });
  }

  step(projected: Tensor, state: State): State {
    const z = add(projected, matmul(state[0], this.weightHh.value));
    return [this.activation === 'tanh' ? tanh(z) : relu(z)];
  }

  initialState(batch: number): State {
    return [zeros([batch, this.hiddenSize], { dtype: this.weightHh.value.dtype })];
  }

  /** One step from zeros (or `state`): x [batch, in] → h [batch, H]. */
  forward(x: Tensor, state?: State): Tensor {
    checkInput('RNNCell', x, this.inputSize);
    return this.step(this.projectInputs(x), state ?? this.initialState(x.shape[0]))[0];
  }

  override config(): JsonObject {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, activation: this.activation, dtype: this.weightHh.value.dtype };
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    context.reserve([inputSize + hiddenSize + 1, hiddenSize]);
    return new RNNCell(inputSize, hiddenSize, {
      activation: c.choice('activation', ['tanh', 'relu'], 'tanh'),
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}

/** @internal x must be [batch, inputSize]. */
export function checkInput(op: string, x: Tensor, inputSize: number): void {
  if (x.rank !== 2 || x.shape[1] !== inputSize)
    throw new ShapeError(`${op}.forward`, `argument 'x' expected [batch, ${inputSize}], got [${x.shape.join(', ')}]`);
}

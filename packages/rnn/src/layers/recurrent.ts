/**
 * Recurrent layers over sequences [batch, time, features]: RNN, LSTM and GRU, with stacking
 * (numLayers, dropout between layers), returnSequences / returnState, an initial state, and
 * variable-length batches (`lengths`): padded steps neither change the state nor receive
 * gradient, and their outputs are 0.
 *
 * How a layer runs: the whole input sequence is projected with one matrix product
 * (x·W_x + b for every step at once), then the recurrence runs step by step and multiplies
 * only by the recurrent weights.
 */
import { type BuildContext, type JsonObject, type LayerFactory, Module } from '@lec/nn';
import {
  Rng,
  type RngState,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  dropout,
  lstmSequence,
  mul,
  ones,
  reshape,
  split,
  stack,
  sub,
  transpose,
} from '@lec/tensor';
import type { RecurrentCell, State } from '../cells/cell.js';
import type { CellOptions } from '../cells/init.js';
import { GRUCell } from '../cells/gru-cell.js';
import { LSTMCell } from '../cells/lstm-cell.js';
import { RNNCell } from '../cells/rnn-cell.js';
import { stepMasks } from './sequence-mask.js';

/** Options of the recurrent layers. */
export interface RecurrentOptions extends CellOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /**
   * Variational recurrent dropout (Gal & Ghahramani 2016), in training (default 0): one mask
   * per layer and sequence, drawn at the start of `run`, multiplies h_{t−1} where it enters
   * the recurrence, the same mask at every step (a fresh mask per step would destroy memory).
   */
  recurrentDropout?: number;
  /** forward() returns [batch, time, hidden] (true) or the last output [batch, hidden] (default false). */
  returnSequences?: boolean;
}

/** Per-call options of `run`. */
export interface RunOptions {
  /** One initial state per stacked layer (default zeros). */
  initialState?: State[];
  /** The true length of every sequence in the batch (default: all `time` steps). */
  lengths?: ArrayLike<number>;
  /**
   * Tensors [batch, hidden] added to the top layer's h_t at every step (zeros leave the
   * result unchanged): differentiating with respect to them gives ∂L/∂h_t. Used by
   * `hiddenGradientNorms`.
   */
  probes?: Tensor[];
  /**
   * LSTM only: tensors [batch, hidden] added to the top layer's cell state C_t at every step;
   * their gradients are ∂L/∂C_t. Used by `cellGradientNorms`.
   */
  cellProbes?: Tensor[];
}

/** What `run` returns. */
export interface RunResult {
  /** The top layer's outputs [batch, time, hidden] (0 on padded steps). */
  sequence: Tensor;
  /** The top layer's output at each sequence's last real step [batch, hidden]. */
  last: Tensor;
  /** The final state of every stacked layer (taken at each sequence's last real step). */
  states: State[];
}

type CellKind = 'rnn' | 'lstm' | 'gru';

abstract class Recurrent extends Module {
  readonly cells: RecurrentCell[];
  readonly numLayers: number;
  readonly dropoutRate: number;
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly #rng: Rng;

  constructor(
    readonly kind: CellKind,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions & { activation?: 'tanh' | 'relu'; forgetBias?: number; resetAfter?: boolean } = {},
  ) {
    super();
    this.numLayers = options.numLayers ?? 1;
    this.dropoutRate = options.dropout ?? 0;
    this.recurrentDropout = options.recurrentDropout ?? 0;
    this.returnSequences = options.returnSequences ?? false;
    if (!Number.isSafeInteger(this.numLayers) || this.numLayers < 1)
      throw new ValueError(this.constructor.name, `argument 'numLayers' expected a positive integer, got ${options.numLayers}`);
    if (!(this.dropoutRate >= 0 && this.dropoutRate < 1))
      throw new ValueError(this.constructor.name, `argument 'dropout' expected a rate in [0, 1), got ${options.dropout}`);
    if (!(this.recurrentDropout >= 0 && this.recurrentDropout < 1))
      throw new ValueError(this.constructor.name, `argument 'recurrentDropout' expected a rate in [0, 1), got ${options.recurrentDropout}`);
    const rng = options.rng ?? new Rng(options.seed ?? 0);
    this.#rng = rng.fork();
    this.cells = Array.from({ length: this.numLayers }, (_, i) => {
      const size = i === 0 ? inputSize : hiddenSize;
      const cellOptions = { rng, dtype: options.dtype };
      const cell =
        kind === 'lstm'
          ? new LSTMCell(size, hiddenSize, { ...cellOptions, forgetBias: options.forgetBias })
          : kind === 'gru'
            ? new GRUCell(size, hiddenSize, { ...cellOptions, resetAfter: options.resetAfter })
            : new RNNCell(size, hiddenSize, { ...cellOptions, activation: options.activation });
      return this.addModule(`cell${i}`, cell);
    });
  }

  /**
   * Runs the stack over x [batch, time, inputSize].
   * @example
   * ```ts
   * const lstm = new LSTM(3, 5, { seed: 0 });
   * const { sequence, last, states } = lstm.run(ones([2, 4, 3]), { lengths: [4, 2] });
   * [sequence.shape, last.shape, states[0].length]; // [[2, 4, 5], [2, 5], 2]
   * ```
   */
  run(x: Tensor, options: RunOptions = {}): RunResult {
    const name = this.constructor.name;
    if (x.rank !== 3 || x.shape[2] !== this.inputSize) {
      throw new ShapeError(`${name}.run`, `argument 'x' expected [batch, time, ${this.inputSize}], got [${x.shape.join(', ')}]`);
    }
    const [batch, steps] = x.shape;
    if (options.lengths && options.lengths.length !== batch) {
      throw new ShapeError(`${name}.run`, `argument 'lengths' has ${options.lengths.length} entries for a batch of ${batch}`);
    }
    if (options.initialState && options.initialState.length !== this.numLayers) {
      throw new ShapeError(
        `${name}.run`,
        `argument 'initialState' expected one state per layer (${this.numLayers}), got ${options.initialState.length}`,
      );
    }
    if (options.probes && options.probes.length !== steps) {
      throw new ShapeError(`${name}.run`, `argument 'probes' expected one tensor per step (${steps}), got ${options.probes.length}`);
    }
    const cellProbes = options.cellProbes;
    if (cellProbes && this.kind !== 'lstm')
      throw new ValueError(`${name}.run`, `argument 'cellProbes' needs an LSTM (a cell state C_t); this layer is ${name}`);
    if (cellProbes && cellProbes.length !== steps) {
      throw new ShapeError(`${name}.run`, `argument 'cellProbes' expected one tensor per step (${steps}), got ${cellProbes.length}`);
    }
    const recurrentDrop = this.training && this.recurrentDropout > 0;
    const masks = options.lengths ? stepMasks(options.lengths, steps, x) : null;
    let input = x;
    let outputs: Tensor[] = [];
    const states: State[] = [];
    this.cells.forEach((cell, layer) => {
      const isTop = layer === this.numLayers - 1;
      let state = options.initialState?.[layer] ?? cell.initialState(batch);
      if (cell instanceof LSTMCell && !masks && !recurrentDrop && !(isTop && (options.probes || cellProbes))) {
        // the same recurrence as the loop below, as one op: backends with the lstmSequence fast
        // path run every step in one call (and the recurrent weights' gradient as one product)
        const [sequence, h, c] = lstmSequence(cell.projectInputs(input), cell.weightHh.value, state[0], state[1]);
        states.push([h, c]);
        input = sequence;
        if (!isTop && this.dropoutRate > 0 && this.training) input = dropout(input, this.dropoutRate, { rng: this.#rng });
        return;
      }
      // [batch, time, in] → [time, batch, gates·H] with one product, so step t is a contiguous slice
      const projected = transpose(cell.projectInputs(input), [1, 0, 2]);
      const width = projected.shape[2];
      // one split (a single op with one gradient pass), not a slice per step
      const perStep = steps > 0 ? split(projected, steps, 0) : [];
      outputs = [];
      // inverted dropout of ones: the mask already holds 0 or 1/(1 − rate)
      const hMask = recurrentDrop
        ? dropout(ones([batch, this.hiddenSize], { dtype: x.dtype }), this.recurrentDropout, { rng: this.#rng })
        : null;
      for (let t = 0; t < steps; t++) {
        const xt = reshape(perStep[t], [batch, width]);
        // the dropped h_{t−1} feeds the gates only: an LSTM's C_{t−1} passes whole, and the GRU
        // masks it inside (its update z also carries h_{t−1} over, unmasked)
        const recurrent = hMask && !(cell instanceof GRUCell) ? [mul(state[0], hMask), ...state.slice(1)] : state;
        let next =
          cell instanceof GRUCell
            ? cell.step(xt, recurrent, hMask ?? undefined)
            : isTop && cellProbes
              ? (cell as LSTMCell).step(xt, recurrent, cellProbes[t])
              : cell.step(xt, recurrent);
        if (isTop && options.probes) next = [add(next[0], options.probes[t]), ...next.slice(1)];
        if (masks) {
          // padded steps keep the previous state: s = s_prev + m·(s_new − s_prev)
          const m = masks[t];
          next = next.map((s, i) => add(state[i], mul(m, sub(s, state[i]))));
          outputs.push(mul(next[0], m));
        } else {
          outputs.push(next[0]);
        }
        state = next;
      }
      states.push(state);
      input = stack(outputs, 1);
      if (!isTop && this.dropoutRate > 0 && this.training) input = dropout(input, this.dropoutRate, { rng: this.#rng });
    });
    return { sequence: input, last: states[this.numLayers - 1][0], states };
  }

  /**
   * The position of the dropout mask generator (between-layer and recurrent dropout; saved in
   * training checkpoints).
   * @example
   * ```ts
   * const a = new LSTM(2, 4, { seed: 0, recurrentDropout: 0.5 });
   * const b = new LSTM(2, 4, { seed: 0, recurrentDropout: 0.5 });
   * a.forward(ones([1, 3, 2]));
   * b.setRandomState(a.randomState());
   * a.forward(ones([1, 3, 2])).toArray().join() === b.forward(ones([1, 3, 2])).toArray().join(); // true
   * ```
   */
  randomState(): RngState {
    return this.#rng.state();
  }

  /** Moves the mask generator to a state from `randomState()`. */
  setRandomState(state: RngState): void {
    this.#rng.setState(state);
  }

  /** [batch, time, in] → [batch, time, H] if returnSequences, else the last output [batch, H]. */
  forward(x: Tensor): Tensor {
    const r = this.run(x);
    return this.returnSequences ? r.sequence : r.last;
  }

  override config(): JsonObject {
    const c: JsonObject = {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      dropout: this.dropoutRate,
      returnSequences: this.returnSequences,
    };
    if (this.recurrentDropout > 0) c.recurrentDropout = this.recurrentDropout;
    const cell = this.cells[0];
    if (cell instanceof RNNCell) c.activation = cell.activation;
    if (cell instanceof LSTMCell) c.forgetBias = cell.forgetBias;
    if (cell instanceof GRUCell) c.resetAfter = cell.resetAfter;
    const dtype = cell.parameters()[0].value.dtype;
    if (dtype !== 'float32') c.dtype = dtype;
    return c;
  }
}

/**
 * @internal Reserves (for loadModel's size check) exactly one cell's parameters: input and
 * recurrent weights [in + H, gates·H] and the bias (one vector; two for the GRU's gates).
 */
export function reserveCell(context: BuildContext, gates: number, inputSize: number, hiddenSize: number): void {
  context.reserve([inputSize + hiddenSize + (gates === 3 ? 2 : 1), gates * hiddenSize]);
}

function factory(
  make: (
    inputSize: number,
    hiddenSize: number,
    options: RecurrentOptions & { activation?: 'tanh' | 'relu'; forgetBias?: number; resetAfter?: boolean },
  ) => Recurrent,
  gates: number,
): LayerFactory {
  return (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    const numLayers = c.int('numLayers', { min: 1, max: 64, fallback: 1 });
    for (let i = 0; i < numLayers; i++) reserveCell(context, gates, i === 0 ? inputSize : hiddenSize, hiddenSize);
    return make(inputSize, hiddenSize, {
      numLayers,
      dropout: c.number('dropout', { min: 0, max: 0.999, fallback: 0 }),
      recurrentDropout: c.number('recurrentDropout', { min: 0, max: 0.999, fallback: 0 }),
      returnSequences: c.bool('returnSequences', false),
      activation: c.choice('activation', ['tanh', 'relu'], 'tanh'),
      forgetBias: c.number('forgetBias', { fallback: 1 }),
      resetAfter: c.bool('resetAfter', true),
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}

/**
 * A (stacked) plain RNN layer, h_t = tanh(W_hh h_{t−1} + W_xh x_t + b).
 * @example
 * ```ts
 * new RNN(3, 8, { seed: 0 }).forward(zeros([2, 10, 3])).shape; // [2, 8]
 * ```
 */
export class RNN extends Recurrent {
  readonly type = 'RNN';
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & { activation?: 'tanh' | 'relu' } = {}) {
    super('rnn', inputSize, hiddenSize, options);
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = factory((i, h, o) => new RNN(i, h, o), 1);
}

/**
 * A (stacked) LSTM layer (cell equations in LSTMCell).
 * @example
 * ```ts
 * new LSTM(3, 8, { seed: 0, returnSequences: true }).forward(zeros([2, 10, 3])).shape; // [2, 10, 8]
 * ```
 */
export class LSTM extends Recurrent {
  readonly type = 'LSTM';
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & { forgetBias?: number } = {}) {
    super('lstm', inputSize, hiddenSize, options);
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = factory((i, h, o) => new LSTM(i, h, o), 4);
}

/**
 * A (stacked) GRU layer (cell equations in GRUCell).
 * @example
 * ```ts
 * new GRU(3, 8, { seed: 0, numLayers: 2 }).forward(zeros([2, 10, 3])).shape; // [2, 8]
 * ```
 */
export class GRU extends Recurrent {
  readonly type = 'GRU';
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & { resetAfter?: boolean } = {}) {
    super('gru', inputSize, hiddenSize, options);
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = factory((i, h, o) => new GRU(i, h, o), 3);
}

export type { Recurrent };

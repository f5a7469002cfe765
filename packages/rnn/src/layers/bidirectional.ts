/**
 * Bidirectional: one recurrent layer reads the sequence forwards, another reads it backwards
 * (each sequence reversed within its own length), and their hidden states are concatenated
 * ([..., 2H]) or summed ([..., H]) step by step. The output at step t sees the whole
 * sequence: x_1..x_t through the forward layer and x_t..x_T through the backward one.
 */
import { type JsonObject, type LayerFactory, Module } from '@lec/nn';
import { ShapeError, type Tensor, ValueError, add, concat, gather, reshape } from '@lec/tensor';
import { GRU, LSTM, RNN, type Recurrent, type RunOptions, type RunResult } from './recurrent.js';
import { reverseIndices } from './sequence-mask.js';

/** Options of `Bidirectional`. */
export interface BidirectionalOptions {
  /** 'concat' (default) or 'sum'. */
  merge?: 'concat' | 'sum';
  /** forward() returns every step (true) or the merged last outputs (default false). */
  returnSequences?: boolean;
}

/**
 * Wraps two recurrent layers of the same type and size into a bidirectional one.
 * @example
 * ```ts
 * const bi = new Bidirectional(new LSTM(3, 4, { seed: 0 }), new LSTM(3, 4, { seed: 1 }), { returnSequences: true });
 * bi.forward(zeros([2, 5, 3])).shape; // [2, 5, 8]
 * ```
 */
export class Bidirectional extends Module {
  readonly type = 'Bidirectional';
  readonly merge: 'concat' | 'sum';
  readonly returnSequences: boolean;

  constructor(
    readonly forwardLayer: Recurrent,
    readonly backwardLayer: Recurrent,
    options: BidirectionalOptions = {},
  ) {
    super();
    if (
      forwardLayer.type !== backwardLayer.type ||
      forwardLayer.inputSize !== backwardLayer.inputSize ||
      forwardLayer.hiddenSize !== backwardLayer.hiddenSize
    ) {
      throw new ValueError(
        'Bidirectional',
        `the forward (${forwardLayer.type} ${forwardLayer.inputSize}→${forwardLayer.hiddenSize}) and backward (${backwardLayer.type} ${backwardLayer.inputSize}→${backwardLayer.hiddenSize}) layers must match`,
      );
    }
    this.merge = options.merge ?? 'concat';
    this.returnSequences = options.returnSequences ?? false;
    this.addModule('forwardLayer', forwardLayer);
    this.addModule('backwardLayer', backwardLayer);
  }

  /** Output width: 2H for concat, H for sum. */
  get outputSize(): number {
    return this.merge === 'concat' ? 2 * this.forwardLayer.hiddenSize : this.forwardLayer.hiddenSize;
  }

  /**
   * Runs both directions over x [batch, time, features]. `last` merges the forward layer's
   * state at each sequence's last step with the backward layer's at its first.
   * @example
   * ```ts
   * const bi = new Bidirectional(new GRU(2, 3, { seed: 0 }), new GRU(2, 3, { seed: 1 }), { merge: 'sum' });
   * bi.run(ones([1, 4, 2]), { lengths: [3] }).last.shape; // [1, 3]
   * ```
   */
  run(x: Tensor, options: Pick<RunOptions, 'lengths'> = {}): Pick<RunResult, 'sequence' | 'last'> {
    if (x.rank !== 3)
      throw new ShapeError('Bidirectional.run', `argument 'x' expected [batch, time, features], got [${x.shape.join(', ')}]`);
    const [batch, steps, features] = x.shape;
    const fwd = this.forwardLayer.run(x, options);
    const rev = reverseIndices(options.lengths, batch, steps, x);
    const reversed = reshape(gather(reshape(x, [batch * steps, features]), rev), [batch, steps, features]);
    const bwd = this.backwardLayer.run(reversed, options);
    const h = this.backwardLayer.hiddenSize;
    const bwdSequence = reshape(gather(reshape(bwd.sequence, [batch * steps, h]), rev), [batch, steps, h]);
    const join = (a: Tensor, b: Tensor, axis: number) => (this.merge === 'concat' ? concat([a, b], axis) : add(a, b));
    return { sequence: join(fwd.sequence, bwdSequence, 2), last: join(fwd.last, bwd.last, 1) };
  }

  forward(x: Tensor): Tensor {
    const r = this.run(x);
    return this.returnSequences ? r.sequence : r.last;
  }

  override config(): JsonObject {
    return { layer: this.forwardLayer.describe() as unknown as JsonObject, merge: this.merge, returnSequences: this.returnSequences };
  }

  /** Registry factory (needs the rnn registry for the wrapped layers). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const description = c.config.layer;
    const a = context.build(description) as Recurrent;
    const b = context.build(description) as Recurrent;
    if (!(a instanceof RNN || a instanceof LSTM || a instanceof GRU))
      throw new ValueError('loadModel', `Bidirectional wraps RNN, LSTM or GRU, got ${a.type}`);
    return new Bidirectional(a, b, {
      merge: c.choice('merge', ['concat', 'sum'], 'concat'),
      returnSequences: c.bool('returnSequences', false),
    });
  };
}

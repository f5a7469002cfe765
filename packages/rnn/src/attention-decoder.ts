/**
 * The decoder of a Seq2Seq with attention: at step t, from the previous token y_{t−1}, the
 * state s_{t−1} and the encoder outputs h_1..h_S,
 *   additive (Bahdanau et al. 2015): α_t, c_t = attend(s_{t−1});  s_t = cell([emb(y_{t−1}); c_t], s_{t−1});
 *                                    logits = W_o [s_t; c_t] + b_o
 *   dot / general (Luong et al. 2015): s_t = cell(emb(y_{t−1}), s_{t−1});  α_t, c_t = attend(s_t);
 *                                    h̃_t = tanh(W_c [c_t; s_t] + b_c);  logits = W_o h̃_t + b_o
 * Shapes: tokens int32 [n], states [n, H], memory values [n, S, H], logits [n, vocab].
 */
import { type BuildContext, Dense, Embedding, Module } from '@lec/nn';
import { type Rng, type Tensor, concat, gather, reshape, split, stack, tanh, tensor } from '@lec/tensor';
import { AdditiveAttention, type AttentionMemory, MultiplicativeAttention } from './attention.js';
import type { State } from './cells/cell.js';
import type { GRUCell } from './cells/gru-cell.js';
import type { LSTMCell } from './cells/lstm-cell.js';
import type { RNNCell } from './cells/rnn-cell.js';

/** Which attention a Seq2Seq decoder uses: 'additive' (Bahdanau), 'dot' or 'general' (Luong). */
export type AttentionKind = 'additive' | 'dot' | 'general';

/** @internal One decoder step's outputs. */
export interface AttentionStep {
  logits: Tensor;
  state: State;
  weights: Tensor;
}

/** @internal The attention decoder (see the file comment). */
export class AttentionDecoder extends Module<{ inputs: Tensor; state: State; memory: AttentionMemory }, Tensor> {
  readonly type = 'AttentionDecoder';
  readonly embedding: Embedding;
  readonly attention: AdditiveAttention | MultiplicativeAttention;
  readonly cell: LSTMCell | GRUCell | RNNCell;
  readonly combine: Dense | undefined;
  readonly out: Dense;

  constructor(
    vocab: number,
    embed: number,
    hidden: number,
    readonly kind: AttentionKind,
    makeCell: (input: number) => LSTMCell | GRUCell | RNNCell,
    rng: Rng,
  ) {
    super();
    this.embedding = this.addModule('embedding', new Embedding(vocab, embed, { rng }));
    this.attention = this.addModule(
      'attention',
      kind === 'additive'
        ? new AdditiveAttention(hidden, hidden, hidden, { rng })
        : new MultiplicativeAttention(hidden, hidden, { score: kind, rng }),
    );
    this.cell = this.addModule('cell', makeCell(kind === 'additive' ? embed + hidden : embed));
    this.combine = kind === 'additive' ? undefined : this.addModule('combine', new Dense(2 * hidden, hidden, { rng }));
    this.out = this.addModule('out', new Dense(kind === 'additive' ? 2 * hidden : hidden, vocab, { rng }));
  }

  /** One step for tokens int32 [n] (see the file comment). */
  step(tokens: Tensor, state: State, memory: AttentionMemory): AttentionStep {
    const emb = this.embedding.forward(tokens);
    if (this.kind === 'additive') {
      const { context, weights } = this.attention.attend(state[0], memory);
      const next = this.cell.step(this.cell.projectInputs(concat([emb, context], 1)), state);
      return { logits: this.out.forward(concat([next[0], context], 1)), state: next, weights };
    }
    const next = this.cell.step(this.cell.projectInputs(emb), state);
    const { context, weights } = this.attention.attend(next[0], memory);
    const combined = tanh((this.combine as Dense).forward(concat([context, next[0]], 1)));
    return { logits: this.out.forward(combined), state: next, weights };
  }

  /** Teacher forcing: inputs int32 [batch, T] (BOS first) → logits [batch, T, vocab] and weights [batch, T, S]. */
  teacherForce(inputs: Tensor, state: State, memory: AttentionMemory): { logits: Tensor; weights: Tensor } {
    const [batch, steps] = inputs.shape;
    const logits: Tensor[] = [];
    const weights: Tensor[] = [];
    for (const column of split(inputs, steps, 1)) {
      const r = this.step(reshape(column, [batch]), state, memory);
      state = r.state;
      logits.push(r.logits);
      weights.push(r.weights);
    }
    return { logits: stack(logits, 1), weights: stack(weights, 1) };
  }

  forward({ inputs, state, memory }: { inputs: Tensor; state: State; memory: AttentionMemory }): Tensor {
    return this.teacherForce(inputs, state, memory).logits;
  }
}

/** @internal The rows of a decoder state and memory, in the order given (beam search). */
export function selectRows(state: State, memory: AttentionMemory | undefined, rows: Int32Array): [State, AttentionMemory | undefined] {
  const idx = tensor(rows, [rows.length], { dtype: 'int32', backend: state[0].backend });
  const pick = (t: Tensor) => gather(t, idx, 0);
  const picked = memory && { values: pick(memory.values), keys: pick(memory.keys), mask: memory.mask && pick(memory.mask) };
  return [state.map(pick), picked];
}

/** @internal Reserves an attention decoder's parameters (see `Seq2Seq.fromConfig`). */
export function reserveAttentionDecoder(
  context: BuildContext,
  kind: AttentionKind,
  vocab: number,
  embed: number,
  hidden: number,
  reserveCell: (input: number) => void,
): void {
  context.reserve([vocab, embed]);
  if (kind === 'additive') context.reserve([2 * hidden + 2, hidden]);
  if (kind === 'general') context.reserve([hidden, hidden]);
  reserveCell(kind === 'additive' ? embed + hidden : embed);
  if (kind !== 'additive') context.reserve([2 * hidden + 1, hidden]);
  context.reserve([(kind === 'additive' ? 2 * hidden : hidden) + 1, vocab]);
}

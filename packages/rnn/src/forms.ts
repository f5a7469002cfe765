/**
 * The forms of recurrent networks from the lecture, each a small model:
 * - many-to-one: `SequenceClassifier` (read a sequence, classify it: row-by-row MNIST);
 * - many-to-many, aligned: `SequenceTagger` (a label for every step);
 * - one-to-many: `SequenceGenerator` (a sequence from one vector: captioning in miniature);
 * - many-to-many, unaligned: `Seq2Seq` (encoder–decoder with teacher forcing and greedy decoding).
 * Sequences are [batch, time, features]; token sequences are int32 [batch, time].
 */
import { type BuildContext, type ConfigReader, Dense, Embedding, type JsonObject, type LayerFactory, Module } from '@lec/nn';
import { Rng, ShapeError, type Tensor, ValueError, argmax, logSoftmax, reshape, split, stack, tanh, tensor, zerosLike } from '@lec/tensor';
import type { AttentionMemory } from './attention.js';
import { AttentionDecoder, type AttentionKind, reserveAttentionDecoder, selectRows } from './attention-decoder.js';
import { type BatchedBeamModel, type Hypothesis, type LengthPenalty, searchAs } from './beam-search.js';
import type { State } from './cells/cell.js';
import { checkSizes } from './cells/init.js';
import { GRUCell } from './cells/gru-cell.js';
import { LSTMCell } from './cells/lstm-cell.js';
import { RNNCell } from './cells/rnn-cell.js';
import { Bidirectional } from './layers/bidirectional.js';
import { GRU, LSTM, RNN, type Recurrent, reserveCell } from './layers/recurrent.js';

/** Which recurrence a model uses. */
export type CellType = 'rnn' | 'lstm' | 'gru';

function makeLayer(cell: CellType, input: number, hidden: number, rng: Rng, numLayers = 1): Recurrent {
  const options = { rng, numLayers };
  return cell === 'lstm'
    ? new LSTM(input, hidden, options)
    : cell === 'gru'
      ? new GRU(input, hidden, options)
      : new RNN(input, hidden, options);
}

function makeCell(cell: CellType, input: number, hidden: number, rng: Rng) {
  return cell === 'lstm'
    ? new LSTMCell(input, hidden, { rng })
    : cell === 'gru'
      ? new GRUCell(input, hidden, { rng })
      : new RNNCell(input, hidden, { rng });
}

const GATES: Record<CellType, number> = { rnn: 1, lstm: 4, gru: 3 };

/** The options a sequence model was built with, as JSON (its config). */
function optionsConfig(options: SequenceModelOptions & TokenOptions & { embedSize?: number }): JsonObject {
  const c: JsonObject = { cell: options.cell ?? 'lstm' };
  if (options.numLayers !== undefined) c.numLayers = options.numLayers;
  if (options.bidirectional !== undefined) c.bidirectional = options.bidirectional;
  if (options.seed !== undefined) c.seed = options.seed;
  if (options.bos !== undefined) c.bos = options.bos;
  if (options.eos !== undefined) c.eos = options.eos;
  if (options.embedSize !== undefined) c.embedSize = options.embedSize;
  return c;
}

function readOptions(c: ConfigReader): SequenceModelOptions & TokenOptions & { embedSize?: number } {
  // only the keys the config has, so a rebuilt model describes itself as the original did
  const o: SequenceModelOptions & TokenOptions & { embedSize?: number } = { cell: c.choice('cell', ['lstm', 'gru', 'rnn'], 'lstm') };
  if ('numLayers' in c.config) o.numLayers = c.int('numLayers', { min: 1, max: 64 });
  if ('bidirectional' in c.config) o.bidirectional = c.bool('bidirectional', false);
  const seed = c.seed();
  if (seed !== undefined) o.seed = seed;
  if ('bos' in c.config) o.bos = c.int('bos', { min: 0 });
  if ('eos' in c.config) o.eos = c.int('eos', { min: 0 });
  if ('embedSize' in c.config) o.embedSize = c.int('embedSize', { min: 1 });
  return o;
}

/** Reserves a (stacked, maybe bidirectional) recurrent encoder's parameters. */
function reserveEncoder(context: BuildContext, o: SequenceModelOptions, input: number, hidden: number): void {
  const gates = GATES[o.cell ?? 'lstm'];
  for (let d = 0; d < (o.bidirectional ? 2 : 1); d++)
    for (let i = 0; i < (o.numLayers ?? 1); i++) reserveCell(context, gates, i === 0 ? input : hidden, hidden);
}

/** Reserves a token decoder's parameters: embedding, one cell, the output layer. */
function reserveDecoder(context: BuildContext, cell: CellType, vocab: number, embed: number, hidden: number): void {
  context.reserve([vocab, embed]);
  reserveCell(context, GATES[cell], embed, hidden);
  context.reserve([hidden + 1, vocab]);
}

/** Options shared by the sequence models. */
export interface SequenceModelOptions {
  /** 'lstm' (default), 'gru' or 'rnn'. */
  cell?: CellType;
  numLayers?: number;
  /** Read the sequence in both directions (classifier and tagger). */
  bidirectional?: boolean;
  seed?: number;
}

/**
 * Many-to-one: a recurrent encoder whose last output goes through a dense classifier.
 * x [batch, time, features] → logits [batch, classes].
 * @example
 * ```ts
 * const model = new SequenceClassifier(28, 32, 10, { seed: 0 });
 * model.forward(zeros([4, 28, 28])).shape; // [4, 10]
 * ```
 */
export class SequenceClassifier extends Module {
  readonly type = 'SequenceClassifier';
  readonly encoder: Recurrent | Bidirectional;
  readonly head: Dense;
  readonly #args: [number, number, number, SequenceModelOptions];

  constructor(inputSize: number, hiddenSize: number, classes: number, options: SequenceModelOptions = {}) {
    super();
    checkSizes('SequenceClassifier', { inputSize, hiddenSize, classes });
    this.#args = [inputSize, hiddenSize, classes, { ...options }];
    const rng = new Rng(options.seed ?? 0);
    const cell = options.cell ?? 'lstm';
    const layer = () => makeLayer(cell, inputSize, hiddenSize, rng, options.numLayers);
    this.encoder = this.addModule('encoder', options.bidirectional ? new Bidirectional(layer(), layer()) : layer());
    const width = options.bidirectional ? 2 * hiddenSize : hiddenSize;
    this.head = this.addModule('head', new Dense(width, classes, { rng }));
  }

  /** Logits for x [batch, time, features]; `lengths` for variable-length batches. */
  forward(x: Tensor, lengths?: ArrayLike<number>): Tensor {
    return this.head.forward(this.encoder.run(x, { lengths }).last);
  }

  /**
   * The sizes and options it was built with: `loadModel(saved, rnnLayers)` rebuilds it.
   * @example
   * ```ts
   * new SequenceClassifier(3, 8, 2, { cell: 'gru', seed: 1 }).config(); // { inputSize: 3, hiddenSize: 8, classes: 2, cell: 'gru', seed: 1 }
   * ```
   */
  override config(): JsonObject {
    const [inputSize, hiddenSize, classes, options] = this.#args;
    return { inputSize, hiddenSize, classes, ...optionsConfig(options) };
  }

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    const classes = c.int('classes', { min: 1 });
    const o = readOptions(c);
    reserveEncoder(context, o, inputSize, hiddenSize);
    context.reserve([(o.bidirectional ? 2 : 1) * hiddenSize + 1, classes]);
    return new SequenceClassifier(inputSize, hiddenSize, classes, o);
  };
}

/**
 * Many-to-many, aligned: a label for every step. x [batch, time, features] → logits
 * [batch, time, classes]. With `bidirectional`, the label at t can depend on later steps.
 * @example
 * ```ts
 * new SequenceTagger(1, 8, 2, { seed: 0, bidirectional: true }).forward(zeros([3, 6, 1])).shape; // [3, 6, 2]
 * ```
 */
export class SequenceTagger extends Module {
  readonly type = 'SequenceTagger';
  readonly encoder: Recurrent | Bidirectional;
  readonly head: Dense;
  readonly #args: [number, number, number, SequenceModelOptions];

  constructor(inputSize: number, hiddenSize: number, classes: number, options: SequenceModelOptions = {}) {
    super();
    checkSizes('SequenceTagger', { inputSize, hiddenSize, classes });
    this.#args = [inputSize, hiddenSize, classes, { ...options }];
    const rng = new Rng(options.seed ?? 0);
    const cell = options.cell ?? 'lstm';
    const layer = () => makeLayer(cell, inputSize, hiddenSize, rng, options.numLayers);
    this.encoder = this.addModule('encoder', options.bidirectional ? new Bidirectional(layer(), layer()) : layer());
    this.head = this.addModule('head', new Dense(options.bidirectional ? 2 * hiddenSize : hiddenSize, classes, { rng }));
  }

  forward(x: Tensor, lengths?: ArrayLike<number>): Tensor {
    return this.head.forward(this.encoder.run(x, { lengths }).sequence);
  }

  /**
   * The sizes and options it was built with: `loadModel(saved, rnnLayers)` rebuilds it.
   * @example
   * ```ts
   * new SequenceTagger(3, 8, 2, { cell: 'gru', seed: 1 }).config(); // { inputSize: 3, hiddenSize: 8, classes: 2, cell: 'gru', seed: 1 }
   * ```
   */
  override config(): JsonObject {
    const [inputSize, hiddenSize, classes, options] = this.#args;
    return { inputSize, hiddenSize, classes, ...optionsConfig(options) };
  }

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    const classes = c.int('classes', { min: 1 });
    const o = readOptions(c);
    reserveEncoder(context, o, inputSize, hiddenSize);
    context.reserve([(o.bidirectional ? 2 : 1) * hiddenSize + 1, classes]);
    return new SequenceTagger(inputSize, hiddenSize, classes, o);
  };
}

/** Special tokens of the generators. */
export interface TokenOptions {
  /** Start-of-sequence token fed at the first step (default 0). */
  bos?: number;
  /** End-of-sequence token that stops greedy decoding (default 1). */
  eos?: number;
}

/**
 * A decoder: an embedding of the previous token, one recurrent cell, a dense layer to token
 * logits. Shared by SequenceGenerator and Seq2Seq.
 */
class TokenDecoder extends Module<Tensor, Tensor> {
  readonly type = 'TokenDecoder';
  readonly embedding: Embedding;
  readonly cell: LSTMCell | GRUCell | RNNCell;
  readonly out: Dense;

  constructor(vocab: number, embed: number, hidden: number, cell: CellType, rng: Rng) {
    super();
    this.embedding = this.addModule('embedding', new Embedding(vocab, embed, { rng }));
    this.cell = this.addModule('cell', makeCell(cell, embed, hidden, rng));
    this.out = this.addModule('out', new Dense(hidden, vocab, { rng }));
  }

  /** Teacher forcing: inputs int32 [batch, time] (starting with BOS) → logits [batch, time, vocab]. */
  teacherForce(inputs: Tensor, state: State): Tensor {
    const [batch, steps] = inputs.shape;
    const embedded = this.embedding.forward(inputs); // [batch, time, embed]
    const projected = this.cell.projectInputs(embedded);
    const width = projected.shape[2];
    const hs: Tensor[] = [];
    const perStep = split(projected, steps, 1);
    for (let t = 0; t < steps; t++) {
      state = this.cell.step(reshape(perStep[t], [batch, width]), state);
      hs.push(state[0]);
    }
    return this.out.forward(stack(hs, 1));
  }

  /** Greedy decoding from `state`: the most likely token at each step, until EOS or maxLength. */
  greedy(state: State, batch: number, maxLength: number, tokens: Required<TokenOptions>): number[][] {
    const outputs: number[][] = Array.from({ length: batch }, () => []);
    const done = new Array<boolean>(batch).fill(false);
    let previous = tensor(new Int32Array(batch).fill(tokens.bos), [batch]);
    for (let t = 0; t < maxLength && !done.every(Boolean); t++) {
      const x = this.cell.projectInputs(this.embedding.forward(previous));
      state = this.cell.step(x, state);
      const next = argmax(this.out.forward(state[0]), 1);
      const ids = next.dataSync();
      ids.forEach((id, b) => {
        if (done[b]) return;
        if (id === tokens.eos) done[b] = true;
        else outputs[b].push(id);
      });
      previous = next;
    }
    return outputs;
  }

  /** One step for tokens int32 [n]: logits [n, vocab] and the new state. */
  step(tokens: Tensor, state: State): { logits: Tensor; state: State } {
    const next = this.cell.step(this.cell.projectInputs(this.embedding.forward(tokens)), state);
    return { logits: this.out.forward(next[0]), state: next };
  }

  forward(inputs: Tensor): Tensor {
    return this.teacherForce(inputs, this.cell.initialState(inputs.shape[0]));
  }
}

function initialState(cell: CellType, h: Tensor): State {
  // h_0 comes from the vector; an LSTM's cell state starts at zero
  return cell === 'lstm' ? [h, zerosLike(h)] : [h];
}

/**
 * One-to-many: generates a token sequence from one vector (an image's features: captioning
 * in miniature). The vector sets the decoder's initial state h_0 = tanh(W v + b); training
 * uses teacher forcing; `generate` decodes greedily.
 * @example
 * ```ts
 * const gen = new SequenceGenerator(10, 16, 12, { seed: 0 });
 * gen.forward({ vectors: zeros([2, 10]), inputs: tensor([[0, 3], [0, 4]], undefined, { dtype: 'int32' }) }).shape; // [2, 2, 12]
 * ```
 */
export class SequenceGenerator extends Module<{ vectors: Tensor; inputs: Tensor }, Tensor> {
  readonly type = 'SequenceGenerator';
  readonly init: Dense;
  readonly decoder: TokenDecoder;
  readonly cellType: CellType;
  readonly tokens: Required<TokenOptions>;
  readonly #args: [number, number, number, SequenceModelOptions & TokenOptions & { embedSize?: number }];

  constructor(
    vectorSize: number,
    hiddenSize: number,
    vocab: number,
    options: SequenceModelOptions & TokenOptions & { embedSize?: number } = {},
  ) {
    super();
    checkSizes('SequenceGenerator', { vectorSize, hiddenSize, vocab });
    this.#args = [vectorSize, hiddenSize, vocab, { ...options }];
    const rng = new Rng(options.seed ?? 0);
    this.cellType = options.cell ?? 'lstm';
    this.tokens = { bos: options.bos ?? 0, eos: options.eos ?? 1 };
    this.init = this.addModule('init', new Dense(vectorSize, hiddenSize, { rng }));
    this.decoder = this.addModule('decoder', new TokenDecoder(vocab, options.embedSize ?? hiddenSize, hiddenSize, this.cellType, rng));
  }

  /** Teacher forcing: vectors [batch, vectorSize], inputs int32 [batch, time] (BOS first) → logits [batch, time, vocab]. */
  forward({ vectors, inputs }: { vectors: Tensor; inputs: Tensor }): Tensor {
    if (inputs.rank !== 2 || inputs.shape[0] !== vectors.shape[0]) {
      throw new ShapeError(
        'SequenceGenerator.forward',
        `argument 'inputs' expected int32 [${vectors.shape[0]}, time], got [${inputs.shape.join(', ')}]`,
      );
    }
    return this.decoder.teacherForce(inputs, initialState(this.cellType, tanh(this.init.forward(vectors))));
  }

  /** Greedy decoding: one token list per vector (without BOS/EOS). */
  generate(vectors: Tensor, maxLength: number): number[][] {
    return this.decoder.greedy(initialState(this.cellType, tanh(this.init.forward(vectors))), vectors.shape[0], maxLength, this.tokens);
  }

  /**
   * The sizes and options it was built with: `loadModel(saved, rnnLayers)` rebuilds it.
   * @example
   * ```ts
   * new SequenceGenerator(10, 16, 12, { seed: 0 }).config(); // { vectorSize: 10, hiddenSize: 16, vocab: 12, cell: 'lstm', seed: 0 }
   * ```
   */
  override config(): JsonObject {
    const [vectorSize, hiddenSize, vocab, options] = this.#args;
    return { vectorSize, hiddenSize, vocab, ...optionsConfig(options) };
  }

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const vectorSize = c.int('vectorSize', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    const vocab = c.int('vocab', { min: 1 });
    const o = readOptions(c);
    context.reserve([vectorSize + 1, hiddenSize]);
    reserveDecoder(context, o.cell ?? 'lstm', vocab, o.embedSize ?? hiddenSize, hiddenSize);
    return new SequenceGenerator(vectorSize, hiddenSize, vocab, o);
  };
}

/** Options of `Seq2Seq`. */
export interface Seq2SeqOptions extends SequenceModelOptions, TokenOptions {
  embedSize?: number;
  /** Attention over the encoder's outputs: 'additive' (Bahdanau), 'dot' or 'general' (Luong); none by default. */
  attention?: AttentionKind;
}

/** Options of `Seq2Seq.beamSearch`. */
export interface Seq2SeqBeamOptions {
  beamWidth: number;
  maxLength: number;
  /** Length normalisation of the scores (see `beamSearch`); none by default. */
  lengthPenalty?: LengthPenalty;
  /** Hypotheses returned per source (default beamWidth). */
  topK?: number;
  sourceLengths?: ArrayLike<number>;
}

/**
 * Many-to-many, unaligned: an encoder–decoder (Sutskever et al. 2014). The encoder reads the
 * source tokens; its final state starts the decoder, which is trained with teacher forcing
 * and decodes greedily or with beam search. With `attention`, every decoder step also reads
 * a weighted average of all the encoder's outputs (see attention-decoder.ts); padded source
 * steps (`sourceLengths`) get zero weight.
 * @example
 * ```ts
 * const s2s = new Seq2Seq(12, 12, 16, { seed: 0, attention: 'additive' });
 * const src = tensor([[3, 4, 5]], undefined, { dtype: 'int32' });
 * s2s.forward({ source: src, inputs: tensor([[0, 5, 4]], undefined, { dtype: 'int32' }) }).shape; // [1, 3, 12]
 * ```
 */
export class Seq2Seq extends Module<{ source: Tensor; inputs: Tensor; sourceLengths?: ArrayLike<number> }, Tensor> {
  readonly type = 'Seq2Seq';
  readonly sourceEmbedding: Embedding;
  readonly encoder: Recurrent;
  readonly decoder: TokenDecoder | AttentionDecoder;
  readonly tokens: Required<TokenOptions>;
  readonly attention: AttentionKind | undefined;
  readonly #args: [number, number, number, Seq2SeqOptions];

  constructor(sourceVocab: number, targetVocab: number, hiddenSize: number, options: Seq2SeqOptions = {}) {
    super();
    checkSizes('Seq2Seq', { sourceVocab, targetVocab, hiddenSize });
    const attention = options.attention;
    if (attention !== undefined && attention !== 'additive' && attention !== 'dot' && attention !== 'general')
      throw new ValueError('Seq2Seq', `argument 'attention' expected 'additive', 'dot' or 'general', got ${String(attention)}`);
    this.#args = [sourceVocab, targetVocab, hiddenSize, { ...options }];
    const rng = new Rng(options.seed ?? 0);
    const cell = options.cell ?? 'lstm';
    const embed = options.embedSize ?? hiddenSize;
    this.tokens = { bos: options.bos ?? 0, eos: options.eos ?? 1 };
    this.attention = attention;
    this.sourceEmbedding = this.addModule('sourceEmbedding', new Embedding(sourceVocab, embed, { rng }));
    this.encoder = this.addModule('encoder', makeLayer(cell, embed, hiddenSize, rng));
    this.decoder = this.addModule(
      'decoder',
      attention
        ? new AttentionDecoder(targetVocab, embed, hiddenSize, attention, (input) => makeCell(cell, input, hiddenSize, rng), rng)
        : new TokenDecoder(targetVocab, embed, hiddenSize, cell, rng),
    );
  }

  /** The encoder's final state for int32 source tokens [batch, time]. */
  encode(source: Tensor, lengths?: ArrayLike<number>): State {
    return this.#encode(source, lengths).state;
  }

  #encode(source: Tensor, lengths?: ArrayLike<number>): { state: State; memory?: AttentionMemory } {
    if (source.rank !== 2 || source.dtype !== 'int32')
      throw new ValueError(
        'Seq2Seq.encode',
        `argument 'source' expected int32 tokens [batch, time], got ${source.dtype} [${source.shape.join(', ')}]`,
      );
    const run = this.encoder.run(this.sourceEmbedding.forward(source), { lengths });
    const d = this.decoder;
    return { state: run.states[0], memory: d instanceof AttentionDecoder ? d.attention.prepare(run.sequence, lengths) : undefined };
  }

  /** Teacher forcing → logits [batch, targetTime, targetVocab]. */
  forward({ source, inputs, sourceLengths }: { source: Tensor; inputs: Tensor; sourceLengths?: ArrayLike<number> }): Tensor {
    const { state, memory } = this.#encode(source, sourceLengths);
    const d = this.decoder;
    return d instanceof AttentionDecoder ? d.teacherForce(inputs, state, memory as AttentionMemory).logits : d.teacherForce(inputs, state);
  }

  /**
   * The attention weights [batch, targetTime, sourceTime] while reading target `inputs`
   * (BOS first) with teacher forcing: row t is where the decoder looked to emit token t + 1.
   * @example
   * ```ts
   * const s2s = new Seq2Seq(6, 6, 8, { seed: 0, attention: 'dot' });
   * const w = s2s.attentionWeights({ source: tensor([[2, 3, 4]], undefined, { dtype: 'int32' }), inputs: tensor([[0, 2]], undefined, { dtype: 'int32' }), sourceLengths: [2] });
   * [w.shape, w.toArray()[0][1][2]]; // [[1, 2, 3], 0]
   * ```
   */
  attentionWeights({ source, inputs, sourceLengths }: { source: Tensor; inputs: Tensor; sourceLengths?: ArrayLike<number> }): Tensor {
    const d = this.decoder;
    if (!(d instanceof AttentionDecoder)) throw new ValueError('Seq2Seq.attentionWeights', 'the model was built without attention');
    const { state, memory } = this.#encode(source, sourceLengths);
    return d.teacherForce(inputs, state, memory as AttentionMemory).weights;
  }

  /** Greedy decoding of every source sequence. */
  translate(source: Tensor, maxLength: number, sourceLengths?: ArrayLike<number>): number[][] {
    if (this.decoder instanceof TokenDecoder)
      return this.decoder.greedy(this.encode(source, sourceLengths), source.shape[0], maxLength, this.tokens);
    return this.beamSearch(source, { beamWidth: 1, maxLength, sourceLengths }).map((h) => h[0].tokens);
  }

  /**
   * Beam search for every source sequence (all hypotheses of the batch stepped together):
   * per source, up to `topK` hypotheses, best score first (see `beamSearch` for the scores).
   * @example
   * ```ts
   * const s2s = new Seq2Seq(6, 6, 8, { seed: 0, attention: 'general' });
   * const [beams] = s2s.beamSearch(tensor([[2, 3]], undefined, { dtype: 'int32' }), { beamWidth: 3, maxLength: 4 });
   * beams.length; // 3
   * ```
   */
  beamSearch(source: Tensor, options: Seq2SeqBeamOptions): Hypothesis[][] {
    const { state, memory } = this.#encode(source, options.sourceLengths);
    const d = this.decoder;
    type Rows = { state: State; memory?: AttentionMemory };
    const model: BatchedBeamModel<Rows> = {
      step: (rows, tokens) => {
        const ids = tensor(tokens, [tokens.length], { dtype: 'int32', backend: rows.state[0].backend });
        const r = d instanceof AttentionDecoder ? d.step(ids, rows.state, rows.memory as AttentionMemory) : d.step(ids, rows.state);
        return { logProbs: logSoftmax(r.logits, 1), state: { state: r.state, memory: rows.memory } };
      },
      select: (rows, order) => {
        const [s, m] = selectRows(rows.state, rows.memory, order);
        return { state: s, memory: m };
      },
    };
    const { beamWidth, maxLength, lengthPenalty, topK } = options;
    return searchAs('Seq2Seq.beamSearch', model, { state, memory }, source.shape[0], {
      ...this.tokens,
      beamWidth,
      maxLength,
      lengthPenalty,
      topK,
    });
  }

  /**
   * The sizes and options it was built with: `loadModel(saved, rnnLayers)` rebuilds it.
   * @example
   * ```ts
   * new Seq2Seq(12, 12, 16, { seed: 0 }).config(); // { sourceVocab: 12, targetVocab: 12, hiddenSize: 16, cell: 'lstm', seed: 0 }
   * ```
   */
  override config(): JsonObject {
    const [sourceVocab, targetVocab, hiddenSize, options] = this.#args;
    const c: JsonObject = { sourceVocab, targetVocab, hiddenSize, ...optionsConfig(options) };
    if (options.attention !== undefined) c.attention = options.attention;
    return c;
  }

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const sourceVocab = c.int('sourceVocab', { min: 1 });
    const targetVocab = c.int('targetVocab', { min: 1 });
    const hiddenSize = c.int('hiddenSize', { min: 1 });
    const o: Seq2SeqOptions = readOptions(c);
    if ('attention' in c.config) o.attention = c.choice('attention', ['additive', 'dot', 'general'], 'additive');
    const embed = o.embedSize ?? hiddenSize;
    const gates = GATES[o.cell ?? 'lstm'];
    context.reserve([sourceVocab, embed]);
    reserveCell(context, gates, embed, hiddenSize);
    if (o.attention)
      reserveAttentionDecoder(context, o.attention, targetVocab, embed, hiddenSize, (input) =>
        reserveCell(context, gates, input, hiddenSize),
      );
    else reserveDecoder(context, o.cell ?? 'lstm', targetVocab, embed, hiddenSize);
    return new Seq2Seq(sourceVocab, targetVocab, hiddenSize, o);
  };
}

/** @internal Concatenates BOS and a target for teacher forcing. */
export function withBos(targets: number[][], bos: number, pad: number, length: number): Int32Array {
  const out = new Int32Array(targets.length * length).fill(pad);
  targets.forEach((t, b) => {
    out[b * length] = bos;
    for (let i = 0; i < Math.min(t.length, length - 1); i++) out[b * length + 1 + i] = t[i];
  });
  return out;
}

/**
 * Image captioning, one to many (Vinyals et al. 2015, "Show and Tell", in miniature): a
 * LeNet-style CNN encoder reads the image into a code v; the code sets the LSTM decoder's
 * initial state h_0 = tanh(W v + b) (C_0 = 0) and is also part of every step's input
 * x_t = [embed(w_{t−1}), v] (as in Mao et al. 2015's m-RNN, so the decoder need not carry the
 * whole picture in h); the decoder is trained with teacher forcing (the true previous word as
 * each step's input) and decodes greedily or with beam search.
 *
 * Encoder, for NHWC [N, H, W, C] images, one block per entry of `filters`: conv ('same', 5×5
 * in the first block, 3×3 after) → max-pool 2 → ReLU; then flatten → dense(featureSize) → ReLU.
 * The flattened map keeps where each feature was, so the decoder can read the digits left to right.
 */
import { Conv2d, MaxPool2d } from '@lec/cnn';
import { Dense, Embedding, Flatten, type JsonObject, type LayerFactory, Module, ReLU, Sequential } from '@lec/nn';
import {
  type DType,
  Rng,
  ShapeError,
  type Tensor,
  ValueError,
  argmax,
  gather,
  logSoftmax,
  broadcastTo,
  concat,
  expandDims,
  reshape,
  split,
  stack,
  tanh,
  tensor,
  tidy,
  zerosLike,
} from '@lec/tensor';
import type { State } from '../cells/cell.js';
import { checkSizes } from '../cells/init.js';
import { LSTMCell } from '../cells/lstm-cell.js';
import { type BatchedBeamModel, type Hypothesis, type LengthPenalty, searchAs } from '../beam-search.js';
import { CAPTION_TOKENS } from './digit-captions.js';

/** Options of `ImageCaptioner`. */
export interface ImageCaptionerOptions {
  /** Image height (default 28). */
  height?: number;
  /** Image width (default 76: three digits). */
  width?: number;
  /** Image channels (default 1). */
  channels?: number;
  /** Filters of each convolution block, 1–4 blocks (default [8, 16, 32]). */
  filters?: readonly number[];
  /** Size of the image code (default 128). */
  featureSize?: number;
  /** The decoder's LSTM size (default 128). */
  hiddenSize?: number;
  /** Word embedding size (default 32). */
  embedSize?: number;
  /** Vocabulary size (default 12, the digit captions'). */
  vocab?: number;
  /** Start token (default 0). */
  bos?: number;
  /** End token (default 1). */
  eos?: number;
  seed?: number;
  /** Parameter dtype (default 'float32'; 'float64' for gradient checks). */
  dtype?: 'float32' | 'float64';
}

type Resolved = Required<Omit<ImageCaptionerOptions, 'seed'>> & { seed?: number };

function resolve(options: ImageCaptionerOptions): Resolved {
  const r: Resolved = {
    height: options.height ?? 28,
    width: options.width ?? 76,
    channels: options.channels ?? 1,
    filters: [...(options.filters ?? [8, 16, 32])],
    featureSize: options.featureSize ?? 128,
    hiddenSize: options.hiddenSize ?? 128,
    embedSize: options.embedSize ?? 32,
    vocab: options.vocab ?? CAPTION_TOKENS.vocab,
    bos: options.bos ?? CAPTION_TOKENS.bos,
    eos: options.eos ?? CAPTION_TOKENS.eos,
    seed: options.seed,
    dtype: options.dtype ?? 'float32',
  };
  if (r.dtype !== 'float32' && r.dtype !== 'float64')
    throw new ValueError('ImageCaptioner', `argument 'dtype' expected 'float32' or 'float64', got ${String(r.dtype)}`);
  const { height, width, channels, featureSize, hiddenSize, embedSize, vocab } = r;
  checkSizes('ImageCaptioner', { height, width, channels, featureSize, hiddenSize, embedSize, vocab });
  if (r.filters.length < 1 || r.filters.length > 4 || !r.filters.every((f) => Number.isSafeInteger(f) && f >= 1))
    throw new ValueError('ImageCaptioner', `argument 'filters' expected 1–4 positive integers, got ${JSON.stringify(options.filters)}`);
  const least = 2 ** r.filters.length;
  if (height < least || width < least)
    throw new ValueError(
      'ImageCaptioner',
      `arguments 'height' and 'width' expected >= ${least} (${r.filters.length} pools of 2), got ${height}×${width}`,
    );
  for (const [name, t] of [
    ['bos', r.bos],
    ['eos', r.eos],
  ] as const)
    if (!Number.isSafeInteger(t) || t < 0 || t >= vocab)
      throw new ValueError('ImageCaptioner', `argument '${name}' expected a token id in [0, ${vocab}), got ${t}`);
  return r;
}

/** The encoder's flattened map size: every block keeps the size ('same') and halves it (pool 2). */
function flatSize(height: number, width: number, filters: readonly number[]): number {
  const side = (n: number) => Math.floor(n / 2 ** filters.length);
  return side(height) * side(width) * filters[filters.length - 1];
}

/**
 * A CNN → LSTM image captioner.
 * @example
 * ```ts
 * const model = new ImageCaptioner({ seed: 0 });
 * const inputs = tensor([[0, 5, 7]], undefined, { dtype: 'int32' }); // BOS "three" "five"
 * model.forward({ images: zeros([1, 28, 76, 1]), inputs }).shape; // [1, 3, 12]
 * model.caption(zeros([2, 28, 76, 1]), 4).length; // 2
 * model.imageWidth; // 76
 * ```
 */
export class ImageCaptioner extends Module<{ images: Tensor; inputs: Tensor }, Tensor> {
  readonly type = 'ImageCaptioner';
  readonly encoder: Sequential;
  /** h_0 = tanh(init(code)). */
  readonly init: Dense;
  readonly embedding: Embedding;
  readonly cell: LSTMCell;
  /** h_t → word logits. */
  readonly out: Dense;
  readonly #options: Resolved;

  constructor(options: ImageCaptionerOptions = {}) {
    super();
    const o = resolve(options);
    this.#options = o;
    const rng = new Rng(o.seed ?? 0);
    const dtype: DType = o.dtype;
    // a monotone activation commutes with max pooling, so ReLU runs after the pool (as lenet5)
    const blocks = o.filters.flatMap((f, i) => [
      new Conv2d(i === 0 ? o.channels : o.filters[i - 1], f, i === 0 ? 5 : 3, { padding: 'same', rng, dtype }),
      new MaxPool2d(2),
      new ReLU(),
    ]);
    this.encoder = this.addModule(
      'encoder',
      new Sequential([
        ...blocks,
        new Flatten(),
        new Dense(flatSize(o.height, o.width, o.filters), o.featureSize, { rng, dtype }),
        new ReLU(),
      ]),
    );
    this.init = this.addModule('init', new Dense(o.featureSize, o.hiddenSize, { rng, dtype }));
    this.embedding = this.addModule('embedding', new Embedding(o.vocab, o.embedSize, { rng, dtype }));
    this.cell = this.addModule('cell', new LSTMCell(o.embedSize + o.featureSize, o.hiddenSize, { rng, dtype }));
    this.out = this.addModule('out', new Dense(o.hiddenSize, o.vocab, { rng, dtype }));
  }

  /** The width of the images it reads (height and channels are in `config()`). */
  get imageWidth(): number {
    return this.#options.width;
  }

  /** The special tokens. */
  get tokens(): { bos: number; eos: number } {
    return { bos: this.#options.bos, eos: this.#options.eos };
  }

  /**
   * The decoder's start from image codes v [N, featureSize]: [h_0, C_0, v] with h_0 = tanh(W v + b),
   * C_0 = 0 (v rides along: every step reads it).
   */
  startState(codes: Tensor): State {
    const h = tanh(this.init.forward(codes));
    return [h, zerosLike(h), codes];
  }

  /** One decoder step: previous tokens int32 [N] and the state → word logits [N, vocab] and the next state. */
  decodeStep(previous: Tensor, state: State): { logits: Tensor; state: State } {
    const code = state[2];
    const next = this.cell.step(this.cell.projectInputs(concat([this.embedding.forward(previous), code], 1)), state);
    return { logits: this.out.forward(next[0]), state: [...next, code] };
  }

  /** The image code [N, featureSize] of NHWC images [N, height, width, channels]. */
  encode(images: Tensor): Tensor {
    const { height, width, channels } = this.#options;
    if (images.rank !== 4 || images.shape[1] !== height || images.shape[2] !== width || images.shape[3] !== channels)
      throw new ShapeError(
        'ImageCaptioner.encode',
        `argument 'images' expected NHWC [batch, ${height}, ${width}, ${channels}], got [${images.shape.join(', ')}]`,
      );
    return this.encoder.forward(images);
  }

  /** Teacher forcing: images and int32 inputs [batch, time] (BOS first) → logits [batch, time, vocab]. */
  forward({ images, inputs }: { images: Tensor; inputs: Tensor }): Tensor {
    if (inputs.rank !== 2 || inputs.dtype !== 'int32' || inputs.shape[0] !== images.shape[0])
      throw new ShapeError(
        'ImageCaptioner.forward',
        `argument 'inputs' expected int32 [${images.shape[0]}, time], got ${inputs.dtype} [${inputs.shape.join(', ')}]`,
      );
    const [batch, steps] = inputs.shape;
    const code = this.encode(images);
    let state = this.startState(code).slice(0, 2);
    // x_t = [embed(w_{t−1}), v]; the input projection of every step at once, then the recurrence step by step
    const codes = broadcastTo(expandDims(code, 1), [batch, steps, code.shape[1]]);
    const projected = this.cell.projectInputs(concat([this.embedding.forward(inputs), codes], 2));
    const perStep = steps > 0 ? split(projected, steps, 1) : [];
    const hs: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      state = this.cell.step(reshape(perStep[t], [batch, projected.shape[2]]), state);
      hs.push(state[0]);
    }
    return this.out.forward(stack(hs, 1));
  }

  /** Greedy decoding: the token ids of every image's caption (without BOS/EOS). */
  caption(images: Tensor, maxLength: number): number[][] {
    checkMaxLength('ImageCaptioner.caption', maxLength);
    const batch = images.shape[0];
    let state = this.startState(this.encode(images));
    const outputs: number[][] = Array.from({ length: batch }, () => []);
    const done = new Array<boolean>(batch).fill(false);
    let previous = tensor(new Int32Array(batch).fill(this.#options.bos), [batch], { dtype: 'int32' });
    for (let t = 0; t < maxLength && !done.every(Boolean); t++) {
      const step = this.decodeStep(previous, state);
      state = step.state;
      previous = argmax(step.logits, 1);
      previous.dataSync().forEach((id, b) => {
        if (done[b]) return;
        if (id === this.#options.eos) done[b] = true;
        else outputs[b].push(id);
      });
    }
    return outputs;
  }

  /**
   * Beam search (`batchedBeamSearch`, every image's beams stepped in one batch): for every
   * image up to `beamWidth` captions, best first, each with its token ids (without BOS/EOS)
   * and log-probability log p(caption | image), EOS included when it finished.
   * @example
   * ```ts
   * const beams = new ImageCaptioner({ seed: 0 }).beamSearch(zeros([1, 28, 76, 1]), { beamWidth: 3, maxLength: 4 });
   * beams[0][0].logProb <= 0; // true
   * ```
   */
  beamSearch(images: Tensor, options: { beamWidth?: number; maxLength: number; lengthPenalty?: LengthPenalty }): Hypothesis[][] {
    const op = 'ImageCaptioner.beamSearch';
    checkMaxLength(op, options.maxLength);
    const beamWidth = options.beamWidth ?? 5;
    if (!Number.isSafeInteger(beamWidth) || beamWidth < 1)
      throw new ValueError(op, `argument 'beamWidth' expected a positive integer, got ${options.beamWidth}`);
    const model: BatchedBeamModel<State> = {
      step: (state, tokens) => {
        const r = this.decodeStep(tensor(tokens, [tokens.length], { dtype: 'int32' }), state);
        return { logProbs: logSoftmax(r.logits, 1), state: r.state };
      },
      select: (state, rows) => {
        const order = tensor(rows, [rows.length], { dtype: 'int32' });
        return state.map((s) => gather(s, order));
      },
    };
    return tidy(() =>
      searchAs(op, model, this.startState(this.encode(images)), images.shape[0], {
        ...this.tokens,
        beamWidth,
        maxLength: options.maxLength,
        lengthPenalty: options.lengthPenalty,
      }),
    );
  }

  /**
   * The options it was built with: `loadModel(saved, rnnLayers)` rebuilds it.
   * @example
   * ```ts
   * new ImageCaptioner({ seed: 0, hiddenSize: 64 }).config().hiddenSize; // 64
   * ```
   */
  override config(): JsonObject {
    const { filters, seed, dtype, ...rest } = this.#options;
    const c: JsonObject = { ...rest, filters: [...filters] };
    if (seed !== undefined) c.seed = seed;
    if (dtype !== 'float32') c.dtype = dtype;
    return c;
  }

  /** Registry factory (see `rnnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const int = (name: string) => c.int(name, { min: 1, max: 1 << 16 });
    const filters = c.intList('filters', { min: 1, maxLength: 4 });
    const o: ImageCaptionerOptions = {
      height: int('height'),
      width: int('width'),
      channels: int('channels'),
      filters,
      featureSize: int('featureSize'),
      hiddenSize: int('hiddenSize'),
      embedSize: int('embedSize'),
      vocab: int('vocab'),
      bos: c.int('bos', { min: 0 }),
      eos: c.int('eos', { min: 0 }),
    };
    const seed = c.seed();
    if (seed !== undefined) o.seed = seed;
    o.dtype = c.choice('dtype', ['float32', 'float64'], 'float32');
    const f = filters;
    f.forEach((n, i) => context.reserve([(i === 0 ? 25 * (o.channels as number) : 9 * f[i - 1]) + 1, n]));
    if (f.length > 0) context.reserve([flatSize(o.height as number, o.width as number, f) + 1, o.featureSize as number]);
    const h = o.hiddenSize as number;
    context.reserve([(o.featureSize as number) + 1, h]);
    context.reserve([o.vocab as number, o.embedSize as number]);
    context.reserve([(o.embedSize as number) + (o.featureSize as number) + h + 1, 4 * h]);
    context.reserve([h + 1, o.vocab as number]);
    return new ImageCaptioner(o);
  };
}

function checkMaxLength(op: string, maxLength: number): void {
  if (!Number.isSafeInteger(maxLength) || maxLength < 1)
    throw new ValueError(op, `argument 'maxLength' expected a positive integer, got ${maxLength}`);
}

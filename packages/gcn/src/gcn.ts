/**
 * The GCN model of Kipf & Welling (2017), eq. 9, generalised to any depth:
 *
 *   Z = Â · act(… act(Â · drop(X) · W0) …) · W_L      (logits [n, classes]; softmax in the loss)
 *
 * with dropout on the input of every layer (on the stored values when X is sparse, the
 * reference `sparse_dropout`; masks from `dropDecisions`), ReLU (or tanh) between layers and
 * no activation on the last.
 * The paper's citation model is `new GCN({ inFeatures, classes, hidden: 16, dropout: 0.5 })`.
 */
import { FormatError, type JsonObject, type LayerFactory, Module } from '@lec/nn';
import { CsrMatrix, type DType, Rng, type RngState, type Tensor, noGrad, relu, tanh } from '@lec/tensor';
import { SparseFeatures } from './csr.js';
import { maskedDropout } from './dropout.js';
import { GCNConv, dtypeConfig, type GraphInput } from './gcn-conv.js';

/** Options of `GCN`. */
export interface GCNOptions {
  inFeatures: number;
  classes: number;
  /** Hidden widths (default 16: one hidden layer of 16, the paper's). */
  hidden?: number | readonly number[];
  /** Dropout rate on every layer's input (default 0.5). */
  dropout?: number;
  /** Between layers (default 'relu'). */
  activation?: 'relu' | 'tanh';
  /** Biases in every layer (default false, as the paper). */
  bias?: boolean;
  /** Seed for the Glorot init and the dropout masks (default 0). */
  seed?: number;
  dtype?: DType;
}

const sparseCache = new WeakMap<CsrMatrix, SparseFeatures>();

/** @internal The dropout-ready form of a sparse feature matrix (cached per matrix). */
export function sparseFeaturesOf(x: CsrMatrix): SparseFeatures {
  let s = sparseCache.get(x);
  if (!s) {
    s = new SparseFeatures(x);
    sparseCache.set(x, s);
  }
  return s;
}

/**
 * A stack of GCNConv layers. `forward` gives logits; `embed` gives a hidden layer's output.
 * @example
 * ```ts
 * const g = Graph.fromEdges(3, [[0, 1], [1, 2]]);
 * const model = new GCN({ inFeatures: 4, classes: 2, hidden: 8, seed: 0 }).eval();
 * model.forward({ graph: g, x: ones([3, 4]) }).shape; // [3, 2]
 * ```
 */
export class GCN extends Module<GraphInput, Tensor> {
  readonly type = 'GCN';
  readonly layers: GCNConv[];
  readonly dropoutRate: number;
  readonly activation: 'relu' | 'tanh';
  /** The seed of the init and of the dropout stream. */
  readonly seed: number;
  readonly #rng: Rng;

  constructor(options: GCNOptions) {
    super();
    const hidden = typeof options.hidden === 'number' ? [options.hidden] : [...(options.hidden ?? [16])];
    const widths = [options.inFeatures, ...hidden, options.classes];
    this.seed = options.seed ?? 0;
    const init = new Rng(this.seed);
    this.#rng = init.fork();
    this.dropoutRate = options.dropout ?? 0.5;
    this.activation = options.activation ?? 'relu';
    this.layers = widths
      .slice(1)
      .map((w, i) => this.addModule(String(i), new GCNConv(widths[i], w, { bias: options.bias, rng: init, dtype: options.dtype })));
  }

  /**
   * The position of the dropout generator (saved in training checkpoints, so a resumed `fit`
   * draws the same masks as an uninterrupted one).
   * @example
   * ```ts
   * new GCN({ inFeatures: 4, classes: 2, seed: 3 }).randomState().counter >= 0; // true
   * ```
   */
  randomState(): RngState {
    return this.#rng.state();
  }

  /**
   * Moves the dropout generator to a state from `randomState()`.
   * @example
   * ```ts
   * const a = new GCN({ inFeatures: 4, classes: 2, seed: 1 });
   * const b = new GCN({ inFeatures: 4, classes: 2, seed: 2 });
   * b.setRandomState(a.randomState());
   * b.randomState().seed === a.randomState().seed; // true
   * ```
   */
  setRandomState(state: RngState): void {
    this.#rng.setState(state);
  }

  /** Logits [n, classes]. Dropout is active in training mode only. */
  forward(input: GraphInput): Tensor {
    return this.#run(input, this.layers.length);
  }

  /**
   * The output of layer `layer` (0-based, after its activation; default the last hidden
   * layer), e.g. a 2-D embedding to plot. Runs without dropout and without recording
   * gradients.
   * @example
   * ```ts
   * const g = Graph.fromEdges(3, [[0, 1], [1, 2]]);
   * new GCN({ inFeatures: 3, classes: 2, hidden: [4, 2] }).embed({ graph: g, x: eye(3) }).shape; // [3, 2]
   * ```
   */
  embed(input: GraphInput, layer = this.layers.length - 2): Tensor {
    const mode = this.training;
    this.eval();
    try {
      return noGrad(() => this.#run(input, Math.max(0, Math.min(layer, this.layers.length - 1)) + 1));
    } finally {
      this.train(mode);
    }
  }

  /**
   * The config `saveModel` writes; with the saved weights, `loadModel(saved, gcnLayers)`
   * rebuilds a model that predicts the same.
   * @example
   * ```ts
   * new GCN({ inFeatures: 5, classes: 3 }).config().hidden; // [16]
   * ```
   */
  override config(): JsonObject {
    return dtypeConfig(
      {
        inFeatures: this.layers[0].inFeatures,
        classes: this.layers[this.layers.length - 1].outFeatures,
        hidden: this.layers.slice(0, -1).map((l) => l.outFeatures),
        dropout: this.dropoutRate,
        activation: this.activation,
        bias: this.layers[0].bias !== null,
        seed: this.seed,
      },
      this.layers[0].weight,
    );
  }

  /** Registry factory (see `gcnLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inFeatures = c.int('inFeatures', { min: 1 });
    const classes = c.int('classes', { min: 1 });
    const hidden = c.intList('hidden', { min: 1, maxLength: 64 });
    const bias = c.bool('bias', false);
    const widths = [inFeatures, ...hidden, classes];
    for (let i = 1; i < widths.length; i++) {
      context.reserve([widths[i - 1], widths[i]]);
      if (bias) context.reserve([widths[i]]);
    }
    const rate = c.number('dropout', { min: 0, max: 1, fallback: 0.5 });
    if (rate === 1) throw new FormatError('loadModel', `layer 'GCN': config field 'dropout' expected a rate in [0, 1), got 1`);
    return new GCN({
      inFeatures,
      classes,
      hidden,
      dropout: rate,
      activation: c.choice('activation', ['relu', 'tanh'], 'relu'),
      bias,
      seed: c.seed(),
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };

  #run(input: GraphInput, upTo: number): Tensor {
    let h: Tensor | CsrMatrix = input.x;
    for (let i = 0; i < upTo; i++) {
      if (this.training && this.dropoutRate > 0) {
        h =
          h instanceof CsrMatrix ? sparseFeaturesOf(h).dropout(this.dropoutRate, this.#rng) : maskedDropout(h, this.dropoutRate, this.#rng);
      } else if (h instanceof CsrMatrix) {
        h = sparseFeaturesOf(h).matrix;
      }
      let out: Tensor = this.layers[i].forward({ graph: input.graph, x: h });
      if (i < this.layers.length - 1) out = this.activation === 'relu' ? relu(out) : tanh(out);
      h = out;
    }
    return h as Tensor;
  }
}

/**
 * One coordinate row per node from a hidden layer of `model` (default the last hidden layer),
 * e.g. the 2-D karate-club embedding for a scatter plot: `[[x0, y0], [x1, y1], ...]`.
 * @example
 * ```ts
 * const g = Graph.fromEdges(3, [[0, 1], [1, 2]]);
 * nodeCoordinates(new GCN({ inFeatures: 3, classes: 2, hidden: [4, 2] }), { graph: g, x: eye(3) }).length; // 3
 * ```
 */
export function nodeCoordinates(model: GCN, input: GraphInput, layer?: number): number[][] {
  const e = model.embed(input, layer);
  const [n, d] = e.shape;
  const data = e.dataSync();
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
}

/**
 * Autoencoders: an encoder f maps x to a code z = f(x), a decoder g maps it back,
 * x̂ = g(f(x)), and both are trained to minimise the reconstruction error ‖x − x̂‖²
 * (mean squared error). Two builders:
 *
 *   dense          x [n, d] → Dense → act → … → Dense → z [n, k] → Dense → act → … → Dense → σ → x̂ [n, d]
 *   convolutional  x NHWC [n, h, w, c] → (Conv2d 3×3 stride 2 'same' → ReLU) × L → Flatten → Dense → z [n, k]
 *                  z → Dense → ReLU → Reshape → (Conv2dTranspose 3×3 stride 2 'same' → ReLU) × L → σ → x̂ [n, h, w, c]
 *
 * The sigmoid output suits data in [0, 1] (pixels); use `outputActivation: 'none'` otherwise.
 */
import { Conv2d, Conv2dTranspose } from '@lec/cnn';
import {
  Adam,
  Dense,
  type FitOptions,
  Flatten,
  FormatError,
  type History,
  type JsonObject,
  type LayerFactory,
  Module,
  type Optimizer,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
  fit as nnFit,
  meanSquaredError,
} from '@lec/nn';
import { type DType, Rng, ShapeError, type Tensor, ValueError } from '@lec/tensor';
import { Reshape } from './reshape.js';

/** Hidden-layer activation of the dense builders. `none` makes the network linear. */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'none';

/** @internal A fresh activation module, or null for `none`. */
export function activationLayer(op: string, name: Activation): Module | null {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
    case 'none':
      return null;
    default:
      throw new ValueError(op, `option 'activation' expected 'relu', 'tanh', 'sigmoid' or 'none', got '${String(name)}'`);
  }
}

/** @internal Checks a positive integer option. */
export function checkSize(op: string, name: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 1))
    throw new ValueError(op, `option '${name}' expected a positive integer, got ${String(v)}`);
  return v;
}

/** Options of `Autoencoder.dense`. */
export interface DenseAutoencoderOptions {
  /** d, features per sample (784 for MNIST). */
  inputSize: number;
  /** k, the code size. */
  latentSize: number;
  /** Encoder hidden widths, mirrored by the decoder (default [] : one Dense each way). */
  hiddenSizes?: number[];
  /** Hidden activation (default relu). */
  activation?: Activation;
  /** Output activation (default sigmoid, for data in [0, 1]). */
  outputActivation?: 'sigmoid' | 'none';
  /** Biases in every Dense (default true). */
  bias?: boolean;
  seed?: number;
  /** float32 (default) or float64 (gradient checks). */
  dtype?: DType;
}

/** Options of `Autoencoder.convolutional`. */
export interface ConvAutoencoderOptions {
  /** Input height, width and channels (default 28, 28, 1). Height and width must be divisible by 2^filters.length. */
  height?: number;
  width?: number;
  channels?: number;
  /** Channels of each stride-2 conv (default [16, 32]); the decoder mirrors them. */
  filters?: number[];
  /** k, the code size of the dense bottleneck (default 32). */
  latentSize?: number;
  seed?: number;
  dtype?: DType;
}

/** Options of `Autoencoder.train` (and the other models' `train`). */
export interface TrainOptions {
  /** Default 10. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam's learning rate when no optimizer is given (default 1e-3). */
  learningRate?: number;
  optimizer?: Optimizer;
  /** Shuffling seed (default 0). */
  seed?: number;
  /** Held-out inputs; `valLoss` is reported per epoch. */
  validation?: Tensor;
  /** Passed through to nn's `fit`. */
  callbacks?: FitOptions['callbacks'];
  progress?: boolean | 'auto';
}

/**
 * An autoencoder made of an encoder and a decoder module: `encode`, `decode`,
 * `reconstruct` (= forward) and `fit` (MSE between input and reconstruction).
 * @example
 * ```ts
 * const ae = Autoencoder.dense({ inputSize: 4, latentSize: 2, seed: 0 });
 * ae.encode(zeros([3, 4])).shape; // [3, 2]
 * ae.reconstruct(zeros([3, 4])).shape; // [3, 4]
 * ```
 */
export class Autoencoder extends Module {
  readonly type: string = 'Autoencoder';
  readonly encoder: Module;
  readonly decoder: Module;

  constructor(encoder: Module, decoder: Module) {
    super();
    this.encoder = this.addModule('encoder', encoder);
    this.decoder = this.addModule('decoder', decoder);
  }

  /**
   * A fully connected autoencoder d → hidden… → k → …hidden → d.
   * @example
   * ```ts
   * const ae = Autoencoder.dense({ inputSize: 784, hiddenSizes: [128], latentSize: 16, seed: 1 });
   * ae.numParameters(); // 205856
   * ```
   */
  static dense(options: DenseAutoencoderOptions): Autoencoder {
    const { encoder, decoder } = denseHalves('Autoencoder.dense', options);
    return new Autoencoder(encoder, decoder);
  }

  /**
   * A convolutional autoencoder on NHWC images (strided Conv2d down, Conv2dTranspose up,
   * a dense bottleneck of `latentSize`).
   * @example
   * ```ts
   * const ae = Autoencoder.convolutional({ filters: [4, 8], latentSize: 8, seed: 0 });
   * ae.encode(zeros([2, 28, 28, 1])).shape; // [2, 8]
   * ae.reconstruct(zeros([2, 28, 28, 1])).shape; // [2, 28, 28, 1]
   * ```
   */
  static convolutional(options: ConvAutoencoderOptions = {}): Autoencoder {
    const op = 'Autoencoder.convolutional';
    const height = checkSize(op, 'height', options.height ?? 28);
    const width = checkSize(op, 'width', options.width ?? 28);
    const channels = checkSize(op, 'channels', options.channels ?? 1);
    const filters = options.filters ?? [16, 32];
    const latent = checkSize(op, 'latentSize', options.latentSize ?? 32);
    if (filters.length < 1) throw new ValueError(op, `option 'filters' expected at least one entry, got []`);
    filters.forEach((f, i) => checkSize(op, `filters[${i}]`, f));
    const scale = 2 ** filters.length;
    if (height % scale !== 0 || width % scale !== 0) {
      throw new ValueError(op, `height ${height} and width ${width} must be divisible by 2^filters.length = ${scale}`);
    }
    const rng = new Rng(options.seed ?? 0);
    const dtype = options.dtype ?? 'float32';
    const layer = { rng, dtype };
    const h = height / scale;
    const w = width / scale;
    const last = filters[filters.length - 1];
    const encoder = new Sequential();
    let cin = channels;
    for (const f of filters) {
      encoder.add(new Conv2d(cin, f, 3, { strides: 2, padding: 'same', ...layer }));
      encoder.add(new ReLU());
      cin = f;
    }
    encoder.add(new Flatten());
    encoder.add(new Dense(h * w * last, latent, layer));
    const decoder = new Sequential([new Dense(latent, h * w * last, layer), new ReLU(), new Reshape([h, w, last])]);
    for (let i = filters.length - 1; i >= 0; i--) {
      const out = i > 0 ? filters[i - 1] : channels;
      decoder.add(new Conv2dTranspose(filters[i], out, 3, { strides: 2, padding: 'same', ...layer }));
      decoder.add(i > 0 ? new ReLU() : new Sigmoid());
    }
    return new Autoencoder(encoder, decoder);
  }

  /**
   * The code z = f(x).
   * @example
   * ```ts
   * Autoencoder.dense({ inputSize: 3, latentSize: 1, seed: 0 }).encode(ones([5, 3])).shape; // [5, 1]
   * ```
   */
  encode(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }

  /**
   * The reconstruction g(z) of a code.
   * @example
   * ```ts
   * Autoencoder.dense({ inputSize: 3, latentSize: 1, seed: 0 }).decode(zeros([2, 1])).shape; // [2, 3]
   * ```
   */
  decode(z: Tensor): Tensor {
    return this.decoder.forward(z);
  }

  /**
   * x̂ = g(f(x)).
   * @example
   * ```ts
   * Autoencoder.dense({ inputSize: 2, latentSize: 1, seed: 0 }).reconstruct(ones([1, 2])).shape; // [1, 2]
   * ```
   */
  reconstruct(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  forward(x: Tensor): Tensor {
    return this.reconstruct(x);
  }

  /**
   * The config `saveModel` writes: the encoder's and decoder's own descriptions, so
   * `loadModel(saved, { ...coreLayers, ...cnnLayers, ...autoencoderLayers })` rebuilds any
   * autoencoder (dense or convolutional) that computes the same.
   * @example
   * ```ts
   * Autoencoder.dense({ inputSize: 4, latentSize: 2 }).config().encoder.type; // 'Sequential'
   * ```
   */
  override config(): JsonObject & { encoder: JsonObject; decoder: JsonObject } {
    return { encoder: { ...this.encoder.describe() }, decoder: { ...this.decoder.describe() } };
  }

  /** Registry factory (see `autoencoderLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const { encoder, decoder } = halvesFromConfig(c.layer, c.config, context);
    return new Autoencoder(encoder, decoder);
  };

  /**
   * Trains on `x` (target = x) with MSE and Adam; returns nn's per-epoch history.
   * @example
   * ```ts
   * const ae = Autoencoder.dense({ inputSize: 4, latentSize: 2, seed: 0 });
   * const history = await ae.fit(rand([32, 4], { seed: 1 }), { epochs: 2, batchSize: 8, progress: false });
   * history.epochs.length; // 2
   * ```
   */
  async fit(x: Tensor, options: TrainOptions = {}): Promise<History> {
    return nnFit(this, { x, y: x }, fitOptions(options));
  }
}

/** @internal nn `fit` options from ours (MSE loss). */
export function fitOptions(options: TrainOptions, augment?: FitOptions['augment']): FitOptions {
  const out: FitOptions = {
    loss: meanSquaredError,
    optimizer: options.optimizer ?? new Adam({ learningRate: options.learningRate ?? 1e-3 }),
    epochs: options.epochs ?? 10,
    batchSize: options.batchSize ?? 64,
    seed: options.seed ?? 0,
    progress: options.progress ?? false,
  };
  if (options.validation) out.validation = { x: options.validation, y: options.validation };
  if (options.callbacks) out.callbacks = options.callbacks;
  if (augment) out.augment = augment;
  return out;
}

/** @internal The encoder and decoder stacks of a dense autoencoder. */
export function denseHalves(op: string, options: DenseAutoencoderOptions): { encoder: Sequential; decoder: Sequential } {
  const d = checkSize(op, 'inputSize', options?.inputSize);
  const k = checkSize(op, 'latentSize', options.latentSize);
  const hidden = options.hiddenSizes ?? [];
  hidden.forEach((h, i) => checkSize(op, `hiddenSizes[${i}]`, h));
  const activation = options.activation ?? 'relu';
  activationLayer(op, activation);
  const out = options.outputActivation ?? 'sigmoid';
  if (out !== 'sigmoid' && out !== 'none')
    throw new ValueError(op, `option 'outputActivation' expected 'sigmoid' or 'none', got '${String(out)}'`);
  const rng = new Rng(options.seed ?? 0);
  const layer = { rng, dtype: options.dtype ?? 'float32', bias: options.bias ?? true };
  const widths = [d, ...hidden, k];
  const encoder = new Sequential();
  for (let i = 0; i + 1 < widths.length; i++) {
    encoder.add(new Dense(widths[i], widths[i + 1], layer));
    const act = i + 2 < widths.length ? activationLayer(op, activation) : null;
    if (act) encoder.add(act);
  }
  const back = [...widths].reverse();
  const decoder = new Sequential();
  for (let i = 0; i + 1 < back.length; i++) {
    decoder.add(new Dense(back[i], back[i + 1], layer));
    const act = i + 2 < back.length ? activationLayer(op, activation) : out === 'sigmoid' ? new Sigmoid() : null;
    if (act) decoder.add(act);
  }
  return { encoder, decoder };
}

/** @internal Checks x is a float tensor of rank ≥ 2 with a batch axis. */
export function checkBatch(op: string, x: Tensor): void {
  if (x.rank < 2) throw new ShapeError(op, `argument 'x' expected a batch [n, ...], got shape [${x.shape.join(', ')}]`);
}

/** @internal Builds the encoder and decoder of a saved autoencoder's config. */
export function halvesFromConfig(
  layer: string,
  config: JsonObject,
  context: Parameters<LayerFactory>[1],
): { encoder: Module; decoder: Module } {
  for (const key of ['encoder', 'decoder'])
    if (!Object.hasOwn(config, key))
      throw new FormatError('loadModel', `layer '${layer}': config field '${key}' expected a layer description, got undefined`);
  return { encoder: context.build(config.encoder), decoder: context.build(config.decoder) };
}

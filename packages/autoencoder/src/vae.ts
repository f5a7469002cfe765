/**
 * Variational autoencoder (Kingma & Welling 2014). The encoder gives a diagonal Gaussian
 * q(z|x) = N(μ(x), diag(exp(logvar(x)))); a code is drawn with the reparameterisation
 * z = μ + exp(½·logvar)·ε, ε ~ N(0, I) from the seeded generator (so gradients flow through μ
 * and logvar); the decoder gives Bernoulli logits for p(x|z). Training minimises the negative
 * evidence lower bound, per sample:
 *
 *   −ELBO(x) = −E_q[log p(x|z)] + KL(q(z|x) ‖ N(0, I))
 *            = Σ_pixels BCE(logits(z), x) + ½·Σ_j (μ_j² + exp(logvar_j) − 1 − logvar_j)
 *
 * (one Monte-Carlo sample of z), averaged over the batch; reported in nats per sample.
 * Shapes: x [n, d] with values in [0, 1]; μ, logvar, z [n, k]; logits [n, d].
 */
import {
  Adam,
  Dense,
  type JsonObject,
  type LayerFactory,
  Module,
  type Optimizer,
  Sequential,
  binaryCrossEntropyWithLogits,
  gaussianKlDivergence,
} from '@lec/nn';
import {
  type DType,
  Rng,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  div,
  exp,
  gather,
  mul,
  noGrad,
  randn,
  reshape,
  sigmoid,
  slice,
  tensor,
  tidy,
  variableGrads,
} from '@lec/tensor';
import { type Activation, activationLayer, checkSize } from './autoencoder.js';

/** Options of `VAE`. */
export interface VaeOptions {
  /** d, features per sample (784 for MNIST), values in [0, 1]. */
  inputSize: number;
  /** k, the latent size (default 2). */
  latentSize?: number;
  /** Encoder hidden widths, mirrored by the decoder (default [256]). */
  hiddenSizes?: number[];
  /** Hidden activation (default relu). */
  activation?: Activation;
  seed?: number;
  dtype?: DType;
}

/** What `VAE.forward` returns. */
export interface VaeOutput {
  /** Bernoulli logits of p(x|z), [n, d]. */
  logits: Tensor;
  mu: Tensor;
  logvar: Tensor;
  /** The sampled code, [n, k]. */
  z: Tensor;
}

/** The terms of the negative ELBO, nats per sample (batch mean). */
export interface ElboTerms {
  /** −ELBO = reconstruction + kl. */
  negativeElbo: Tensor;
  reconstruction: Tensor;
  kl: Tensor;
}

/** One epoch of `VAE.train`: negative ELBO on the training data (mean over batches) and, with `validation`, on it. */
export interface VaeEpochLogs {
  epoch: number;
  negativeElbo: number;
  reconstruction: number;
  kl: number;
  valNegativeElbo?: number;
  seconds: number;
}

/** Options of `VAE.train`. */
export interface VaeTrainOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: Optimizer;
  /** Seed of shuffling and of ε (default 0). */
  seed?: number;
  /** Held-out inputs scored after every epoch with a fixed ε seed (comparable across epochs). */
  validation?: Tensor;
  onEpochEnd?: (logs: VaeEpochLogs) => void | Promise<void>;
}

/**
 * A dense VAE with a Gaussian encoder and a Bernoulli decoder.
 * @example
 * ```ts
 * const vae = new VAE({ inputSize: 6, latentSize: 2, hiddenSizes: [4], seed: 0 });
 * vae.encode(zeros([3, 6])).mu.shape; // [3, 2]
 * vae.sample(5, { seed: 1 }).shape; // [5, 6]
 * ```
 */
export class VAE extends Module<Tensor, VaeOutput> {
  readonly type = 'VAE';
  readonly latentSize: number;
  readonly inputSize: number;
  readonly body: Sequential;
  readonly muHead: Dense;
  readonly logvarHead: Dense;
  readonly decoder: Sequential;
  readonly dtype: DType;
  readonly hiddenSizes: readonly number[];
  readonly activation: Activation;

  constructor(options: VaeOptions) {
    super();
    const op = 'VAE';
    const d = checkSize(op, 'inputSize', options?.inputSize);
    const k = checkSize(op, 'latentSize', options.latentSize ?? 2);
    const hidden = options.hiddenSizes ?? [256];
    hidden.forEach((h, i) => checkSize(op, `hiddenSizes[${i}]`, h));
    const activation = options.activation ?? 'relu';
    const rng = new Rng(options.seed ?? 0);
    this.dtype = options.dtype ?? 'float32';
    const layer = { rng, dtype: this.dtype };
    this.inputSize = d;
    this.latentSize = k;
    this.hiddenSizes = [...hidden];
    this.activation = activation;
    const body = new Sequential();
    let width = d;
    for (const h of hidden) {
      body.add(new Dense(width, h, layer));
      const act = activationLayer(op, activation);
      if (act) body.add(act);
      width = h;
    }
    this.body = this.addModule('body', body);
    this.muHead = this.addModule('mu', new Dense(width, k, layer));
    this.logvarHead = this.addModule('logvar', new Dense(width, k, layer));
    const decoder = new Sequential();
    const back = [k, ...[...hidden].reverse(), d];
    for (let i = 0; i + 1 < back.length; i++) {
      decoder.add(new Dense(back[i], back[i + 1], layer));
      const act = i + 2 < back.length ? activationLayer(op, activation) : null;
      if (act) decoder.add(act);
    }
    this.decoder = this.addModule('decoder', decoder);
  }

  /**
   * The config `saveModel` writes; with the weights, `loadModel(saved, { ...coreLayers,
   * ...autoencoderLayers })` rebuilds a VAE that encodes, decodes and samples the same.
   * @example
   * ```ts
   * new VAE({ inputSize: 6, latentSize: 2, hiddenSizes: [4] }).config(); // { inputSize: 6, latentSize: 2, hiddenSizes: [4], activation: 'relu', dtype: 'float32' }
   * ```
   */
  override config(): JsonObject {
    return {
      inputSize: this.inputSize,
      latentSize: this.latentSize,
      hiddenSizes: [...this.hiddenSizes],
      activation: this.activation,
      dtype: this.dtype,
    };
  }

  /** Registry factory (see `autoencoderLayers`). */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inputSize = c.int('inputSize', { min: 1 });
    const latentSize = c.int('latentSize', { min: 1 });
    const hiddenSizes = c.intList('hiddenSizes', { min: 1, maxLength: 64 });
    const widths = [inputSize, ...hiddenSizes];
    // body, the two heads, the decoder: each Dense asks for its weight and bias first
    const dense = (a: number, b: number) => {
      context.reserve([a, b]);
      context.reserve([b]);
    };
    for (let i = 1; i < widths.length; i++) dense(widths[i - 1], widths[i]);
    dense(widths[widths.length - 1], latentSize);
    dense(widths[widths.length - 1], latentSize);
    const back = [latentSize, ...[...hiddenSizes].reverse(), inputSize];
    for (let i = 1; i < back.length; i++) dense(back[i - 1], back[i]);
    return new VAE({
      inputSize,
      latentSize,
      hiddenSizes,
      activation: c.choice('activation', ['relu', 'tanh', 'sigmoid', 'none'], 'relu'),
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };

  /**
   * The parameters of q(z|x): μ and logvar, each [n, k].
   * @example
   * ```ts
   * new VAE({ inputSize: 4, latentSize: 3, seed: 0 }).encode(ones([2, 4])).logvar.shape; // [2, 3]
   * ```
   */
  encode(x: Tensor): { mu: Tensor; logvar: Tensor } {
    if (x.rank !== 2 || x.shape[1] !== this.inputSize)
      throw new ShapeError('VAE.encode', `argument 'x' expected [n, ${this.inputSize}], got [${x.shape.join(', ')}]`);
    const h = this.body.forward(x);
    return { mu: this.muHead.forward(h), logvar: this.logvarHead.forward(h) };
  }

  /**
   * z = μ + exp(½·logvar)·ε with ε ~ N(0, I) drawn from `rng` (differentiable in μ and logvar).
   * @example
   * ```ts
   * VAE.reparameterize(zeros([2, 3]), zeros([2, 3]), new Rng(0)).shape; // [2, 3]
   * ```
   */
  static reparameterize(mu: Tensor, logvar: Tensor, rng: Rng): Tensor {
    const eps = randn(mu.shape, { rng, dtype: mu.dtype, backend: mu.backend });
    return add(mu, mul(exp(mul(logvar, 0.5)), eps));
  }

  /**
   * Bernoulli logits of p(x|z), [n, d].
   * @example
   * ```ts
   * new VAE({ inputSize: 4, latentSize: 2, seed: 0 }).decodeLogits(zeros([1, 2])).shape; // [1, 4]
   * ```
   */
  decodeLogits(z: Tensor): Tensor {
    if (z.rank !== 2 || z.shape[1] !== this.latentSize)
      throw new ShapeError('VAE.decode', `argument 'z' expected [n, ${this.latentSize}], got [${z.shape.join(', ')}]`);
    return this.decoder.forward(z);
  }

  /**
   * The decoder's mean image σ(logits) for codes z [n, k], values in (0, 1).
   * @example
   * ```ts
   * new VAE({ inputSize: 4, latentSize: 2, seed: 0 }).decode(zeros([1, 2])).shape; // [1, 4]
   * ```
   */
  decode(z: Tensor): Tensor {
    return sigmoid(this.decodeLogits(z));
  }

  /**
   * One stochastic pass: encode, sample z (generator `rng`, default seed 0), decode to logits.
   * @example
   * ```ts
   * new VAE({ inputSize: 4, latentSize: 2, seed: 0 }).forward(ones([3, 4]), new Rng(1)).z.shape; // [3, 2]
   * ```
   */
  forward(x: Tensor, rng: Rng = new Rng(0)): VaeOutput {
    const { mu, logvar } = this.encode(x);
    const z = VAE.reparameterize(mu, logvar, rng);
    return { logits: this.decodeLogits(z), mu, logvar, z };
  }

  /**
   * The negative ELBO of x and its two terms, nats per sample (one sample of z from `rng`).
   * @example
   * ```ts
   * const t = new VAE({ inputSize: 4, latentSize: 2, seed: 0 }).elbo(full([2, 4], 0.5), new Rng(0));
   * t.negativeElbo.item() > 0; // true
   * ```
   */
  elbo(x: Tensor, rng: Rng = new Rng(0)): ElboTerms {
    const out = this.forward(x, rng);
    const reconstruction = div(binaryCrossEntropyWithLogits(out.logits, x, { reduction: 'sum' }), x.shape[0]);
    const kl = gaussianKlDivergence(out.mu, out.logvar);
    return { negativeElbo: add(reconstruction, kl), reconstruction, kl };
  }

  /**
   * The mean negative ELBO over `x` in batches, with ε from `seed` (default 0): comparable across epochs.
   * @example
   * ```ts
   * new VAE({ inputSize: 4, latentSize: 2, seed: 0 }).negativeElbo(full([3, 4], 0.5)) > 0; // true
   * ```
   */
  negativeElbo(x: Tensor, options: { seed?: number; batchSize?: number } = {}): number {
    const rng = new Rng(options.seed ?? 0);
    const n = x.shape[0];
    const bs = options.batchSize ?? 500;
    let total = 0;
    noGrad(() => {
      for (let s = 0; s < n; s += bs) {
        const m = Math.min(bs, n - s);
        total += tidy(() => this.elbo(rowsOf(x, s, m), rng).negativeElbo.item()) * m;
      }
    });
    return n > 0 ? total / n : 0;
  }

  /**
   * The decoder's means for the codes' means: σ(logits(μ(x))), [n, d].
   * @example
   * ```ts
   * new VAE({ inputSize: 4, latentSize: 2, seed: 0 }).reconstruct(ones([2, 4])).shape; // [2, 4]
   * ```
   */
  reconstruct(x: Tensor): Tensor {
    return this.decode(this.encode(x).mu);
  }

  /**
   * `n` new samples: decoder means σ(logits(z)) for z ~ N(0, I) from `seed` (default 0), [n, d].
   * @example
   * ```ts
   * new VAE({ inputSize: 4, latentSize: 2, seed: 0 }).sample(3, { seed: 7 }).shape; // [3, 4]
   * ```
   */
  sample(n: number, options: { seed?: number; rng?: Rng } = {}): Tensor {
    checkSize('VAE.sample', 'n', n);
    return noGrad(() => this.decode(randn([n, this.latentSize], { rng: options.rng ?? new Rng(options.seed ?? 0), dtype: this.dtype })));
  }

  /**
   * Decodes `steps` codes evenly spaced on the line from μ(a) to μ(b) (a, b: one sample each,
   * [d] or [1, d]), [steps, d]: the first row reconstructs a, the last b.
   * @example
   * ```ts
   * new VAE({ inputSize: 4, latentSize: 2, seed: 0 }).interpolate(zeros([4]), ones([4]), 5).shape; // [5, 4]
   * ```
   */
  interpolate(a: Tensor, b: Tensor, steps: number): Tensor {
    const op = 'VAE.interpolate';
    if (!(Number.isSafeInteger(steps) && steps >= 2)) throw new ValueError(op, `argument 'steps' expected an integer >= 2, got ${steps}`);
    for (const [name, t] of [
      ['a', a],
      ['b', b],
    ] as const) {
      if (t.size !== this.inputSize)
        throw new ShapeError(
          op,
          `argument '${name}' expected one sample of ${this.inputSize} features ([${this.inputSize}] or [1, ${this.inputSize}]), got [${t.shape.join(', ')}]`,
        );
    }
    return noGrad(() => {
      const za = this.encode(reshape(a, [1, this.inputSize])).mu.dataSync();
      const zb = this.encode(reshape(b, [1, this.inputSize])).mu.dataSync();
      const k = this.latentSize;
      const codes = new Float64Array(steps * k);
      for (let s = 0; s < steps; s++) {
        const t = s / (steps - 1);
        for (let j = 0; j < k; j++) codes[s * k + j] = (1 - t) * za[j] + t * zb[j];
      }
      return this.decode(tensor(codes, [steps, k], { dtype: this.dtype }));
    });
  }

  /**
   * Trains by minimising the negative ELBO with Adam (default lr 1e-3); returns the per-epoch
   * logs (training −ELBO averaged over the epoch's batches, and −ELBO on `validation`).
   * @example
   * ```ts
   * const vae = new VAE({ inputSize: 4, latentSize: 2, hiddenSizes: [8], seed: 0 });
   * const logs = await vae.fit(rand([16, 4], { seed: 1 }), { epochs: 2, batchSize: 8 });
   * logs.length; // 2
   * ```
   */
  async fit(x: Tensor, options: VaeTrainOptions = {}): Promise<VaeEpochLogs[]> {
    const op = 'VAE.train';
    if (x.rank !== 2 || x.shape[1] !== this.inputSize)
      throw new ShapeError(op, `argument 'x' expected [n, ${this.inputSize}], got [${x.shape.join(', ')}]`);
    const epochs = options.epochs ?? 10;
    const batchSize = options.batchSize ?? 100;
    if (!(Number.isSafeInteger(epochs) && epochs >= 0)) throw new ValueError(op, `option 'epochs' expected an integer >= 0, got ${epochs}`);
    checkSize(op, 'batchSize', batchSize);
    const optimizer = options.optimizer ?? new Adam({ learningRate: options.learningRate ?? 1e-3 });
    const rng = new Rng(options.seed ?? 0);
    const variables = this.trainableParameters();
    const n = x.shape[0];
    const logs: VaeEpochLogs[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const start = performance.now();
      const order = rng.permutation(n);
      let sums = [0, 0, 0];
      for (let s = 0; s < n; s += batchSize) {
        const m = Math.min(batchSize, n - s);
        const terms = tidy(() => {
          const batch = gather(x, tensor(order.subarray(s, s + m), [m], { dtype: 'int32', backend: x.backend }));
          let parts: number[] = [];
          const { value, grads } = variableGrads(() => {
            const t = this.elbo(batch, rng);
            parts = [t.reconstruction.item(), t.kl.item()];
            return t.negativeElbo;
          }, variables);
          const v = value.item();
          if (!Number.isFinite(v))
            throw new ValueError(
              op,
              `the negative ELBO is ${v} at epoch ${epoch}, batch ${s / batchSize}; the parameters were not updated`,
            );
          optimizer.step(variables, grads);
          return [v, ...parts];
        });
        sums = sums.map((acc, i) => acc + terms[i] * m);
      }
      const entry: VaeEpochLogs = { epoch, negativeElbo: sums[0] / n, reconstruction: sums[1] / n, kl: sums[2] / n, seconds: 0 };
      if (options.validation) entry.valNegativeElbo = this.negativeElbo(options.validation, { seed: 1 });
      entry.seconds = (performance.now() - start) / 1000;
      logs.push(entry);
      await options.onEpochEnd?.(entry);
    }
    return logs;
  }
}

/** @internal Rows [start, start + count) of x. */
export function rowsOf(x: Tensor, start: number, count: number): Tensor {
  return slice(x, [start, ...x.shape.slice(1).map(() => 0)], [count, ...x.shape.slice(1)]);
}

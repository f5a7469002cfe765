/**
 * Denoising autoencoder (Vincent et al. 2008): trained to map a corrupted input x̃ back to
 * the clean x, minimising ‖x − g(f(x̃))‖². Each training batch is corrupted afresh from fit's
 * seeded generator, so the network never sees the same noise twice and training is
 * reproducible.
 */
import { ConfigReader, FormatError, type History, type JsonObject, type LayerFactory, isJsonObject, fit as nnFit } from '@lec/nn';
import type { Tensor } from '@lec/tensor';
import {
  Autoencoder,
  type ConvAutoencoderOptions,
  type DenseAutoencoderOptions,
  type TrainOptions,
  denseHalves,
  fitOptions,
  halvesFromConfig,
} from './autoencoder.js';
import { type Corruption, type NoiseOptions, checkCorruption, corrupt } from './corruption.js';

/**
 * An autoencoder that learns to remove `corruption` (Gaussian, masking or salt-and-pepper).
 * @example
 * ```ts
 * const dae = DenoisingAutoencoder.dense({ inputSize: 4, latentSize: 2, seed: 0 }, { kind: 'gaussian', std: 0.3 });
 * const history = await dae.fit(rand([16, 4], { seed: 1 }), { epochs: 1, batchSize: 8 });
 * history.epochs.length; // 1
 * ```
 */
export class DenoisingAutoencoder extends Autoencoder {
  override readonly type: string = 'DenoisingAutoencoder';
  readonly corruption: Corruption;

  constructor(encoder: Autoencoder['encoder'], decoder: Autoencoder['decoder'], corruption: Corruption) {
    super(encoder, decoder);
    checkCorruption('DenoisingAutoencoder', corruption);
    this.corruption = { ...corruption };
  }

  /**
   * A dense denoising autoencoder (same layers as `Autoencoder.dense`).
   * @example
   * ```ts
   * DenoisingAutoencoder.dense({ inputSize: 8, latentSize: 2 }, { kind: 'masking', rate: 0.3 }).corruption.kind; // 'masking'
   * ```
   */
  static override dense(options: DenseAutoencoderOptions, corruption: Corruption = { kind: 'gaussian', std: 0.3 }): DenoisingAutoencoder {
    const { encoder, decoder } = denseHalves('DenoisingAutoencoder.dense', options);
    return new DenoisingAutoencoder(encoder, decoder, corruption);
  }

  /**
   * A convolutional denoising autoencoder (same layers as `Autoencoder.convolutional`).
   * @example
   * ```ts
   * DenoisingAutoencoder.convolutional({ filters: [4], latentSize: 4 }, { kind: 'saltAndPepper', rate: 0.1 }).encode(zeros([1, 28, 28, 1])).shape; // [1, 4]
   * ```
   */
  static override convolutional(
    options: ConvAutoencoderOptions = {},
    corruption: Corruption = { kind: 'gaussian', std: 0.3 },
  ): DenoisingAutoencoder {
    const ae = Autoencoder.convolutional(options);
    return new DenoisingAutoencoder(ae.encoder, ae.decoder, corruption);
  }

  /**
   * `corrupt(x, this.corruption, noise)`: the inputs this model is trained on.
   * @example
   * ```ts
   * const dae = DenoisingAutoencoder.dense({ inputSize: 2, latentSize: 1 }, { kind: 'masking', rate: 1 });
   * dae.corrupt(ones([1, 2]), { seed: 0 }).toArray(); // [[0, 0]]
   * ```
   */
  corrupt(x: Tensor, noise: NoiseOptions = {}): Tensor {
    return corrupt(x, this.corruption, noise);
  }

  /**
   * The config `saveModel` writes: the encoder, the decoder and the corruption model.
   * @example
   * ```ts
   * DenoisingAutoencoder.dense({ inputSize: 4, latentSize: 2 }, { kind: 'masking', rate: 0.25 }).config().corruption; // { kind: 'masking', rate: 0.25 }
   * ```
   */
  override config(): JsonObject & { encoder: JsonObject; decoder: JsonObject; corruption: JsonObject } {
    return { ...super.config(), corruption: { ...this.corruption } };
  }

  /** Registry factory (see `autoencoderLayers`). */
  static override readonly fromConfig: LayerFactory = (c, context) => {
    const raw = c.config.corruption;
    if (!isJsonObject(raw))
      throw new FormatError('loadModel', `layer '${c.layer}': config field 'corruption' expected an object, got ${JSON.stringify(raw)}`);
    const r = new ConfigReader(`${c.layer}.corruption`, raw);
    const kind = r.choice('kind', ['gaussian', 'masking', 'saltAndPepper']);
    const corruption: Corruption =
      kind === 'gaussian'
        ? { kind, std: r.number('std', { min: 0 }), ...(Object.hasOwn(raw, 'clip') ? { clip: r.bool('clip') } : {}) }
        : { kind, rate: r.number('rate', { min: 0, max: 1 }) };
    const { encoder, decoder } = halvesFromConfig(c.layer, c.config, context);
    return new DenoisingAutoencoder(encoder, decoder, corruption);
  };

  /**
   * Trains on (corrupt(x), x) with MSE; every batch gets fresh noise from the seeded generator.
   * `validation` is scored clean-to-clean.
   * @example
   * ```ts
   * const dae = DenoisingAutoencoder.dense({ inputSize: 4, latentSize: 2, seed: 0 });
   * (await dae.fit(rand([8, 4], { seed: 1 }), { epochs: 2, batchSize: 4 })).epochs.length; // 2
   * ```
   */
  override async fit(x: Tensor, options: TrainOptions = {}): Promise<History> {
    return nnFit(
      this,
      { x, y: x },
      fitOptions(options, (batch, rng) => ({ x: this.corrupt(batch.x, { rng }), y: batch.y })),
    );
  }
}

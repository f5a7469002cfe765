/**
 * The layer registry of @lec/autoencoder for @lec/nn's `loadModel`: an `Autoencoder`,
 * `DenoisingAutoencoder` or `VAE` saved with `saveModel` is rebuilt from its config and its
 * safetensors weights. Their encoders and decoders are made of @lec/nn's core layers (and, for
 * convolutional autoencoders, @lec/cnn's), so merge the registries.
 */
import type { LayerRegistry } from '@lec/nn';
import { Autoencoder } from './autoencoder.js';
import { DenoisingAutoencoder } from './denoising-autoencoder.js';
import { Reshape } from './reshape.js';
import { VAE } from './vae.js';

/**
 * The layer types of @lec/autoencoder for `loadModel`:
 * `loadModel(saved, { ...coreLayers, ...cnnLayers, ...autoencoderLayers })`.
 * @example
 * ```ts
 * Object.keys(autoencoderLayers); // ['Autoencoder', 'DenoisingAutoencoder', 'VAE', 'Reshape']
 * ```
 */
export const autoencoderLayers: LayerRegistry = {
  Autoencoder: Autoencoder.fromConfig,
  DenoisingAutoencoder: DenoisingAutoencoder.fromConfig,
  VAE: VAE.fromConfig,
  Reshape: Reshape.fromConfig,
};

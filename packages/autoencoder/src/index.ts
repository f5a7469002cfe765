/**
 * @lec/autoencoder: autoencoders — dense and convolutional (`Autoencoder`), denoising
 * (`DenoisingAutoencoder` with Gaussian, masking and salt-and-pepper corruption) and
 * variational (`VAE`) — with MSE/PSNR metrics, image grids, and the linear-autoencoder/PCA
 * equivalence (`linearAutoencoderVsPca`). Images NHWC; flat data [n, d], rows are samples.
 * PNG encoding lives in the Node-only subpath `@lec/autoencoder/png`.
 * @packageDocumentation
 */
export {
  Autoencoder,
  type Activation,
  type ConvAutoencoderOptions,
  type DenseAutoencoderOptions,
  type TrainOptions,
} from './autoencoder.js';
export { DenoisingAutoencoder } from './denoising-autoencoder.js';
export { corrupt, type Corruption, type NoiseOptions } from './corruption.js';
export { VAE, type ElboTerms, type VaeEpochLogs, type VaeOptions, type VaeOutput, type VaeTrainOptions } from './vae.js';
export { mse, psnr } from './metrics.js';
export { imageGrid, type GrayImage, type ImageGridOptions } from './image-grid.js';
export { linearAutoencoderVsPca, type LinearVsPcaOptions, type LinearVsPcaResult } from './linear-vs-pca.js';
export { Reshape } from './reshape.js';
export { autoencoderLayers } from './registry.js';

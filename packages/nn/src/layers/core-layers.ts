import type { LayerRegistry } from '../registry.js';
import { ELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Flatten } from './flatten.js';
import { LayerNorm } from './layer-norm.js';
import { Sequential } from './sequential.js';
import { Perceptron } from '../perceptron.js';

/**
 * The registry of every @lec/nn layer, for `loadModel`. Model packages export their own and
 * callers merge them: `loadModel(saved, { ...coreLayers, ...cnnLayers })`.
 * @example
 * ```ts
 * Object.keys(coreLayers).includes('Dense'); // true
 * ```
 */
export const coreLayers: LayerRegistry = Object.freeze({
  Sequential: Sequential.fromConfig,
  Dense: Dense.fromConfig,
  ReLU: ReLU.fromConfig,
  Tanh: Tanh.fromConfig,
  Sigmoid: Sigmoid.fromConfig,
  LeakyReLU: LeakyReLU.fromConfig,
  ELU: ELU.fromConfig,
  Softmax: Softmax.fromConfig,
  Dropout: Dropout.fromConfig,
  Embedding: Embedding.fromConfig,
  Flatten: Flatten.fromConfig,
  LayerNorm: LayerNorm.fromConfig,
  BatchNorm1d: BatchNorm1d.fromConfig,
  BatchNorm2d: BatchNorm2d.fromConfig,
  Perceptron: Perceptron.fromConfig,
});

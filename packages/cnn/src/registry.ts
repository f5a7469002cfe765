import type { LayerRegistry } from '@lec/nn';
import { Conv2d } from './layers/conv2d.js';
import { Conv2dTranspose } from './layers/conv2d-transpose.js';
import { Conv1d } from './layers/conv1d.js';
import { AvgPool2d, GlobalAvgPool, GlobalMaxPool, MaxPool2d } from './layers/pooling.js';
import { Upsample } from './layers/upsample.js';

/**
 * The layer types of @lec/cnn for `loadModel`; merge with @lec/nn's core registry:
 * `loadModel(files, { ...coreLayers, ...cnnLayers })`.
 * @example
 * ```ts
 * Object.keys(cnnLayers).includes('Conv2d'); // true
 * ```
 */
export const cnnLayers: LayerRegistry = {
  Conv1d: Conv1d.fromConfig,
  Conv2d: Conv2d.fromConfig,
  Conv2dTranspose: Conv2dTranspose.fromConfig,
  MaxPool2d: MaxPool2d.fromConfig,
  AvgPool2d: AvgPool2d.fromConfig,
  GlobalAvgPool: GlobalAvgPool.fromConfig,
  GlobalMaxPool: GlobalMaxPool.fromConfig,
  Upsample: Upsample.fromConfig,
};

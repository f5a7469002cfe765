/** tfjs-layers' LeNet-5 (shared by the Node suite and the browser page; no Node imports). */
import type { TfjsLayers } from '../impls/tfjs-common.js';

/** tfjs-layers' LeNet-5, the same network as @lec/cnn's `lenet5()` (relu before pooling: equal for max pooling). */
export function tfjsLenet(tfl: TfjsLayers) {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

import { autoencoderLayers } from '@lec/autoencoder';
import { cnnLayers } from '@lec/cnn';
import { gcnLayers } from '@lec/gcn';
import { type LayerRegistry, type LoadOptions, type Module, type SavedModel, coreLayers, loadModel as loadWithRegistry } from '@lec/nn';
import { rnnLayers } from '@lec/rnn';

/**
 * One registry of every layer and model of every lec package (nn, cnn, rnn, gcn,
 * autoencoder), for `loadModel`.
 * @example
 * ```ts
 * ['Dense', 'Conv2d', 'LSTM', 'ChildSumTreeLSTM', 'GCN', 'ChebConv', 'VAE'].every((t) => t in allLayers); // true
 * ```
 */
export const allLayers: LayerRegistry = Object.freeze({ ...coreLayers, ...cnnLayers, ...rnnLayers, ...gcnLayers, ...autoencoderLayers });

/**
 * Rebuilds a model saved by `saveModel` (any package's), with `allLayers` unless another
 * registry is given, and loads its weights. See @lec/nn's `loadModel` for the checks.
 * @example
 * ```ts
 * const model = new SequenceClassifier(3, 8, 2, { seed: 0 });
 * loadModel(saveModel(model)).type; // 'SequenceClassifier'
 * ```
 */
export function loadModel(saved: SavedModel, registry: LayerRegistry = allLayers, options: LoadOptions = {}): Module<any, any> {
  return loadWithRegistry(saved, registry, options);
}

/**
 * The layer registry of @lec/gcn for @lec/nn's `loadModel`: a trained GCN (or a GCNConv, a
 * ChebConv) saved with `saveModel` is rebuilt from its config and its safetensors weights.
 */
import type { LayerRegistry } from '@lec/nn';
import { ChebConv } from './cheb-conv.js';
import { GCNConv } from './gcn-conv.js';
import { GCN } from './gcn.js';

/**
 * The layer types of @lec/gcn for `loadModel`; merge with other registries when a model
 * mixes packages: `loadModel(saved, { ...coreLayers, ...gcnLayers })`.
 * @example
 * ```ts
 * Object.keys(gcnLayers); // ['GCNConv', 'ChebConv', 'GCN']
 * ```
 */
export const gcnLayers: LayerRegistry = {
  GCNConv: GCNConv.fromConfig,
  ChebConv: ChebConv.fromConfig,
  GCN: GCN.fromConfig,
};

/**
 * The fast-path record of the `js` backend, composed from the CPU family modules: LSTM
 * (cell and sequence, each a forward/backward pair), sparse × dense, the fused Adam, SGD and RMSprop steps, a dense
 * layer's bias + activation gradient, and the mean squared error with its gradient.
 * A faster backend over the same storage spreads it and overrides entries:
 * `{ ...jsFastPaths(store), ...myFastPaths }`.
 */
import type { FastPaths } from '../v1.js';
import { cpuAdam } from './adam.js';
import { cpuBiasActivation } from './bias-activation.js';
import { cpuLstm } from './lstm.js';
import { cpuMse } from './mse.js';
import { cpuRmsprop } from './rmsprop.js';
import { cpuSgd } from './sgd.js';
import { cpuSpmm } from './spmm.js';
import type { CpuHandle, CpuStore } from './store.js';

/**
 * The JavaScript fast paths over a CPU store (the `js` backend's record).
 * @example
 * ```ts
 * Object.keys(jsFastPaths(jsBackend())); // ['lstmCell', 'lstmSequence', 'spmm', 'adamStep', 'sgdStep', 'rmspropStep', 'biasActivationBackward', 'meanSquaredError']
 * ```
 */
export function jsFastPaths(store: CpuStore): FastPaths<CpuHandle> {
  return {
    ...cpuLstm(store),
    ...cpuSpmm(store),
    ...cpuAdam(store),
    ...cpuSgd(store),
    ...cpuRmsprop(store),
    ...cpuBiasActivation(store),
    ...cpuMse(store),
  };
}

/**
 * The fast-path record of the `js` backend, composed from the CPU family modules: LSTM
 * (cell and sequence, each a forward/backward pair), sparse × dense, and the fused Adam, SGD and RMSprop steps.
 * A faster backend over the same storage spreads it and overrides entries:
 * `{ ...jsFastPaths(store), ...myFastPaths }`.
 */
import type { FastPaths } from '../v1.js';
import { cpuAdam } from './adam.js';
import { cpuLstm } from './lstm.js';
import { cpuRmsprop } from './rmsprop.js';
import { cpuSgd } from './sgd.js';
import { cpuSpmm } from './spmm.js';
import type { CpuHandle, CpuStore } from './store.js';

/**
 * The JavaScript fast paths over a CPU store (the `js` backend's record).
 * @example
 * ```ts
 * Object.keys(jsFastPaths(jsBackend())); // ['lstmCell', 'lstmSequence', 'spmm', 'adamStep', 'sgdStep', 'rmspropStep']
 * ```
 */
export function jsFastPaths(store: CpuStore): FastPaths<CpuHandle> {
  return { ...cpuLstm(store), ...cpuSpmm(store), ...cpuAdam(store), ...cpuSgd(store), ...cpuRmsprop(store) };
}

/**
 * modelCheckpoint: Keras' ModelCheckpoint as a `fit` callback. After an epoch it takes the
 * whole training state (`control.checkpoint()`: parameters, optimizer state, generators,
 * history) and hands it to `save`, which writes it wherever the program keeps files (fs in
 * Node, IndexedDB or a download in a browser); `fit({ resumeFrom })` continues from it.
 */
import { ValueError } from '@lec/tensor';
import type { EpochLogs, FitCallbacks, TrainingControl } from './fit.js';

/** Options of `modelCheckpoint`. */
export interface ModelCheckpointOptions {
  /** Stores one checkpoint (may be async; fit awaits it). */
  save(checkpoint: Uint8Array, logs: EpochLogs): void | Promise<void>;
  /** Save only when `monitor` improved on the best so far (default false: every epoch). */
  saveBestOnly?: boolean;
  /** A key of the epoch logs (default `'valLoss'` when present, else `'loss'`). */
  monitor?: string;
  /** `'min'` or `'max'` (default: `'max'` when the key contains "acc", else `'min'`). */
  mode?: 'min' | 'max';
  /** Save every this many epochs (default 1). */
  every?: number;
}

/**
 * A `fit` callback that saves a training checkpoint after epochs (every one, every `every`th,
 * or only improvements of `monitor`).
 * @example
 * ```ts
 * const saved: Uint8Array[] = [];
 * const model = new Dense(1, 1, { seed: 0 });
 * const x = tensor([[1], [2]]);
 * await fit(model, { x, y: mul(x, 2) }, {
 *   loss: meanSquaredError, optimizer: new SGD({ learningRate: 0.05 }), epochs: 3, verbose: 0,
 *   callbacks: [modelCheckpoint({ save: (bytes) => { saved.push(bytes); } })],
 * });
 * saved.length; // 3
 * ```
 */
export function modelCheckpoint(options: ModelCheckpointOptions): FitCallbacks {
  const op = 'modelCheckpoint';
  if (typeof options?.save !== 'function') throw new ValueError(op, `option 'save' expected a function`);
  const every = options.every ?? 1;
  if (!Number.isSafeInteger(every) || every < 1) throw new ValueError(op, `option 'every' expected an integer >= 1, got ${every}`);
  let best: number | undefined;
  return {
    async onEpochEnd(logs: EpochLogs, control: TrainingControl) {
      if ((logs.epoch + 1) % every !== 0) return;
      if (options.saveBestOnly) {
        const monitor = options.monitor ?? (logs.valLoss !== undefined ? 'valLoss' : 'loss');
        const value = logs[monitor];
        if (typeof value !== 'number')
          throw new ValueError(op, `monitor '${monitor}' is not in the epoch logs (keys: ${Object.keys(logs).join(', ')})`);
        const maximise = (options.mode ?? (/acc/i.test(monitor) ? 'max' : 'min')) === 'max';
        if (best !== undefined && !(maximise ? value > best : value < best)) return;
        best = value;
      }
      await options.save(control.checkpoint(), logs);
    },
  };
}

/**
 * Training loop and inference helpers. `fit` batches and shuffles with the seeded generator,
 * calls `trainStep` per batch, validates, runs callbacks (which may be async and may stop
 * training), supports early stopping, a per-epoch learning-rate hook, checkpoints and
 * resuming, yields to the event loop (`yieldEvery`, so a page stays responsive) and reports
 * progress (`verbose`: a bar on a terminal, one line per epoch otherwise). `evaluate` and
 * `predict` run in evaluation mode without recording gradients.
 */
import { type Tensor, Rng, ShapeError, ValueError, concat, gather, keep, mul, noGrad, slice, tensor, tidy } from '@lec/tensor';
import { type JsonEpochLogs, restoreCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { Loss } from './losses.js';
import type { Metric } from './metrics.js';
import type { Module } from './module.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { type ProgressDisplay, epochLinePrinter, isNodeTty, printLine, terminalProgress } from './progress.js';
import { trainStep } from './train-step.js';

/** A dataset held in two tensors whose first axis is the sample axis. */
export interface Dataset {
  x: Tensor;
  y: Tensor;
}

/** Per-epoch results: `loss`, each train metric by name, `valLoss` and `val` + Name metrics. */
export interface EpochLogs {
  epoch: number;
  loss: number;
  valLoss?: number;
  /** Wall time of the epoch in seconds. */
  seconds: number;
  [metric: string]: number | undefined;
}

/** Per-batch results given to `onBatchEnd`. */
export interface BatchLogs {
  epoch: number;
  batch: number;
  loss: number;
  size: number;
}

/** Lets a callback stop training after the current batch, and snapshot it. */
export interface TrainingControl {
  stop(): void;
  readonly stopped: boolean;
  /**
   * The whole training state after the last completed epoch (parameters, optimizer state,
   * shuffling and layer generators, history, early stopping's best weights) as one file: pass it to `fit`'s `resumeFrom`.
   * Call it from `onEpochEnd` (what `modelCheckpoint` does).
   */
  checkpoint(): Uint8Array;
}

/** Callbacks of `fit` (each may return a promise, which is awaited). */
export interface FitCallbacks {
  onEpochBegin?(epoch: number, control: TrainingControl): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, control: TrainingControl): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs, control: TrainingControl): void | Promise<void>;
  onTrainEnd?(history: History): void | Promise<void>;
}

/** Early stopping: stop when `monitor` has not improved by `minDelta` for `patience` epochs. */
export interface EarlyStoppingOptions {
  /** A key of EpochLogs (default `valLoss` with validation data, else `loss`). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 3). */
  patience?: number;
  /** Smallest change that counts as improvement (default 0). */
  minDelta?: number;
  /** `min` or `max` (default: `max` when the key contains "acc", else `min`). */
  mode?: 'min' | 'max';
  /** Put back the parameters of the best epoch when stopping (default false). */
  restoreBestWeights?: boolean;
}

/** Options of `fit`. */
export interface FitOptions {
  loss: Loss;
  optimizer: Optimizer;
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Reshuffle the samples every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  /** A generator for shuffling (wins over seed). */
  rng?: Rng;
  /** Held-out data evaluated after every epoch. */
  validation?: Dataset;
  /** Metrics by name, e.g. `{ accuracy }`. */
  metrics?: Record<string, Metric>;
  earlyStopping?: EarlyStoppingOptions;
  /** One callback object or several (run in order). */
  callbacks?: FitCallbacks | readonly FitCallbacks[];
  /** Stops training (after the current batch) when aborted. */
  signal?: AbortSignal;
  clipNorm?: number;
  clipValue?: number;
  /**
   * Transforms each training batch before the step (data augmentation, input noise for a
   * denoising autoencoder). Gets fit's seeded generator; tensors it creates are freed after
   * the step. Not applied to validation data.
   */
  augment?: (batch: Dataset, rng: Rng) => Dataset;
  /** Progress bar: `'auto'` (default) shows it only in a Node TTY; `false` never. Superseded by `verbose`. */
  progress?: boolean | 'auto';
  /**
   * What fit prints, as in Keras: 0 nothing; 1 a progress bar (running-mean loss) on a Node
   * terminal, a line per epoch elsewhere in Node; 2 one line per epoch (loss, metrics, time).
   * Default `'auto'`: 1 on a terminal, 2 when Node's stdout is not a terminal (a log file, CI),
   * 0 in a browser.
   */
  verbose?: 0 | 1 | 2 | 'auto';
  /**
   * When fit gives the event loop a turn (a macrotask, so a page can repaint and handle
   * clicks): a number of milliseconds between turns, `'batch'`, `'epoch'` or `'never'`.
   * Default `'auto'`: every 50 ms in a browser, never in Node.
   */
  yieldEvery?: number | 'auto' | 'batch' | 'epoch' | 'never';
  /**
   * Per-epoch learning rate (Keras' LearningRateScheduler): called before each epoch with
   * the epoch (0-based) and the current rate; the optimizer uses what it returns. The rate
   * is logged as `lr`.
   */
  learningRateSchedule?: (epoch: number, learningRate: number) => number;
  /**
   * A checkpoint from `control.checkpoint()` (or `modelCheckpoint`): restores the
   * parameters, the optimizer's state, the generators and the history, and continues at the
   * epoch after it up to `epochs` (the total, as in an uninterrupted run). With the same
   * options, the weights come out bit-identical to a run that was never interrupted.
   */
  resumeFrom?: Uint8Array;
  /** Say once, on the first epoch, when training runs on the slow `js` backend (default true). */
  backendHint?: boolean;
}

/** What `fit` returns. */
export interface History {
  epochs: EpochLogs[];
  /** Why training ended. */
  stopReason: 'completed' | 'earlyStopping' | 'stopped';
  /** Epoch with the best monitored value (with early stopping). */
  bestEpoch?: number;
}

function checkDataset(op: string, data: Dataset, name: string): number {
  if (data.x.rank < 1 || data.y.rank < 1)
    throw new ShapeError(
      op,
      `argument '${name}' expected x and y with a leading sample axis, got x [${data.x.shape.join(', ')}] and y [${data.y.shape.join(', ')}]`,
    );
  const n = data.x.shape[0];
  if (data.y.shape[0] !== n)
    throw new ShapeError(
      op,
      `argument '${name}': x has ${n} samples ([${data.x.shape.join(', ')}]) but y has ${data.y.shape[0]} ([${data.y.shape.join(', ')}])`,
    );
  return n;
}

function checkBatchSize(op: string, batchSize: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new ValueError(op, `argument 'batchSize' expected an integer >= 1, got ${batchSize}`);
}

function rows(t: Tensor, start: number, count: number): Tensor {
  return slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1)]);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function withMode<T>(model: Module<Tensor, Tensor>, training: boolean, fn: () => T): T {
  const before = model.training;
  model.train(training);
  try {
    return fn();
  } finally {
    model.train(before);
  }
}

type YieldEvery = NonNullable<FitOptions['yieldEvery']>;

/** The one MessageChannel of every yield in a page (a channel per yield made two ports each time). */
let channel: { port: MessagePort; waiting: (() => void)[] } | null = null;

/**
 * Gives the event loop one turn: setImmediate in Node; in browsers `scheduler.yield()` where
 * there is one (input and rendering run, then training continues first), else a task on one
 * reused MessageChannel (no 4 ms clamp, nothing allocated but the promise).
 */
export function nextMacrotask(): Promise<void> {
  const g = globalThis as {
    setImmediate?: (f: () => void) => void;
    MessageChannel?: typeof MessageChannel;
    scheduler?: { yield?: () => Promise<void> };
  };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof g.scheduler?.yield === 'function') return g.scheduler.yield();
  if (typeof g.MessageChannel === 'function') {
    if (!channel) {
      const c = new g.MessageChannel();
      const waiting: (() => void)[] = [];
      c.port1.onmessage = () => waiting.shift()?.();
      (c.port1 as { unref?: () => void }).unref?.(); // (Node: never keeps a process alive)
      channel = { port: c.port2, waiting };
    }
    const { port, waiting } = channel;
    return new Promise((resolve) => {
      waiting.push(resolve);
      port.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const isNode = () => Boolean((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node);

/** The interval in ms between yields (Infinity: never; 0: every batch; -1: every epoch). */
function yieldInterval(op: string, y: YieldEvery): number {
  if (y === 'auto') return isNode() ? Infinity : 50;
  if (y === 'never') return Infinity;
  if (y === 'batch') return 0;
  if (y === 'epoch') return -1;
  if (typeof y !== 'number' || !(y >= 0))
    throw new ValueError(op, `option 'yieldEvery' expected a number of ms >= 0, 'auto', 'batch', 'epoch' or 'never', got ${String(y)}`);
  return y;
}

let backendHinted = false;

/** @internal Lets tests see the one-time backend hint again. */
export function resetBackendHint(): void {
  backendHinted = false;
}

function formatEpoch(logs: EpochLogs, epochs: number): string {
  const parts = Object.entries(logs)
    .filter(([k, v]) => k !== 'epoch' && k !== 'seconds' && typeof v === 'number')
    .map(([k, v]) => `${k} ${k === 'lr' ? (v as number).toPrecision(4) : (v as number).toFixed(4)}`);
  return `epoch ${logs.epoch + 1}/${epochs}: ${parts.join(', ')} (${logs.seconds.toFixed(2)} s)`;
}

/**
 * Trains `model` on `data` and returns the per-epoch history. Async: it awaits callbacks and,
 * with `yieldEvery`, gives the event loop turns so a page stays responsive.
 * @example
 * ```ts
 * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
 * const y = tensor([[0], [1], [1], [0]]); // XOR
 * const model = new Sequential([new Dense(2, 8, { seed: 0 }), new Tanh(), new Dense(8, 1, { seed: 1 })]);
 * const history = await fit(model, { x, y }, {
 *   loss: binaryCrossEntropyWithLogits, optimizer: new Adam({ learningRate: 0.05 }),
 *   epochs: 200, batchSize: 4, metrics: { accuracy: (p, t) => accuracy(p, t, { threshold: 0 }) },
 *   verbose: 0,
 * });
 * history.epochs.at(-1)!.accuracy; // 1
 * ```
 */
export async function fit(model: Module<Tensor, Tensor>, data: Dataset, options: FitOptions): Promise<History> {
  const op = 'fit';
  const n = checkDataset(op, data, 'data');
  if (options.validation) checkDataset(op, options.validation, 'validation');
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isSafeInteger(epochs) || epochs < 0) throw new ValueError(op, `argument 'epochs' expected an integer >= 0, got ${epochs}`);
  checkBatchSize(op, batchSize);
  if (!options.loss || !options.optimizer) throw new ValueError(op, `options 'loss' and 'optimizer' are required`);
  const verboseOption = options.verbose ?? (options.progress === false ? 0 : options.progress === true ? 1 : 'auto');
  if (![0, 1, 2, 'auto'].includes(verboseOption))
    throw new ValueError(op, `option 'verbose' expected 0, 1, 2 or 'auto', got ${String(verboseOption)}`);
  const interval = yieldInterval(op, options.yieldEvery ?? 'auto');
  const optimizer = options.optimizer;
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const metrics = Object.entries(options.metrics ?? {});
  const callbackList: readonly FitCallbacks[] = Array.isArray(options.callbacks)
    ? options.callbacks
    : options.callbacks
      ? [options.callbacks as FitCallbacks]
      : [];
  const history: History = { epochs: [], stopReason: 'completed' };
  const es = options.earlyStopping;
  const monitor = es?.monitor ?? (options.validation ? 'valLoss' : 'loss');
  const maximise = (es?.mode ?? (/acc/i.test(monitor) ? 'max' : 'min')) === 'max';
  let best = maximise ? -Infinity : Infinity;
  let bestEpoch: number | undefined;
  let bestWeights: Tensor[] | undefined;
  let wait = 0;
  let firstEpoch = 0;
  if (options.resumeFrom) {
    const restored = restoreCheckpoint(options.resumeFrom, model, optimizer);
    rng.setState(restored.rng);
    firstEpoch = restored.epoch;
    history.epochs.push(...(restored.history as EpochLogs[]));
    if (restored.earlyStopping) {
      if (Number.isFinite(restored.earlyStopping.best)) best = restored.earlyStopping.best;
      wait = restored.earlyStopping.wait;
      bestEpoch = restored.earlyStopping.bestEpoch;
    }
    if (es?.restoreBestWeights) bestWeights = restored.bestWeights;
    else for (const t of restored.bestWeights ?? []) t.dispose();
  }
  let stopRequested = false;
  let completedEpoch = firstEpoch;
  const control: TrainingControl = {
    stop: () => {
      stopRequested = true;
    },
    get stopped() {
      return stopRequested;
    },
    checkpoint: () =>
      writeCheckpoint(
        model,
        optimizer,
        {
          epoch: completedEpoch,
          rng: rng.state(),
          history: history.epochs as JsonEpochLogs[],
          earlyStopping: es ? { best, wait, ...(bestEpoch !== undefined ? { bestEpoch } : {}) } : undefined,
        },
        bestWeights,
      ),
  };
  const each = async (f: (c: FitCallbacks) => void | Promise<void> | undefined) => {
    for (const c of callbackList) await f(c);
  };
  const verbose = verboseOption === 'auto' ? (isNodeTty() ? 1 : isNode() ? 2 : 0) : verboseOption;
  const display: ProgressDisplay | undefined =
    verbose === 0 ? undefined : verbose === 1 ? ((await terminalProgress()) ?? epochLinePrinter()) : epochLinePrinter();
  if (verbose !== 0 && options.backendHint !== false && !backendHinted && epochs > firstEpoch) {
    const backend = model.parameters()[0]?.value.backend ?? data.x.backend;
    if (backend.name === 'js') {
      backendHinted = true;
      printLine(
        "lec: training on the 'js' backend (plain JavaScript, the slowest). `await ready()` from 'lec', or " +
          "`setBackend(await wasmBackend())` from '@lec/kernels-wasm' before creating the model, runs the same code on " +
          'WebAssembly SIMD kernels, several times faster for dense and convolutional layers. (backendHint: false hides this.)',
      );
    }
  }
  const batches = Math.ceil(n / batchSize);
  const wasTraining = model.training;
  let lastYield = performance.now();
  const maybeYield = async (endOfEpoch: boolean) => {
    if (interval === Infinity) return;
    if (interval === -1 ? endOfEpoch : performance.now() - lastYield >= interval) {
      await nextMacrotask();
      lastYield = performance.now();
    }
  };
  try {
    for (let epoch = firstEpoch; epoch < epochs; epoch++) {
      if (options.learningRateSchedule) {
        const lr = options.learningRateSchedule(epoch, optimizer.currentLearningRate);
        if (!(Number.isFinite(lr) && lr >= 0))
          throw new ValueError(op, `learningRateSchedule returned ${lr} for epoch ${epoch}; expected a finite number >= 0`);
        optimizer.learningRate = lr;
      }
      await each((c) => c.onEpochBegin?.(epoch, control));
      const t0 = performance.now();
      const order = options.shuffle === false ? null : rng.permutation(n);
      let lossSum = 0;
      let seen = 0;
      const metricSums = metrics.map(() => 0);
      display?.startEpoch(epoch, epochs, batches);
      model.train(true);
      for (let b = 0; b < batches && !stopRequested && !options.signal?.aborted; b++) {
        const start = b * batchSize;
        const size = Math.min(batchSize, n - start);
        const [xb, yb] = tidy(() => {
          let batch: Dataset;
          if (!order) batch = { x: rows(data.x, start, size), y: rows(data.y, start, size) };
          else {
            const idx = tensor(order.subarray(start, start + size), [size], { dtype: 'int32', backend: data.x.backend });
            const idy =
              data.y.backend === data.x.backend
                ? idx
                : tensor(order.subarray(start, start + size), [size], { dtype: 'int32', backend: data.y.backend });
            batch = { x: gather(data.x, idx, 0), y: gather(data.y, idy, 0) };
          }
          if (options.augment) batch = options.augment(batch, rng);
          // copies when a batch aliases the dataset (so disposing it cannot free the data)
          return [batch.x === data.x ? mul(batch.x, 1) : batch.x, batch.y === data.y ? mul(batch.y, 1) : batch.y];
        });
        try {
          const r = trainStep(model, options.loss, optimizer, xb, yb, {
            clipNorm: options.clipNorm,
            clipValue: options.clipValue,
            epoch,
            batch: b,
            keepOutput: metrics.length > 0,
          });
          lossSum += r.loss * size;
          seen += size;
          if (r.output) {
            const out = r.output;
            metrics.forEach(([, metric], i) => {
              metricSums[i] += noGrad(() => metric(out, yb)) * size;
            });
            out.dispose();
          }
          display?.update(b, lossSum / seen);
          await each((c) => c.onBatchEnd?.({ epoch, batch: b, loss: r.loss, size }, control));
        } finally {
          xb.dispose();
          yb.dispose();
        }
        await maybeYield(false);
      }
      const logs: EpochLogs = { epoch, loss: lossSum / n, seconds: 0 };
      metrics.forEach(([name], i) => {
        logs[name] = metricSums[i] / n;
      });
      if (options.validation) {
        const v = evaluate(model, options.validation, {
          loss: options.loss,
          metrics: options.metrics,
          batchSize: Math.max(batchSize, 256),
        });
        logs.valLoss = v.loss;
        for (const [name] of metrics) logs[`val${capitalise(name)}`] = v[name];
      }
      if (options.learningRateSchedule) logs.lr = optimizer.learningRate as number;
      logs.seconds = (performance.now() - t0) / 1000;
      history.epochs.push(logs);
      completedEpoch = epoch + 1;
      let stopNow = false;
      if (es) {
        const value = logs[monitor];
        if (typeof value !== 'number')
          throw new ValueError(op, `earlyStopping.monitor '${monitor}' is not in the epoch logs (keys: ${Object.keys(logs).join(', ')})`);
        const improved = maximise ? value > best + (es.minDelta ?? 0) : value < best - (es.minDelta ?? 0);
        if (improved) {
          best = value;
          bestEpoch = epoch;
          wait = 0;
          if (es.restoreBestWeights) {
            for (const t of bestWeights ?? []) t.dispose();
            bestWeights = tidy(() => model.parameters().map((p) => mul(p.value, 1))).map((t) => keep(t));
          }
        } else if (++wait >= (es.patience ?? 3)) stopNow = true;
      }
      display?.endEpoch(formatEpoch(logs, epochs));
      await each((c) => c.onEpochEnd?.(logs, control));
      await maybeYield(true);
      if (stopRequested || options.signal?.aborted) {
        history.stopReason = 'stopped';
        break;
      }
      if (stopNow) {
        history.stopReason = 'earlyStopping';
        // assign takes ownership of the tensors
        if (bestWeights) model.parameters().forEach((p, i) => p.assign(bestWeights![i]));
        bestWeights = undefined;
        break;
      }
    }
  } finally {
    display?.stop();
    for (const t of bestWeights ?? []) t.dispose();
    model.train(wasTraining);
  }
  if (bestEpoch !== undefined) history.bestEpoch = bestEpoch;
  await each((c) => c.onTrainEnd?.(history));
  return history;
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  loss?: Loss;
  metrics?: Record<string, Metric>;
  /** Default 256. */
  batchSize?: number;
}

/**
 * The mean loss and metrics of `model` on `data`, in evaluation mode, without gradients.
 * @example
 * ```ts
 * const model = new Sequential([]); // the identity: the inputs are the logits
 * const x = tensor([[2, 0], [0, 2], [2, 0]]);
 * const y = tensor([0, 1, 1], undefined, { dtype: 'int32' });
 * evaluate(model, { x, y }, { loss: softmaxCrossEntropyWithLogits, metrics: { accuracy } }); // ≈ { loss: 0.7936, accuracy: 0.6667 }
 * ```
 */
export function evaluate(
  model: Module<Tensor, Tensor>,
  data: Dataset,
  options: EvaluateOptions = {},
): { loss: number; [metric: string]: number } {
  const n = checkDataset('evaluate', data, 'data');
  const batchSize = options.batchSize ?? 256;
  checkBatchSize('evaluate', batchSize);
  const metrics = Object.entries(options.metrics ?? {});
  const sums = metrics.map(() => 0);
  let lossSum = 0;
  withMode(model, false, () =>
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        tidy(() => {
          const xb = rows(data.x, start, size);
          const yb = rows(data.y, start, size);
          const out = model.forward(xb);
          if (options.loss) lossSum += options.loss(out, yb).item() * size;
          metrics.forEach(([, m], i) => {
            sums[i] += m(out, yb) * size;
          });
        });
      }
    }),
  );
  const result: { loss: number; [metric: string]: number } = { loss: options.loss && n > 0 ? lossSum / n : NaN };
  metrics.forEach(([name], i) => {
    result[name] = n > 0 ? sums[i] / n : NaN;
  });
  return result;
}

/**
 * The model's outputs for `x`, computed in batches in evaluation mode without gradients.
 * @example
 * ```ts
 * predict(new Dense(4, 10, { seed: 0 }), zeros([300, 4]), { batchSize: 128 }).shape; // [300, 10]
 * ```
 */
export function predict(model: Module<Tensor, Tensor>, x: Tensor, options: { batchSize?: number } = {}): Tensor {
  const batchSize = options.batchSize ?? 256;
  checkBatchSize('predict', batchSize);
  if (x.rank < 1) throw new ShapeError('predict', `argument 'x' expected a leading sample axis, got a scalar`);
  const n = x.shape[0];
  return withMode(model, false, () =>
    noGrad(() =>
      tidy(() => {
        if (n <= batchSize) return model.forward(x);
        const parts: Tensor[] = [];
        for (let start = 0; start < n; start += batchSize) parts.push(model.forward(rows(x, start, Math.min(batchSize, n - start))));
        return concat(parts, 0);
      }),
    ),
  );
}

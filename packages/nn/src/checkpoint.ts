/**
 * Saving and resuming training. An optimizer's state (Adam's moments, the step count that is a
 * schedule's position, a fixed learning rate) goes to a safetensors file keyed by parameter
 * name; a training checkpoint is one safetensors file holding the model's parameters
 * (`model/<name>`), the optimizer's slots (`optimizer/<name>/<k>`) and, as JSON metadata, the
 * epoch, the shuffling generator's position, the history and the position of every seeded
 * layer's generator (Dropout). Restoring all of it makes a resumed `fit` bit-identical to an
 * uninterrupted run. Every problem with a file is a `FormatError`.
 */
import { type RngState, type Tensor, type Variable, keep, tensor, tidy } from '@lec/tensor';
import { FormatError } from './errors.js';
import { isJsonObject, safeJsonParse } from './json.js';
import type { Module } from './module.js';
import type { Optimizer, OptimizerState } from './optimizers/optimizer.js';
import { type SafetensorsEntry, type SafetensorsFile, readSafetensors, writeSafetensors } from './safetensors.js';
import { type LoadOptions, assignAll, weightTensorsFor } from './serialization.js';

/** A module whose forward pass draws from its own seeded generator (Dropout). */
export interface RandomStateful {
  randomState(): RngState;
  setRandomState(state: RngState): void;
}

function isRandomStateful(m: unknown): m is RandomStateful {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Partial<RandomStateful>;
  return typeof r.randomState === 'function' && typeof r.setRandomState === 'function';
}

/** Every module of the tree with its dotted path ('' for the root). */
function modulesOf(model: Module<any, any>): [string, Module<any, any>][] {
  const out: [string, Module<any, any>][] = [];
  const stack: [string, Module<any, any>][] = [['', model]];
  while (stack.length) {
    const [path, m] = stack.pop()!;
    out.push([path, m]);
    const kids = m.children();
    for (let i = kids.length - 1; i >= 0; i--) stack.push([path ? `${path}.${kids[i][0]}` : kids[i][0], kids[i][1]]);
  }
  return out;
}

function slotTensors(state: OptimizerState, prefix: string): [string, Tensor][] {
  return state.slots.flatMap(([name, slots]) => slots.map((t, k) => [`${prefix}${name}/${k}`, t] as [string, Tensor]));
}

function slotsFrom(op: string, file: SafetensorsFile, prefix: string, model: Module<any, any>): OptimizerState['slots'] {
  const known = new Map(model.namedParameters());
  // index every slot and check it before making any tensor
  const index = new Map<string, number[]>();
  for (const key of file.tensors.keys()) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const cut = rest.lastIndexOf('/');
    const name = rest.slice(0, cut);
    const k = Number(rest.slice(cut + 1));
    if (cut < 0 || !Number.isSafeInteger(k) || k < 0)
      throw new FormatError(op, `optimizer entry '${key.slice(0, 80)}' is not '<parameter>/<slot>'`);
    if (!known.has(name))
      throw new FormatError(op, `the optimizer state names '${name.slice(0, 80)}', which is not a parameter of the model`);
    index.set(name, [...(index.get(name) ?? []), k]);
  }
  const plan: [string, Variable, SafetensorsEntry[]][] = [];
  for (const [name, ks] of index) {
    const sorted = [...ks].sort((a, b) => a - b);
    if (sorted.some((k, i) => k !== i)) throw new FormatError(op, `the optimizer slots of '${name}' are not numbered 0..${ks.length - 1}`);
    const v = known.get(name)!;
    const entries = sorted.map((k) => file.tensors.get(`${prefix}${name}/${k}`)!);
    entries.forEach((e, k) => {
      if (e.shape.length !== v.shape.length || e.shape.some((d, j) => d !== v.shape[j]))
        throw new FormatError(
          op,
          `optimizer slot '${name}/${k}' has shape [${e.shape.join(', ')}] but the parameter has [${v.shape.join(', ')}]`,
        );
    });
    plan.push([name, v, entries]);
  }
  return plan.map(([name, v, entries]) => [
    name,
    entries.map((e) => tensor(e.data, e.shape, { dtype: v.value.dtype, backend: v.value.backend })),
  ]);
}

function numberOrNull(op: string, text: string | undefined, what: string): number | null {
  if (text === undefined || text === 'null') return null;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new FormatError(op, `metadata '${what}' is not a number: ${text.slice(0, 40)}`);
  return n;
}

/**
 * The optimizer's state for `model`'s parameters (moments, step count, learning rate) as a
 * safetensors file.
 * @example
 * ```ts
 * const model = new Dense(2, 1, { seed: 0 });
 * const opt = new Adam();
 * trainStep(model, meanSquaredError, opt, tensor([[1, 2]]), tensor([[1]]));
 * const bytes = saveOptimizer(opt, model);
 * readSafetensors(bytes).metadata.iterations; // '1'
 * ```
 */
export function saveOptimizer(optimizer: Optimizer, model: Module<any, any>): Uint8Array {
  const state = optimizer.state(model.namedParameters());
  try {
    return writeSafetensors(slotTensors(state, ''), {
      format: 'lec-optimizer',
      iterations: String(state.iterations),
      learningRate: String(state.learningRate),
    });
  } finally {
    for (const [, slots] of state.slots) for (const t of slots) t.dispose();
  }
}

/**
 * Restores a state written by `saveOptimizer` into `optimizer` for `model` (the same parameter
 * names). All-or-nothing: a bad file throws `FormatError` and changes nothing.
 * @example
 * ```ts
 * const model = new Dense(2, 1, { seed: 0 });
 * const opt = new Adam();
 * trainStep(model, meanSquaredError, opt, tensor([[1, 2]]), tensor([[1]]));
 * const resumed = new Adam();
 * loadOptimizer(resumed, model, saveOptimizer(opt, model));
 * resumed.iterations; // 1
 * ```
 */
export function loadOptimizer(optimizer: Optimizer, model: Module<any, any>, bytes: Uint8Array, options: LoadOptions = {}): void {
  const op = 'loadOptimizer';
  const file = readSafetensors(bytes, options);
  if (file.metadata.format !== 'lec-optimizer')
    throw new FormatError(op, `the file is not an optimizer state (format '${file.metadata.format}')`);
  applyOptimizer(op, optimizer, model, file, '', file.metadata.iterations, file.metadata.learningRate);
}

function applyOptimizer(
  op: string,
  optimizer: Optimizer,
  model: Module<any, any>,
  file: SafetensorsFile,
  prefix: string,
  iterationsText: string | undefined,
  lrText: string | undefined,
): void {
  const iterations = Number(iterationsText);
  if (!Number.isSafeInteger(iterations) || iterations < 0)
    throw new FormatError(op, `metadata 'iterations' expected an integer >= 0, got ${iterationsText}`);
  const learningRate = numberOrNull(op, lrText, 'learningRate');
  tidy(() => optimizer.loadState(model.namedParameters(), { iterations, learningRate, slots: slotsFrom(op, file, prefix, model) }));
}

/** Everything a training checkpoint holds besides tensors. */
export interface CheckpointState {
  /** Epochs completed. */
  epoch: number;
  /** The shuffling generator's position. */
  rng: RngState;
  /** Logs of the completed epochs. */
  history: JsonEpochLogs[];
  /** Early stopping's bookkeeping. */
  earlyStopping?: { best: number; bestEpoch?: number; wait: number };
  /** Positions of the seeded layers' generators, by module path. */
  randomStates: [string, RngState][];
}

/** Epoch logs as JSON (numbers; infinities and NaN written as null). */
export type JsonEpochLogs = { epoch: number; loss: number; seconds: number; [metric: string]: number | undefined };

/** @internal What fit writes at the end of an epoch. */
export function writeCheckpoint(
  model: Module<any, any>,
  optimizer: Optimizer,
  state: Omit<CheckpointState, 'randomStates'>,
  bestWeights?: readonly Tensor[],
): Uint8Array {
  const randomStates: [string, RngState][] = modulesOf(model)
    .filter(([, m]) => isRandomStateful(m))
    .map(([path, m]) => [path, (m as unknown as RandomStateful).randomState()]);
  const optState = optimizer.state(model.namedParameters());
  try {
    return writeSafetensors(
      [
        ...model.namedParameters().map(([n, v]) => [`model/${n}`, v.value] as [string, Tensor]),
        ...slotTensors(optState, 'optimizer/'),
        // early stopping's copy of the best epoch's parameters (restoreBestWeights)
        ...(bestWeights ?? []).map((t, i) => [`best/${model.namedParameters()[i][0]}`, t] as [string, Tensor]),
      ],
      {
        format: 'lec-checkpoint',
        version: '1',
        iterations: String(optState.iterations),
        learningRate: String(optState.learningRate),
        state: JSON.stringify({ ...state, randomStates }),
      },
    );
  } finally {
    for (const [, slots] of optState.slots) for (const t of slots) t.dispose();
  }
}

function checkRngState(op: string, v: unknown, where: string): RngState {
  const s = v as RngState;
  if (!isJsonObject(v) || ![s.seed, s.counter, s.used].every((x) => Number.isSafeInteger(x) && x >= 0))
    throw new FormatError(op, `${where} is not a generator state {seed, counter, used}`);
  return { seed: s.seed, counter: s.counter, used: s.used };
}

/**
 * @internal Reads a checkpoint and restores the model's parameters, the optimizer's state
 * and the seeded layers' generators; returns the rest for fit. Everything is parsed and
 * checked before anything is assigned.
 */
export function restoreCheckpoint(
  bytes: Uint8Array,
  model: Module<any, any>,
  optimizer: Optimizer,
  options: LoadOptions = {},
): CheckpointState & { bestWeights?: Tensor[] } {
  const op = 'fit (resumeFrom)';
  const file = readSafetensors(bytes, options);
  if (file.metadata.format !== 'lec-checkpoint' || file.metadata.version !== '1')
    throw new FormatError(op, `the file is not a version-1 lec training checkpoint (format '${file.metadata.format}')`);
  const raw = safeJsonParse(file.metadata.state ?? '', op);
  if (!isJsonObject(raw)) throw new FormatError(op, `the checkpoint state is not a JSON object`);
  const epoch = raw.epoch;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0)
    throw new FormatError(op, `the checkpoint's epoch is ${epoch}`);
  const rng = checkRngState(op, raw.rng, 'the shuffling generator');
  if (!Array.isArray(raw.history) || raw.history.length !== epoch || !raw.history.every(isJsonObject))
    throw new FormatError(op, `the checkpoint's history must hold one object per completed epoch`);
  const modules = new Map(modulesOf(model));
  const randomStates = Array.isArray(raw.randomStates) ? raw.randomStates : [];
  const plannedRandom: [RandomStateful, RngState][] = randomStates.map((entry) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new FormatError(op, `a generator entry is not [path, state]`);
    const m = modules.get(entry[0]);
    if (!isRandomStateful(m))
      throw new FormatError(op, `the checkpoint has a generator for '${entry[0]}', which is not a seeded layer of this model`);
    return [m, checkRngState(op, entry[1], `the generator of '${entry[0]}'`)];
  });
  const weights: SafetensorsFile = {
    metadata: {},
    tensors: new Map([...file.tensors].filter(([k]) => k.startsWith('model/')).map(([k, e]) => [k.slice('model/'.length), e])),
  };
  for (const k of file.tensors.keys())
    if (!k.startsWith('model/') && !k.startsWith('optimizer/') && !k.startsWith('best/'))
      throw new FormatError(op, `unexpected entry '${k.slice(0, 80)}' in the checkpoint`);
  const bestEntries = [...file.tensors].filter(([k]) => k.startsWith('best/')).map(([k, e]) => [k.slice('best/'.length), e] as const);
  // early stopping's best weights: checked against the model and built before anything is assigned
  const bestWeights = bestEntries.length
    ? weightTensorsFor(`${op}: early stopping's best weights`, model, { metadata: {}, tensors: new Map(bestEntries) }).map((t) => keep(t))
    : undefined;
  // the optimizer's state is validated (and built) before the weights are assigned
  const saved = optimizer.state(model.namedParameters());
  try {
    applyOptimizer(op, optimizer, model, file, 'optimizer/', file.metadata.iterations, file.metadata.learningRate);
    try {
      tidy(() => assignAll(op, model, weights));
    } catch (e) {
      optimizer.loadState(model.namedParameters(), saved);
      throw e;
    }
  } catch (e) {
    for (const t of bestWeights ?? []) t.dispose();
    throw e;
  } finally {
    for (const [, slots] of saved.slots) for (const t of slots) t.dispose();
  }
  for (const [m, s] of plannedRandom) m.setRandomState(s);
  const es = raw.earlyStopping;
  const earlyStopping =
    isJsonObject(es) && typeof es.wait === 'number'
      ? {
          best: typeof es.best === 'number' ? es.best : Number.NaN,
          wait: es.wait,
          ...(typeof es.bestEpoch === 'number' ? { bestEpoch: es.bestEpoch } : {}),
        }
      : undefined;
  return {
    epoch,
    rng,
    history: raw.history as JsonEpochLogs[],
    randomStates: plannedRandom.map(([, s], i) => [String((randomStates[i] as unknown[])[0]), s]),
    ...(earlyStopping ? { earlyStopping } : {}),
    ...(bestWeights ? { bestWeights } : {}),
  };
}

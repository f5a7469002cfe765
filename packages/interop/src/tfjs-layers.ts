/**
 * TensorFlow.js / Keras layers models both ways: the `model.json` + weight shards that
 * tfjs-layers' `model.save('file://…')` / `tf.io` handlers write, for Sequential models.
 *
 *   Dense (kernel [in, units]: lec's layout)       Conv2D (kernel [kh, kw, in, out]: lec's HWIO), channels_last
 *   Conv2DTranspose (kernel [kh, kw, out, in])     MaxPooling2D / AveragePooling2D / GlobalAveragePooling2D
 *   Flatten (channels last, as lec)                Dropout, Activation, ReLU, LeakyReLU, ELU, Softmax
 *   BatchNormalization (gamma, beta, moving_mean, moving_variance; Keras momentum m = 1 − lec momentum)
 *   LayerNormalization (last axis)                 Embedding (embeddings [n, d])
 *   LSTM (kernel [in, 4H], recurrent_kernel [H, 4H], bias [4H]: gates i, f, c, o as lec)
 *   GRU (gates z, r, h: reordered to lec's r, z, n; reset_after false: one bias, true: bias [2, 3H])
 *   SimpleRNN, Bidirectional (merge concat or sum)
 * Recurrent layers must use the sigmoid recurrent activation (tfjs's default is hard_sigmoid,
 * which lec does not have: a typed error names it). The reader trusts nothing: JSON parsed
 * with polluting keys refused, every dimension a safe integer, sizes multiplied against a byte
 * budget before anything is allocated, and the shards must hold exactly the manifest's bytes.
 */
import {
  BatchNorm1d,
  BatchNorm2d,
  Dense,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  FormatError,
  type JsonObject,
  type JsonValue,
  LayerNorm,
  LeakyReLU,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  isJsonObject,
  safeJsonParse,
} from '@lec/nn';
import { AvgPool2d, Conv2d, Conv2dTranspose, GlobalAvgPool, MaxPool2d } from '@lec/cnn';
import { Bidirectional, GRU, GRUCell, LSTM, LSTMCell, RNN, type RNNCell, type Recurrent } from '@lec/rnn';
import { type Tensor, type Variable, tensor, tidy } from '@lec/tensor';
import { UnsupportedLayerError } from './errors.js';

/** A tfjs-layers model as files: `model.json` (text or parsed) and its weight shards in manifest order (or one concatenated buffer). */
export interface TfjsLayersFiles {
  modelJson: string | JsonObject;
  weightData: Uint8Array | readonly Uint8Array[];
}

/** Limits of `fromTfjsLayers`. */
export interface FromTfjsOptions {
  /** Most bytes of weights accepted (default 1 GiB). */
  maxBytes?: number;
  /** Most characters of model.json accepted (default 16 Mi). */
  maxJsonLength?: number;
  /** Most layers accepted (default 10,000). */
  maxLayers?: number;
}

const READ = 'fromTfjsLayers';
const WRITE = 'toTfjsLayers';

function fail(message: string): never {
  throw new FormatError(READ, message);
}

/** Typed access to one Keras layer config. */
class KerasConfig {
  constructor(
    readonly className: string,
    readonly name: string,
    readonly config: JsonObject,
  ) {}
  #get(key: string): JsonValue | undefined {
    return Object.hasOwn(this.config, key) ? this.config[key] : undefined;
  }
  int(key: string, fallback?: number, min = 1): number {
    const v = this.#get(key) ?? fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > 2 ** 31)
      fail(`layer '${this.name}' (${this.className}): config '${key}' must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v;
  }
  number(key: string, fallback: number): number {
    const v = this.#get(key) ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail(`layer '${this.name}' (${this.className}): config '${key}' must be a number, got ${JSON.stringify(v)}`);
    return v;
  }
  bool(key: string, fallback: boolean): boolean {
    const v = this.#get(key) ?? fallback;
    if (typeof v !== 'boolean')
      fail(`layer '${this.name}' (${this.className}): config '${key}' must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  string(key: string, fallback: string): string {
    const v = this.#get(key) ?? fallback;
    if (typeof v !== 'string') fail(`layer '${this.name}' (${this.className}): config '${key}' must be a string, got ${JSON.stringify(v)}`);
    return v;
  }
  /** An int or a pair of ints (kernel_size, strides...). */
  pair(key: string, fallback?: [number, number]): [number, number] {
    const v = this.#get(key) ?? fallback ?? null;
    const ok = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1 && x <= 2 ** 16;
    if (ok(v)) return [v, v];
    if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
    return fail(`layer '${this.name}' (${this.className}): config '${key}' must be a positive integer or two, got ${JSON.stringify(v)}`);
  }
  unsupportedUnless(key: string, allowed: readonly JsonValue[], fallback: JsonValue): void {
    const v = this.#get(key) ?? fallback;
    if (!allowed.includes(v))
      throw new UnsupportedLayerError(
        READ,
        `layer '${this.name}' (${this.className}): config ${key} = ${JSON.stringify(v)} is not supported (supported: ${allowed.map((a) => JSON.stringify(a)).join(', ')})`,
      );
  }
}

const ACTIVATIONS: Record<string, (() => Module) | null> = {
  linear: null,
  relu: () => new ReLU(),
  tanh: () => new Tanh(),
  sigmoid: () => new Sigmoid(),
  softmax: () => new Softmax(),
  elu: () => new ELU(1),
};

function activation(c: KerasConfig, key = 'activation', fallback = 'linear'): Module | null {
  const name = c.string(key, fallback);
  if (!Object.hasOwn(ACTIVATIONS, name))
    throw new UnsupportedLayerError(
      READ,
      `layer '${c.name}' (${c.className}): activation '${name}' is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`,
    );
  return ACTIVATIONS[name]?.() ?? null;
}

interface WeightSpec {
  name: string;
  shape: number[];
  offset: number;
  count: number;
}

/** Reads the manifest and the shards: every weight by name, as float32, after checking sizes against the budget and the bytes given. */
function readWeights(
  root: JsonObject,
  data: Uint8Array | readonly Uint8Array[],
  maxBytes: number,
): Map<string, { shape: number[]; data: Float32Array }> {
  const manifest = root.weightsManifest;
  if (!Array.isArray(manifest)) fail(`model.json must have a 'weightsManifest' list`);
  const specs: WeightSpec[] = [];
  const names = new Set<string>();
  let offset = 0;
  let paths = 0;
  for (const group of manifest) {
    if (!isJsonObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      fail(`every weightsManifest entry must be {paths: [...], weights: [...]}`);
    paths += group.paths.length;
    for (const w of group.weights) {
      if (!isJsonObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape))
        fail(`a weight spec must be {name, shape, dtype}, got ${JSON.stringify(w)?.slice(0, 80)}`);
      if (w.quantization !== undefined && w.quantization !== null)
        throw new UnsupportedLayerError(READ, `weight '${w.name}' is quantized; quantized weights are not supported`);
      if ((w.dtype ?? 'float32') !== 'float32')
        throw new UnsupportedLayerError(READ, `weight '${w.name}' has dtype ${JSON.stringify(w.dtype)}; only float32 is supported`);
      if (names.has(w.name)) fail(`weight '${w.name}' appears twice in the manifest`);
      names.add(w.name);
      if (w.shape.length > 8) fail(`weight '${w.name}' has rank ${w.shape.length}, over 8`);
      let count = 1;
      for (const d of w.shape) {
        if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
          fail(`weight '${w.name}' has dimension ${JSON.stringify(d)}; dimensions must be safe non-negative integers`);
        count *= d;
        if (count * 4 > maxBytes) fail(`weight '${w.name}' of shape [${w.shape.join(', ')}] exceeds the budget of ${maxBytes} bytes`);
      }
      if ((offset + count) * 4 > maxBytes) fail(`the weights together exceed the budget of ${maxBytes} bytes`);
      specs.push({ name: w.name, shape: w.shape as number[], offset, count });
      offset += count;
    }
  }
  const shards = data instanceof Uint8Array ? [data] : [...data];
  if (!shards.every((s) => s instanceof Uint8Array)) fail(`the weight data must be Uint8Arrays`);
  if (shards.length !== 1 && shards.length !== paths)
    fail(
      `the manifest lists ${paths} shard files but ${shards.length} buffers were given (give them all in order, or one concatenated buffer)`,
    );
  const total = shards.reduce((n, s) => n + s.length, 0);
  if (total !== offset * 4)
    fail(
      `the weight shards hold ${total} bytes but the manifest describes ${offset * 4} (${total < offset * 4 ? 'truncated' : 'extra bytes'})`,
    );
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const s of shards) {
    bytes.set(s, at);
    at += s.length;
  }
  const view = new DataView(bytes.buffer);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const s of specs) {
    const a = new Float32Array(s.count);
    for (let i = 0; i < s.count; i++) a[i] = view.getFloat32((s.offset + i) * 4, true);
    out.set(s.name, { shape: s.shape, data: a });
  }
  return out;
}

/** The layer list and topology of a Sequential model.json (tfjs-layers or converted Keras). */
function sequentialLayers(root: JsonObject): JsonValue[] {
  let topology = root.modelTopology;
  if (!isJsonObject(topology)) fail(`model.json must have a 'modelTopology' object`);
  if (isJsonObject(topology.model_config)) topology = topology.model_config;
  if (topology.class_name !== 'Sequential')
    throw new UnsupportedLayerError(
      READ,
      `model class '${String(topology.class_name).slice(0, 40)}' is not supported: only Sequential models are`,
    );
  const config = topology.config;
  if (Array.isArray(config)) return config;
  if (isJsonObject(config) && Array.isArray(config.layers)) return config.layers;
  return fail(`the Sequential config must hold a 'layers' list`);
}

interface Built {
  layers: Module[];
  assign: [Variable, Float32Array][];
}

/** Reorders gate blocks along the last axis of a [rows, G·H] matrix: out block k = in block order[k]. */
function reorderGates(data: Float32Array, rows: number, hidden: number, order: readonly number[]): Float32Array {
  const g = order.length;
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++)
    order.forEach((from, to) =>
      out.set(data.subarray(r * g * hidden + from * hidden, r * g * hidden + (from + 1) * hidden), r * g * hidden + to * hidden),
    );
  return out;
}
/** Keras GRU z, r, h ↔ lec r, z, n: swapping the first two blocks is its own inverse. */
const GRU_ORDER = [1, 0, 2];

/**
 * Builds a lec Sequential from a tfjs-layers (or converted Keras) Sequential model.json and its
 * weight shards. Unsupported layer classes and options are an `UnsupportedLayerError` naming
 * them; malformed files a `FormatError`; nothing is allocated for weights before the manifest
 * and shard sizes agree.
 * @example
 * ```ts
 * const files = toTfjsLayers(new Sequential([new Dense(3, 2, { seed: 0 }), new ReLU()]), { inputShape: [3] });
 * const copy = fromTfjsLayers(files);
 * copy.layers.map((l) => l.type); // ['Dense', 'ReLU']
 * fromTfjsLayers({ ...files, weightData: files.weightData.subarray(4) }); // throws FormatError
 * ```
 */
export function fromTfjsLayers(files: TfjsLayersFiles, options: FromTfjsOptions = {}): Sequential {
  const maxJson = options.maxJsonLength ?? 16 * 2 ** 20;
  let root: JsonValue;
  if (typeof files?.modelJson === 'string') {
    if (files.modelJson.length > maxJson) fail(`model.json is ${files.modelJson.length} characters, over the limit of ${maxJson}`);
    root = safeJsonParse(files.modelJson, READ);
  } else root = files?.modelJson;
  if (!isJsonObject(root)) fail(`model.json must be a JSON object`);
  if (root.format !== undefined && root.format !== 'layers-model')
    throw new UnsupportedLayerError(
      READ,
      `format '${String(root.format).slice(0, 40)}' is not a layers model (graph models from the converter are not supported)`,
    );
  const layers = sequentialLayers(root);
  if (layers.length > (options.maxLayers ?? 10_000)) fail(`the model has ${layers.length} layers, over the limit`);
  const weights = readWeights(root, files.weightData, options.maxBytes ?? 2 ** 30);
  const used = new Set<string>();
  const take = (c: KerasConfig, suffix: string, shape: readonly number[], prefix = c.name): Float32Array => {
    const key = `${prefix}/${suffix}`;
    const w = weights.get(key);
    if (!w) fail(`layer '${c.name}' (${c.className}): weight '${key}' is missing from the manifest`);
    if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i]))
      fail(`layer '${c.name}' (${c.className}): weight '${key}' has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
    used.add(key);
    return w.data;
  };
  const shapeOf = (key: string): number[] | undefined => weights.get(key)?.shape;
  const built: Built = { layers: [], assign: [] };
  let rank = 0; // the rank of the current activation (with the batch), from batch_input_shape
  layers.forEach((entry, index) => {
    if (!isJsonObject(entry) || typeof entry.class_name !== 'string' || !isJsonObject(entry.config))
      fail(`layer ${index} must be {class_name, config}, got ${JSON.stringify(entry)?.slice(0, 80)}`);
    const config = entry.config;
    const name = typeof config.name === 'string' ? config.name : `layer_${index}`;
    const c = new KerasConfig(entry.class_name, name, config);
    if (index === 0 || entry.class_name === 'InputLayer') {
      const shape = config.batch_input_shape ?? config.batchInputShape;
      if (Array.isArray(shape)) rank = shape.length;
    }
    rank = buildLayer(c, built, take, shapeOf, rank);
  });
  const unused = [...weights.keys()].filter((k) => !used.has(k));
  if (unused.length > 0)
    fail(`the manifest has weights no layer uses: ${unused.slice(0, 8).join(', ')}${unused.length > 8 ? ', ...' : ''}`);
  const model = new Sequential(built.layers);
  tidy(() => {
    const values: Tensor[] = built.assign.map(([v, data]) => tensor(data, [...v.shape]));
    built.assign.forEach(([v], i) => v.assign(values[i]));
  });
  return model;
}

function recurrentFromKeras(
  c: KerasConfig,
  take: (c: KerasConfig, suffix: string, shape: readonly number[], prefix?: string) => Float32Array,
  shapeOf: (key: string) => number[] | undefined,
  prefix: string,
  assign: [Variable, Float32Array][],
): Recurrent {
  const units = c.int('units');
  c.unsupportedUnless('go_backwards', [false], false);
  c.unsupportedUnless('stateful', [false], false);
  c.unsupportedUnless('return_state', [false], false);
  c.unsupportedUnless('use_bias', [true], true);
  const kind = c.className;
  if (kind !== 'SimpleRNN') {
    c.unsupportedUnless('activation', ['tanh'], 'tanh');
    c.unsupportedUnless('recurrent_activation', ['sigmoid'], 'hard_sigmoid');
  }
  const kernel = shapeOf(`${prefix}/kernel`);
  if (!kernel || kernel.length !== 2) fail(`layer '${c.name}' (${kind}): weight '${prefix}/kernel' is missing or not a matrix`);
  const inputSize = kernel[0];
  const returnSequences = c.bool('return_sequences', false);
  // every weight is checked against the config before a layer allocates anything
  if (kind === 'LSTM') {
    const w = [
      take(c, 'kernel', [inputSize, 4 * units], prefix),
      take(c, 'recurrent_kernel', [units, 4 * units], prefix),
      take(c, 'bias', [4 * units], prefix),
    ];
    const layer = new LSTM(inputSize, units, { returnSequences });
    const cell = layer.cells[0] as LSTMCell;
    assign.push([cell.weightIh, w[0]], [cell.weightHh, w[1]], [cell.bias, w[2]]);
    return layer;
  }
  if (kind === 'GRU') {
    const resetAfter = c.bool('reset_after', false);
    const kernel = reorderGates(take(c, 'kernel', [inputSize, 3 * units], prefix), inputSize, units, GRU_ORDER);
    const recurrent = reorderGates(take(c, 'recurrent_kernel', [units, 3 * units], prefix), units, units, GRU_ORDER);
    const b = take(c, 'bias', resetAfter ? [2, 3 * units] : [3 * units], prefix);
    const layer = new GRU(inputSize, units, { returnSequences, resetAfter });
    const cell = layer.cells[0] as GRUCell;
    assign.push([cell.weightIh, kernel], [cell.weightHh, recurrent]);
    assign.push([cell.biasIh, reorderGates(b.slice(0, 3 * units), 1, units, GRU_ORDER)]);
    assign.push([cell.biasHh, resetAfter ? reorderGates(b.slice(3 * units), 1, units, GRU_ORDER) : new Float32Array(3 * units)]);
    return layer;
  }
  const act = c.string('activation', 'tanh');
  if (act !== 'tanh' && act !== 'relu')
    throw new UnsupportedLayerError(READ, `layer '${c.name}' (SimpleRNN): activation '${act}' is not supported (tanh, relu)`);
  const w = [
    take(c, 'kernel', [inputSize, units], prefix),
    take(c, 'recurrent_kernel', [units, units], prefix),
    take(c, 'bias', [units], prefix),
  ];
  const layer = new RNN(inputSize, units, { returnSequences, activation: act });
  const cell = layer.cells[0] as RNNCell;
  assign.push([cell.weightIh, w[0]], [cell.weightHh, w[1]], [cell.bias, w[2]]);
  return layer;
}

/** Appends the lec layers of one Keras layer; returns the rank after it. */
function buildLayer(
  c: KerasConfig,
  built: Built,
  take: (c: KerasConfig, suffix: string, shape: readonly number[], prefix?: string) => Float32Array,
  shapeOf: (key: string) => number[] | undefined,
  rank: number,
): number {
  const { layers, assign } = built;
  const withActivation = (r: number) => {
    const a = activation(c);
    if (a) layers.push(a);
    return r;
  };
  switch (c.className) {
    case 'InputLayer':
      return rank;
    case 'Dense': {
      const units = c.int('units');
      const kernel = shapeOf(`${c.name}/kernel`);
      if (!kernel || kernel.length !== 2) fail(`layer '${c.name}' (Dense): weight '${c.name}/kernel' is missing or not a matrix`);
      const bias = c.bool('use_bias', true);
      const w = take(c, 'kernel', [kernel[0], units]);
      const b = bias ? take(c, 'bias', [units]) : null;
      const d = new Dense(kernel[0], units, { bias });
      assign.push([d.weight, w]);
      if (d.bias && b) assign.push([d.bias, b]);
      layers.push(d);
      return withActivation(rank);
    }
    case 'Conv2D':
    case 'Conv2DTranspose': {
      c.unsupportedUnless('data_format', ['channels_last'], 'channels_last');
      const filters = c.int('filters');
      const [kh, kw] = c.pair('kernel_size');
      const strides = c.pair('strides', [1, 1]);
      const padding = c.string('padding', 'valid');
      if (padding !== 'same' && padding !== 'valid')
        throw new UnsupportedLayerError(READ, `layer '${c.name}' (${c.className}): padding '${padding}' is not supported`);
      const kernel = shapeOf(`${c.name}/kernel`);
      if (!kernel || kernel.length !== 4) fail(`layer '${c.name}' (${c.className}): weight '${c.name}/kernel' is missing or not rank 4`);
      const bias = c.bool('use_bias', true);
      const transpose = c.className === 'Conv2DTranspose';
      const w = take(c, 'kernel', transpose ? [kh, kw, filters, kernel[3]] : [kh, kw, kernel[2], filters]);
      const b = bias ? take(c, 'bias', [filters]) : null;
      const conv = transpose
        ? new Conv2dTranspose(kernel[3], filters, [kh, kw], { strides, padding, bias })
        : new Conv2d(kernel[2], filters, [kh, kw], { strides, dilations: c.pair('dilation_rate', [1, 1]), padding, bias });
      assign.push([conv.weight, w]);
      if (conv.bias && b) assign.push([conv.bias, b]);
      layers.push(conv);
      return withActivation(4);
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      c.unsupportedUnless('data_format', ['channels_last'], 'channels_last');
      const window = c.pair('pool_size', [2, 2]);
      const strides = c.pair('strides', window);
      const padding = c.string('padding', 'valid');
      if (padding !== 'same' && padding !== 'valid')
        throw new UnsupportedLayerError(READ, `layer '${c.name}' (${c.className}): padding '${padding}' is not supported`);
      layers.push(
        c.className === 'MaxPooling2D' ? new MaxPool2d(window, { strides, padding }) : new AvgPool2d(window, { strides, padding }),
      );
      return 4;
    }
    case 'GlobalAveragePooling2D':
      c.unsupportedUnless('data_format', ['channels_last'], 'channels_last');
      layers.push(new GlobalAvgPool());
      return 2;
    case 'Flatten':
      layers.push(new Flatten());
      return 2;
    case 'Dropout':
      layers.push(new Dropout(Math.min(0.999999, Math.max(0, c.number('rate', 0)))));
      return rank;
    case 'Activation':
      return withActivation(rank);
    case 'ReLU':
      if (c.config.max_value !== undefined && c.config.max_value !== null)
        throw new UnsupportedLayerError(READ, `layer '${c.name}' (ReLU): max_value is not supported`);
      layers.push(new ReLU());
      return rank;
    case 'LeakyReLU':
      layers.push(new LeakyReLU(c.number('alpha', 0.3)));
      return rank;
    case 'ELU':
      layers.push(new ELU(c.number('alpha', 1)));
      return rank;
    case 'Softmax':
      layers.push(new Softmax(c.int('axis', -1, -8)));
      return rank;
    case 'BatchNormalization': {
      const axis = c.int('axis', -1, -8);
      if (axis !== -1 && axis !== rank - 1)
        throw new UnsupportedLayerError(READ, `layer '${c.name}' (BatchNormalization): axis ${axis} is not supported (the last axis only)`);
      const center = c.bool('center', true);
      const scale = c.bool('scale', true);
      if (center !== scale)
        throw new UnsupportedLayerError(READ, `layer '${c.name}' (BatchNormalization): center and scale must both be true or both false`);
      const mean = shapeOf(`${c.name}/moving_mean`);
      if (!mean || mean.length !== 1)
        fail(`layer '${c.name}' (BatchNormalization): weight '${c.name}/moving_mean' is missing or not a vector`);
      const n = mean[0];
      const options = { eps: c.number('epsilon', 1e-3), momentum: 1 - c.number('momentum', 0.99), affine: scale };
      const bn = rank === 4 ? new BatchNorm2d(n, options) : new BatchNorm1d(n, options);
      if (bn.weight && bn.bias) assign.push([bn.weight, take(c, 'gamma', [n])], [bn.bias, take(c, 'beta', [n])]);
      assign.push([bn.runningMean, take(c, 'moving_mean', [n])], [bn.runningVar, take(c, 'moving_variance', [n])]);
      layers.push(bn);
      return rank;
    }
    case 'LayerNormalization': {
      const axis = c.config.axis ?? -1;
      if (!(axis === -1 || axis === rank - 1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === rank - 1))))
        throw new UnsupportedLayerError(
          READ,
          `layer '${c.name}' (LayerNormalization): axis ${JSON.stringify(axis)} is not supported (the last axis only)`,
        );
      const gamma = shapeOf(`${c.name}/gamma`);
      if (!gamma || gamma.length !== 1) fail(`layer '${c.name}' (LayerNormalization): weight '${c.name}/gamma' is missing or not a vector`);
      c.unsupportedUnless('center', [true], true);
      c.unsupportedUnless('scale', [true], true);
      const ln = new LayerNorm(gamma[0], { eps: c.number('epsilon', 1e-3) });
      assign.push([ln.weight!, take(c, 'gamma', gamma)], [ln.bias!, take(c, 'beta', gamma)]);
      layers.push(ln);
      return rank;
    }
    case 'Embedding': {
      const n = c.int('input_dim');
      const d = c.int('output_dim');
      const w = take(c, 'embeddings', [n, d]);
      const e = new Embedding(n, d);
      assign.push([e.weight, w]);
      layers.push(e);
      return rank + 1;
    }
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN': {
      const layer = recurrentFromKeras(c, take, shapeOf, c.name, assign);
      layers.push(layer);
      return layer.returnSequences ? 3 : 2;
    }
    case 'Bidirectional': {
      const inner = c.config.layer;
      if (!isJsonObject(inner) || typeof inner.class_name !== 'string' || !isJsonObject(inner.config))
        fail(`layer '${c.name}' (Bidirectional): config 'layer' must be {class_name, config}`);
      if (!['LSTM', 'GRU', 'SimpleRNN'].includes(inner.class_name))
        throw new UnsupportedLayerError(READ, `layer '${c.name}' (Bidirectional) wraps '${inner.class_name}', not LSTM, GRU or SimpleRNN`);
      const merge = c.string('merge_mode', 'concat');
      if (merge !== 'concat' && merge !== 'sum')
        throw new UnsupportedLayerError(READ, `layer '${c.name}' (Bidirectional): merge_mode '${merge}' is not supported (concat, sum)`);
      const innerName = typeof inner.config.name === 'string' ? inner.config.name : 'rnn';
      const ic = new KerasConfig(inner.class_name, `${c.name}/${innerName}`, inner.config);
      const f = recurrentFromKeras(ic, take, shapeOf, `${c.name}/forward_${innerName}`, assign);
      const b = recurrentFromKeras(ic, take, shapeOf, `${c.name}/backward_${innerName}`, assign);
      layers.push(new Bidirectional(f, b, { merge, returnSequences: f.returnSequences }));
      return f.returnSequences ? 3 : 2;
    }
    default:
      throw new UnsupportedLayerError(READ, `layer '${c.name}': layer class '${c.className.slice(0, 60)}' is not supported`);
  }
}

// ---- writing --------------------------------------------------------------------------------

/** What `toTfjsLayers` returns: model.json (its manifest names one shard, 'weights.bin') and that shard. */
export interface TfjsLayersArtifacts {
  modelJson: JsonObject;
  weightData: Uint8Array;
}

/**
 * Writes a lec Sequential as a tfjs-layers model: `modelJson` (save it as model.json) and
 * `weightData` (save it as weights.bin beside it); `tf.loadLayersModel` loads them. Recurrent
 * layers are written with the sigmoid recurrent activation; a lec GRU with resetAfter (its
 * default) becomes reset_after: true, which Keras reads and tfjs-layers 4.22 refuses (its
 * GRUCell throws): build the GRU with resetAfter: false for a tfjs app.
 * @example
 * ```ts
 * const { modelJson, weightData } = toTfjsLayers(new Sequential([new Dense(3, 2, { seed: 0 })]), { inputShape: [3] });
 * weightData.length; // 32
 * toTfjsLayers(new Dense(3, 2), { inputShape: [3] }); // throws UnsupportedLayerError
 * ```
 */
export function toTfjsLayers(model: Module<any, any>, options: { inputShape: readonly number[] }): TfjsLayersArtifacts {
  if (!(model instanceof Sequential)) throw new UnsupportedLayerError(WRITE, `expected a Sequential model, got ${model.type}`);
  const flat = (m: Sequential): Module<any, any>[] => m.layers.flatMap((l) => (l instanceof Sequential ? flat(l) : [l]));
  const lecLayers = flat(model);
  const configs: JsonObject[] = [];
  const weights: { name: string; data: ArrayLike<number>; shape: number[] }[] = [];
  let counter = 0;
  const nameFor = (cls: string) => `${cls.toLowerCase()}_${++counter}`;
  const add = (cls: string, config: JsonObject, layerWeights: [string, ArrayLike<number>, number[]][] = []) => {
    const name = nameFor(cls);
    const full: JsonObject = { name, trainable: true, dtype: 'float32', ...config };
    if (configs.length === 0) full.batch_input_shape = [null, ...options.inputShape];
    configs.push({ class_name: cls, config: full });
    for (const [w, data, shape] of layerWeights) weights.push({ name: `${name}/${w}`, data, shape });
    return name;
  };
  const read = (v: Variable) => v.value.dataSync();
  const rnnConfig = (
    r: Recurrent,
    returnSequences: boolean,
    name?: string,
  ): { cls: string; config: JsonObject; weights: [string, ArrayLike<number>, number[]][] }[] =>
    r.cells.map((cell, k) => {
      const H = cell.hiddenSize;
      const seq = k < r.cells.length - 1 ? true : returnSequences;
      const base: JsonObject = { units: H, return_sequences: seq, use_bias: true, activation: 'tanh', recurrent_activation: 'sigmoid' };
      if (name) base.name = name;
      if (cell instanceof LSTMCell)
        return {
          cls: 'LSTM',
          config: { ...base, unit_forget_bias: false },
          weights: [
            ['kernel', read(cell.weightIh), [cell.inputSize, 4 * H]],
            ['recurrent_kernel', read(cell.weightHh), [H, 4 * H]],
            ['bias', read(cell.bias), [4 * H]],
          ],
        };
      if (cell instanceof GRUCell) {
        const bias = cell.resetAfter
          ? [
              ...reorderGates(Float32Array.from(read(cell.biasIh)), 1, H, GRU_ORDER),
              ...reorderGates(Float32Array.from(read(cell.biasHh)), 1, H, GRU_ORDER),
            ]
          : reorderGates(Float32Array.from(read(cell.biasIh)), 1, H, GRU_ORDER);
        if (!cell.resetAfter && read(cell.biasHh).some((x) => x !== 0))
          throw new UnsupportedLayerError(
            WRITE,
            `a GRU with resetAfter: false and a non-zero biasHh has no Keras equivalent (Keras has one bias)`,
          );
        return {
          cls: 'GRU',
          config: { ...base, reset_after: cell.resetAfter },
          weights: [
            ['kernel', reorderGates(Float32Array.from(read(cell.weightIh)), cell.inputSize, H, GRU_ORDER), [cell.inputSize, 3 * H]],
            ['recurrent_kernel', reorderGates(Float32Array.from(read(cell.weightHh)), H, H, GRU_ORDER), [H, 3 * H]],
            ['bias', bias, cell.resetAfter ? [2, 3 * H] : [3 * H]],
          ],
        };
      }
      const rnn = cell as RNNCell;
      return {
        cls: 'SimpleRNN',
        config: { ...base, activation: rnn.activation, recurrent_activation: undefined as never },
        weights: [
          ['kernel', read(rnn.weightIh), [rnn.inputSize, H]],
          ['recurrent_kernel', read(rnn.weightHh), [H, H]],
          ['bias', read(rnn.bias), [H]],
        ],
      };
    });
  lecLayers.forEach((m, index) => {
    const where = `layer ${index} (${m.type})`;
    if (m instanceof Dense) {
      const w: [string, ArrayLike<number>, number[]][] = [['kernel', read(m.weight), [...m.weight.shape]]];
      if (m.bias) w.push(['bias', read(m.bias), [m.outFeatures]]);
      add('Dense', { units: m.outFeatures, activation: 'linear', use_bias: m.bias !== null }, w);
    } else if (m instanceof Conv2d || m instanceof Conv2dTranspose) {
      const c = m.config() as { strides: number[]; dilations?: number[]; padding: unknown; groups?: number };
      if (c.padding !== 'same' && c.padding !== 'valid')
        throw new UnsupportedLayerError(
          WRITE,
          `${where}: padding ${JSON.stringify(c.padding)} has no Keras equivalent ('same' or 'valid')`,
        );
      if ((c.groups ?? 1) !== 1) throw new UnsupportedLayerError(WRITE, `${where}: groups ${c.groups} is not supported by tfjs-layers`);
      const w: [string, ArrayLike<number>, number[]][] = [['kernel', read(m.weight), [...m.weight.shape]]];
      if (m.bias) w.push(['bias', read(m.bias), [m.outChannels]]);
      const config: JsonObject = {
        filters: m.outChannels,
        kernel_size: [...m.kernelSize],
        strides: c.strides,
        padding: c.padding,
        data_format: 'channels_last',
        activation: 'linear',
        use_bias: m.bias !== null,
      };
      if (m instanceof Conv2d) config.dilation_rate = c.dilations ?? [1, 1];
      add(m instanceof Conv2d ? 'Conv2D' : 'Conv2DTranspose', config, w);
    } else if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
      if (m.padding !== 'same' && m.padding !== 'valid')
        throw new UnsupportedLayerError(WRITE, `${where}: padding ${JSON.stringify(m.padding)} has no Keras equivalent`);
      add(m instanceof MaxPool2d ? 'MaxPooling2D' : 'AveragePooling2D', {
        pool_size: [...m.windowSize],
        strides: [...m.strides],
        padding: m.padding,
        data_format: 'channels_last',
      });
    } else if (m instanceof GlobalAvgPool) add('GlobalAveragePooling2D', { data_format: 'channels_last' });
    else if (m instanceof Flatten) add('Flatten', {});
    else if (m instanceof Dropout) add('Dropout', { rate: m.rate });
    else if (m instanceof ReLU) add('Activation', { activation: 'relu' });
    else if (m instanceof Tanh) add('Activation', { activation: 'tanh' });
    else if (m instanceof Sigmoid) add('Activation', { activation: 'sigmoid' });
    else if (m instanceof LeakyReLU) add('LeakyReLU', { alpha: m.alpha });
    else if (m instanceof ELU) add('ELU', { alpha: m.alpha });
    else if (m instanceof Softmax) add('Softmax', { axis: m.axis });
    else if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
      const n = m.numFeatures;
      const w: [string, ArrayLike<number>, number[]][] = [];
      if (m.weight && m.bias) w.push(['gamma', read(m.weight), [n]], ['beta', read(m.bias), [n]]);
      w.push(['moving_mean', read(m.runningMean), [n]], ['moving_variance', read(m.runningVar), [n]]);
      add(
        'BatchNormalization',
        { axis: -1, epsilon: m.eps, momentum: 1 - m.momentum, center: m.weight !== null, scale: m.weight !== null },
        w,
      );
    } else if (m instanceof LayerNorm) {
      if (m.normalizedShape.length !== 1 || !m.weight || !m.bias)
        throw new UnsupportedLayerError(WRITE, `${where}: only LayerNorm over the last axis with γ and β has a Keras equivalent`);
      const n = m.normalizedShape[0];
      add('LayerNormalization', { axis: -1, epsilon: m.eps, center: true, scale: true }, [
        ['gamma', read(m.weight), [n]],
        ['beta', read(m.bias), [n]],
      ]);
    } else if (m instanceof Embedding)
      add('Embedding', { input_dim: m.numEmbeddings, output_dim: m.dim }, [['embeddings', read(m.weight), [...m.weight.shape]]]);
    else if (m instanceof LSTM || m instanceof GRU || m instanceof RNN) {
      for (const part of rnnConfig(m, m.returnSequences)) add(part.cls, part.config, part.weights);
    } else if (m instanceof Bidirectional) {
      if (m.forwardLayer.numLayers !== 1)
        throw new UnsupportedLayerError(
          WRITE,
          `${where}: a Bidirectional with ${m.forwardLayer.numLayers} layers per direction has no Keras equivalent`,
        );
      const innerName = `${m.forwardLayer.type.toLowerCase()}_${++counter}`;
      const [f] = rnnConfig(m.forwardLayer, m.returnSequences, innerName);
      const [b] = rnnConfig(m.backwardLayer, m.returnSequences, innerName);
      const name = add('Bidirectional', { merge_mode: m.merge, layer: { class_name: f.cls, config: f.config } });
      for (const [dir, part] of [
        ['forward', f],
        ['backward', b],
      ] as const)
        for (const [w, data, shape] of part.weights) weights.push({ name: `${name}/${dir}_${innerName}/${w}`, data, shape });
    } else throw new UnsupportedLayerError(WRITE, `${where} has no tfjs-layers equivalent here`);
  });
  const total = weights.reduce((n, w) => n + w.data.length, 0);
  const weightData = new Uint8Array(total * 4);
  const view = new DataView(weightData.buffer);
  let at = 0;
  for (const w of weights) for (let i = 0; i < w.data.length; i++, at += 4) view.setFloat32(at, w.data[i], true);
  const modelJson: JsonObject = {
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'sequential_lec', layers: configs },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: '@lec/interop',
    convertedBy: null,
    weightsManifest: [{ paths: ['weights.bin'], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }],
  };
  return { modelJson: JSON.parse(JSON.stringify(modelJson)) as JsonObject, weightData };
}

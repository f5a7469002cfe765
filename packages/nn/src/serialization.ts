/**
 * Saving and loading models. Weights go to safetensors (names from `namedParameters()`);
 * the architecture goes to a JSON description `{format: 'lec-model', version: 1, model:
 * {type, config}}` rebuilt through an explicit registry of layer factories (nothing
 * registers itself globally; nothing from a file is evaluated). Every problem with a file
 * is a `FormatError`.
 */
import { type Tensor, type Variable, tensor, tidy } from '@lec/tensor';
import { FormatError } from './errors.js';
import { ConfigReader, type JsonValue, isJsonObject, safeJsonParse } from './json.js';
import type { Module } from './module.js';
import type { BuildContext, LayerRegistry } from './registry.js';
import { type ReadSafetensorsOptions, type SafetensorsFile, readSafetensors, writeSafetensors } from './safetensors.js';

/** A saved model: the JSON description and the safetensors weights. */
export interface SavedModel {
  description: string;
  weights: Uint8Array;
}

/** Limits of `loadModel` and `loadWeights`. */
export interface LoadOptions extends ReadSafetensorsOptions {
  /** Most characters of description JSON accepted (default 16 Mi). */
  maxDescriptionLength?: number;
  /** Deepest module nesting accepted (default 64). */
  maxDepth?: number;
}

const FORMAT = 'lec-model';
const VERSION = 1;

/**
 * The model's parameters (trainable and not, e.g. BatchNorm running statistics) as a
 * safetensors file. Metadata values must be strings.
 * @example
 * ```ts
 * const bytes = saveWeights(new Dense(3, 2, { seed: 0 }));
 * readSafetensors(bytes).tensors.has('weight'); // true
 * ```
 */
export function saveWeights(model: Module<any, any>, metadata: Record<string, string> = {}): Uint8Array {
  return writeSafetensors(
    model.namedParameters().map(([name, v]) => [name, v.value] as const),
    { format: 'lec', ...metadata },
  );
}

/** @internal Assigns a file's tensors to the model's parameters by name; all-or-nothing. */
export function assignAll(op: string, model: Module<any, any>, file: SafetensorsFile): void {
  const named = model.namedParameters();
  const values = weightTensorsFor(op, model, file);
  named.forEach(([, v], i) => v.assign(values[i]));
}

/**
 * @internal The tensors of `file` for the model's parameters, in `namedParameters()` order,
 * after checking that names, shapes and dtypes match exactly; assigns nothing.
 */
export function weightTensorsFor(op: string, model: Module<any, any>, file: SafetensorsFile): Tensor[] {
  const named = model.namedParameters();
  const expected = new Set(named.map(([n]) => n));
  const missing = named.filter(([n]) => !file.tensors.has(n)).map(([n]) => n);
  const unexpected = [...file.tensors.keys()].filter((n) => !expected.has(n));
  if (missing.length || unexpected.length) {
    throw new FormatError(
      op,
      `the weights do not match the model: ${missing.length ? `missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}` : ''}${missing.length && unexpected.length ? '; ' : ''}${unexpected.length ? `unexpected ${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ', ...' : ''}` : ''}`,
    );
  }
  // validate everything before assigning anything
  const plan: [Variable, string][] = [];
  for (const [name, v] of named) {
    const entry = file.tensors.get(name)!;
    if (entry.shape.length !== v.shape.length || entry.shape.some((d, i) => d !== v.shape[i])) {
      throw new FormatError(
        op,
        `weight '${name}' has shape [${entry.shape.join(', ')}] in the file but [${v.shape.join(', ')}] in the model`,
      );
    }
    if ((entry.dtype === 'int32') !== (v.value.dtype === 'int32')) {
      throw new FormatError(op, `weight '${name}' is ${entry.dtype} in the file but ${v.value.dtype} in the model`);
    }
    plan.push([v, name]);
  }
  return plan.map(([v, name]) => {
    const e = file.tensors.get(name)!;
    return tensor(e.data, e.shape, { dtype: v.value.dtype, backend: v.value.backend });
  });
}

/**
 * Loads a safetensors file into an existing model: the names and shapes must match exactly
 * (float32 ↔ float64 files convert; int ↔ float does not). All-or-nothing.
 * @example
 * ```ts
 * const a = new Dense(3, 2, { seed: 0 });
 * const b = new Dense(3, 2, { seed: 1 });
 * loadWeights(b, saveWeights(a)); // b now computes what a computes
 * const x = tensor([[1, 2, 3]]);
 * sum(abs(sub(b.forward(x), a.forward(x)))).item(); // 0
 * ```
 */
export function loadWeights(model: Module<any, any>, bytes: Uint8Array, options: LoadOptions = {}): void {
  const file = readSafetensors(bytes, options);
  tidy(() => assignAll('loadWeights', model, file));
}

/**
 * The model as `{description, weights}`: JSON text of its layer types and configs, and the
 * safetensors weights. Every module in it must implement `config()`.
 * @example
 * ```ts
 * const { description, weights } = saveModel(new Sequential([new Dense(2, 3, { seed: 0 }), new ReLU()]));
 * JSON.parse(description).model.type; // 'Sequential'
 * ```
 */
export function saveModel(model: Module<any, any>): SavedModel {
  const description = JSON.stringify({ format: FORMAT, version: VERSION, model: model.describe() });
  return { description, weights: saveWeights(model) };
}

/**
 * Rebuilds a model saved by `saveModel`, with the layer factories of `registry` (e.g.
 * `coreLayers`, or `{ ...coreLayers, ...cnnLayers }`), and loads its weights. An unknown
 * layer type, a bad config or a malformed file throws `FormatError`; the parameter sizes a
 * description asks for are checked against the weights file before anything is allocated.
 * @example
 * ```ts
 * const model = new Sequential([new Dense(2, 3, { seed: 0 }), new ReLU()]);
 * const copy = loadModel(saveModel(model), coreLayers);
 * const x = tensor([[1, -1]]);
 * sum(abs(sub(copy.forward(x), model.forward(x)))).item(); // 0 (the same outputs)
 * ```
 */
export function loadModel(saved: SavedModel, registry: LayerRegistry, options: LoadOptions = {}): Module<any, any> {
  const op = 'loadModel';
  if (!saved || typeof saved.description !== 'string')
    throw new FormatError(op, `argument 'saved' expected {description: string, weights: Uint8Array}`);
  const maxLength = options.maxDescriptionLength ?? 16 * 2 ** 20;
  if (saved.description.length > maxLength)
    throw new FormatError(op, `the description is ${saved.description.length} characters, over the limit of ${maxLength}`);
  const file = readSafetensors(saved.weights, options);
  // a layer description nests about 4 JSON levels per layer level: cap the JSON before it is built
  const root = safeJsonParse(saved.description, op, { maxDepth: 4 * (options.maxDepth ?? 64) + 8 });
  if (!isJsonObject(root) || root.format !== FORMAT) throw new FormatError(op, `the description must be an object with format '${FORMAT}'`);
  if (root.version !== VERSION)
    throw new FormatError(
      op,
      `description version ${JSON.stringify(root.version)} is not supported (this reader knows version ${VERSION})`,
    );
  // the description may ask for at most as many parameter elements as the file holds
  let budget = 0;
  for (const e of file.tensors.values()) budget += e.data.length;
  let reserved = 0;
  const maxDepth = options.maxDepth ?? 64;
  let depth = 0;
  const built: Module<any, any>[] = [];
  const context: BuildContext = {
    reserve(shape) {
      let count = 1;
      for (const d of shape) {
        if (!Number.isSafeInteger(d) || d < 0) throw new FormatError(op, `a layer asks for a parameter with dimension ${d}`);
        count *= d;
        if (count > budget) break;
      }
      reserved += count;
      if (reserved > budget)
        throw new FormatError(op, `the description asks for more parameters than the ${budget} values in the weights file`);
    },
    build(description: JsonValue) {
      if (!isJsonObject(description) || typeof description.type !== 'string' || !isJsonObject(description.config)) {
        throw new FormatError(
          op,
          `a layer description must be {type: string, config: object}, got ${JSON.stringify(description)?.slice(0, 80)}`,
        );
      }
      const type = description.type;
      if (!Object.hasOwn(registry, type)) {
        throw new FormatError(
          op,
          `unknown layer type '${type.slice(0, 80)}': it is not in the registry given to loadModel (known: ${Object.keys(registry).join(', ')}); pass a registry that includes it, e.g. { ...coreLayers, ...cnnLayers }`,
        );
      }
      if (++depth > maxDepth) throw new FormatError(op, `layers nest deeper than ${maxDepth}`);
      try {
        const module = registry[type](new ConfigReader(type, description.config), context);
        built.push(module);
        return module;
      } catch (e) {
        // every failure of a file is the documented FormatError: a layer constructor's ValueError
        // (a bad kernelSize, strides, groups, ...) is wrapped, naming the layer, with the original as cause
        if (e instanceof FormatError) throw e;
        throw new FormatError(op, `layer '${type}' has an invalid config: ${e instanceof Error ? e.message : String(e)}`, {
          cause: e,
        });
      } finally {
        depth--;
      }
    },
  };
  let model: Module<any, any>;
  try {
    model = context.build(root.model ?? null);
  } catch (e) {
    // a failed build leaves nothing alive: free the layers built before the failure
    for (const m of built) m.dispose();
    throw e;
  }
  try {
    tidy(() => assignAll(op, model, file));
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * JSON values, a parser that refuses prototype-polluting keys, and typed readers for layer
 * configs. Everything read from a file goes through here; nothing from a file is evaluated.
 */
import { FormatError } from './errors.js';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object (a layer config). */
export type JsonObject = { [key: string]: JsonValue };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Options of `safeJsonParse`. */
export interface SafeJsonOptions {
  /** Deepest nesting of objects and arrays accepted (default 256). */
  maxDepth?: number;
}

/**
 * A linear pre-scan that runs before `JSON.parse` builds anything: nesting deeper than
 * `maxDepth` and a key repeated within one object are refused (JSON.parse keeps the last of a
 * repeated key, another reader may keep the first, so the file would mean two things).
 * Syntax errors are left to JSON.parse.
 */
function scanJson(text: string, op: string, maxDepth: number): void {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      let j = i + 1;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === 0x5c /* \ */) j += 2;
        else if (c === 0x22) break;
        else j++;
      }
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return; // malformed string: JSON.parse reports it
        }
        if (keys.has(key)) throw new FormatError(op, `the JSON has the key ${JSON.stringify(key).slice(0, 80)} twice in one object`);
        keys.add(key);
      }
      expectKey = false;
      i = j;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      stack.push(ch === 0x7b ? new Set() : null);
      if (stack.length > maxDepth) throw new FormatError(op, `the JSON nests deeper than ${maxDepth} levels`);
      expectKey = ch === 0x7b;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
}

/**
 * Parses JSON text, rejecting the keys `__proto__`, `constructor` and `prototype` anywhere,
 * a key repeated within one object, and nesting deeper than `options.maxDepth` (checked by a
 * linear scan before anything is built), and turning every parse failure into a `FormatError`.
 * @example
 * ```ts
 * safeJsonParse('{"a": [1, 2]}', 'loadModel'); // { a: [1, 2] }
 * safeJsonParse('{"__proto__": {}}', 'loadModel'); // throws FormatError
 * safeJsonParse('{"a": 1, "a": 2}', 'loadModel'); // throws FormatError (duplicate key)
 * safeJsonParse('[[[1]]]', 'loadModel', { maxDepth: 2 }); // throws FormatError (too deep)
 * ```
 */
export function safeJsonParse(text: string, op: string, options: SafeJsonOptions = {}): JsonValue {
  if (typeof text !== 'string') throw new FormatError(op, `the JSON must be a string, got ${typeof text}`);
  scanJson(text, op, options.maxDepth ?? 256);
  let bad: string | undefined;
  let value: JsonValue;
  try {
    value = JSON.parse(text, function reviver(key: string, v: unknown) {
      if (FORBIDDEN_KEYS.has(key)) bad = key;
      return v;
    }) as JsonValue;
  } catch (e) {
    throw new FormatError(op, `the JSON could not be parsed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (bad !== undefined) throw new FormatError(op, `the JSON contains the forbidden key '${bad}' (prototype pollution is refused)`);
  return value;
}

/** Whether `v` is a plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Typed access to a layer config with errors that name the layer, the field, what was
 * expected and what came. Used by every layer factory in a registry.
 * @example
 * ```ts
 * const c = new ConfigReader('Dense', { inFeatures: 4 });
 * c.int('inFeatures', { min: 1 }); // 4
 * ```
 */
export class ConfigReader {
  constructor(
    readonly layer: string,
    readonly config: JsonObject,
  ) {}

  #get(key: string): JsonValue | undefined {
    return Object.hasOwn(this.config, key) ? this.config[key] : undefined;
  }

  #fail(key: string, expected: string, got: unknown): never {
    throw new FormatError(
      'loadModel',
      `layer '${this.layer}': config field '${key}' expected ${expected}, got ${JSON.stringify(got) ?? typeof got}`,
    );
  }

  /** A safe integer ≥ `min` (default 0), or `fallback` when absent and one is given. */
  int(key: string, options: { min?: number; max?: number; fallback?: number } = {}): number {
    const v = this.#get(key);
    if (v === undefined && options.fallback !== undefined) return options.fallback;
    const min = options.min ?? 0;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) this.#fail(key, `an integer in [${min}, ${max}]`, v);
    return v;
  }

  /** A finite number (in [min, max] when given), or `fallback` when absent. */
  number(key: string, options: { min?: number; max?: number; fallback?: number } = {}): number {
    const v = this.#get(key);
    if (v === undefined && options.fallback !== undefined) return options.fallback;
    const min = options.min ?? -Infinity;
    const max = options.max ?? Infinity;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.#fail(key, `a finite number in [${min}, ${max}]`, v);
    return v;
  }

  /** A boolean, or `fallback` when absent. */
  bool(key: string, fallback?: boolean): boolean {
    const v = this.#get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') this.#fail(key, 'a boolean', v);
    return v;
  }

  /** One of `choices`, or `fallback` when absent. */
  choice<const T extends string>(key: string, choices: readonly T[], fallback?: T): T {
    const v = this.#get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) this.#fail(key, `one of ${choices.join(', ')}`, v);
    return v as T;
  }

  /** A list of safe integers ≥ `min`. */
  intList(key: string, options: { min?: number; maxLength?: number } = {}): number[] {
    const v = this.#get(key);
    const min = options.min ?? 0;
    if (
      !Array.isArray(v) ||
      v.length > (options.maxLength ?? 32) ||
      !v.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= min)
    ) {
      this.#fail(key, `a list of at most ${options.maxLength ?? 32} integers >= ${min}`, v);
    }
    return v as number[];
  }

  /** A list of JSON values (child layer descriptions). */
  list(key: string): JsonValue[] {
    const v = this.#get(key);
    if (!Array.isArray(v)) this.#fail(key, 'a list', v);
    return v;
  }

  /** An optional seed (a safe non-negative integer) or undefined. */
  seed(key = 'seed'): number | undefined {
    const v = this.#get(key);
    if (v === undefined || v === null) return undefined;
    return this.int(key);
  }
}

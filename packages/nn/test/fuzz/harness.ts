/**
 * A small mutation fuzzer for lec's loaders: a fixed seed, a corpus of valid inputs, and
 * mutations at the byte level (bit flips, interesting bytes, truncation, deletion, duplication,
 * the length fields) and at the JSON level (numbers swapped for hostile ones, forbidden and
 * repeated keys, deep nesting, long arrays). Every input must either load or raise the loader's
 * documented error; the report counts what happened and the peak RSS growth.
 */
import { Rng } from '@lec/tensor';

/** One loader under fuzz. */
export interface FuzzTarget<I> {
  name: string;
  /** Valid inputs the mutations start from. */
  corpus: readonly I[];
  /** Mutations the target's format makes sense of (default: the byte or text ones). */
  mutate: (input: I, rng: Rng) => I;
  /** Loads one input; throws on bad input. */
  run: (input: I) => void;
  /** Whether an error is the loader's documented one. */
  documented: (error: unknown) => boolean;
  /** Something that must not change when a load fails (compared with JSON.stringify). */
  state?: () => unknown;
}

export interface FuzzOptions {
  seed: number;
  iterations: number;
  /** An input taking longer than this counts as a hang (default 2000 ms). */
  hangMs?: number;
}

export interface FuzzReport {
  target: string;
  seed: number;
  tried: number;
  loaded: number;
  documentedErrors: number;
  /** Errors other than the documented one (each a crash), with the first few messages. */
  crashes: number;
  crashSamples: string[];
  hangs: number;
  /** Failed loads after which `state()` differed, or Object.prototype was touched. */
  stateChanges: number;
  /** documentedErrors / (documentedErrors + crashes). */
  typedErrorRate: number;
  peakRssDeltaBytes: number;
  slowestMs: number;
  seconds: number;
}

const INTERESTING_BYTES = [0, 1, 0x7f, 0x80, 0xff, 0x22, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c, 0x3a, 0x30, 0x39, 0x2d, 0x5c];
const INTERESTING_U32 = [0, 1, 2, 7, 8, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 24, 16 * 2 ** 20 + 1];
const HOSTILE_NUMBERS = [
  '1e400',
  '-1e400',
  '-1',
  '0',
  '-0',
  '0.5',
  '1e15',
  '9007199254740993',
  '4294967297',
  '2147483648',
  'NaN',
  'Infinity',
  '1e308',
  '65536',
];
const HOSTILE_STRINGS = ['"__proto__"', '"constructor"', '"prototype"', '""', '"F16"', '"\\u0000"', `"${'x'.repeat(1000)}"`];

const pick = <T>(rng: Rng, list: readonly T[]): T => list[rng.int(list.length)];

/** Byte-level mutations (one to three per input). */
export function mutateBytes(input: Uint8Array, rng: Rng): Uint8Array {
  let out = input.slice();
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = out.length === 0 ? 0 : rng.int(out.length);
    switch (rng.int(7)) {
      case 0:
        if (out.length) out[at] ^= 1 << rng.int(8);
        break;
      case 1:
        if (out.length) out[at] = pick(rng, INTERESTING_BYTES);
        break;
      case 2:
        out = out.slice(0, at);
        break;
      case 3: {
        const end = Math.min(out.length, at + 1 + rng.int(64));
        out = new Uint8Array([...out.subarray(0, at), ...out.subarray(end)]);
        break;
      }
      case 4: {
        const end = Math.min(out.length, at + 1 + rng.int(64));
        out = new Uint8Array([...out.subarray(0, end), ...out.subarray(at, end), ...out.subarray(end)]);
        break;
      }
      case 5:
        // a length field: safetensors' u64 header length lives in bytes 0..7
        if (out.length >= 8) new DataView(out.buffer).setUint32(rng.int(2) * 4, pick(rng, INTERESTING_U32), true);
        break;
      default: {
        const junk = Uint8Array.from({ length: 1 + rng.int(32) }, () => rng.int(256));
        out = new Uint8Array([...out.subarray(0, at), ...junk, ...out.subarray(at)]);
      }
    }
  }
  return out;
}

/** JSON-aware text mutations (one or two per input), plus plain character edits. */
export function mutateJsonText(text: string, rng: Rng): string {
  let out = text;
  for (let n = 1 + rng.int(2); n > 0; n--) {
    const tokens = [...out.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?|"(?:[^"\\]|\\.)*"/g)];
    const token = tokens.length ? pick(rng, tokens) : undefined;
    const at = rng.int(out.length + 1);
    switch (rng.int(8)) {
      case 0:
      case 1:
        if (token && token[0][0] !== '"')
          out = out.slice(0, token.index) + pick(rng, HOSTILE_NUMBERS) + out.slice((token.index ?? 0) + token[0].length);
        break;
      case 2:
        if (token && token[0][0] === '"')
          out = out.slice(0, token.index) + pick(rng, HOSTILE_STRINGS) + out.slice((token.index ?? 0) + token[0].length);
        break;
      case 3: {
        // repeat a "key": value pair inside its object
        const pair = [...out.matchAll(/"(?:[^"\\]|\\.)*"\s*:\s*("[^"]*"|-?[\d.eE+-]+|true|false|null|\[[^[\]]*\])/g)];
        if (pair.length) {
          const p = pick(rng, pair);
          const end = (p.index ?? 0) + p[0].length;
          out = `${out.slice(0, end)},${p[0]}${out.slice(end)}`;
        }
        break;
      }
      case 4: {
        // deep nesting in place of a number
        const depth = pick(rng, [10, 100, 1000, 100_000]);
        if (token)
          out = out.slice(0, token.index) + '['.repeat(depth) + ']'.repeat(depth) + out.slice((token.index ?? 0) + token[0].length);
        break;
      }
      case 5: {
        // a long array in place of a number
        const length = pick(rng, [17, 1000, 100_000]);
        if (token)
          out = `${out.slice(0, token.index)}[${new Array(length).fill(1).join(',')}]${out.slice((token.index ?? 0) + token[0].length)}`;
        break;
      }
      case 6:
        out = out.slice(0, at);
        break;
      default:
        out =
          out.slice(0, at) + pick(rng, ['{', '}', '[', ']', ',', ':', '"', '\\', 'null', '{"__proto__":{"polluted":1}}']) + out.slice(at);
    }
  }
  return out;
}

/** Runs the target `iterations` times from its corpus, mutating with a seeded generator. */
export function fuzz<I>(target: FuzzTarget<I>, options: FuzzOptions): FuzzReport {
  const rng = new Rng(options.seed);
  const hangMs = options.hangMs ?? 2000;
  const start = performance.now();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const report: FuzzReport = {
    target: target.name,
    seed: options.seed,
    tried: 0,
    loaded: 0,
    documentedErrors: 0,
    crashes: 0,
    crashSamples: [],
    hangs: 0,
    stateChanges: 0,
    typedErrorRate: 1,
    peakRssDeltaBytes: 0,
    slowestMs: 0,
    seconds: 0,
  };
  for (let i = 0; i < options.iterations; i++) {
    const input = target.mutate(target.corpus[i % target.corpus.length], rng);
    const before = target.state ? JSON.stringify(target.state()) : '';
    const t0 = performance.now();
    let error: unknown;
    try {
      target.run(input);
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - t0;
    report.tried++;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > hangMs) report.hangs++;
    if (error === undefined) report.loaded++;
    else if (target.documented(error)) report.documentedErrors++;
    else {
      report.crashes++;
      if (report.crashSamples.length < 5) report.crashSamples.push(String((error as Error)?.stack ?? error).slice(0, 300));
    }
    if (error !== undefined) {
      const polluted = Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>).polluted !== undefined;
      if (polluted || (target.state && JSON.stringify(target.state()) !== before)) report.stateChanges++;
    }
    if ((i & 15) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const failures = report.documentedErrors + report.crashes;
  report.typedErrorRate = failures === 0 ? 1 : report.documentedErrors / failures;
  report.peakRssDeltaBytes = peak - baseline;
  report.seconds = (performance.now() - start) / 1000;
  return report;
}

/**
 * The date-translation task, the classic attention demo: dates written many ways ("3rd of
 * March 1998", "03/03/98", "March 3, 1998", "Tuesday 3 March 1998", "3 mar 98", …) → their
 * ISO form "1998-03-03", read and written one character at a time by a `Seq2Seq`.
 * Dates run from 1950-01-01 to 2049-12-31, so a two-digit year is unambiguous (50–99 → 19xx,
 * 00–49 → 20xx); numeric forms are day first (03/04/98 is the 3rd of April). About one date in
 * ten is held out: training never draws it, the test set draws only those.
 *
 * With `maxDates` > 1 an input holds 1 to maxDates dates joined by " and " (up to ~170
 * characters), and the target is their ISO forms one after the other ("1998-03-032001-12-05":
 * ten characters each, so no separator is needed): the long inputs on which one context vector
 * has to hold every date, and attention does not.
 */
import { Adam, softmaxCrossEntropyWithLogits, trainStep } from '@lec/nn';
import { type BackendV1, Rng, type Tensor, ValueError, reshape, tensor, tidy, withBackend } from '@lec/tensor';
import type { AttentionKind } from './attention-decoder.js';
import { Seq2Seq } from './forms.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Day {
  y: number;
  m: number;
  d: number;
  /** Day of the week, 0 = Sunday. */
  w: number;
}

const two = (n: number) => String(n).padStart(2, '0');
const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
const mon = (x: Day) => MONTHS[x.m - 1].slice(0, 3);
const yy = (x: Day) => two(x.y % 100);

/** The ways a date is written (each a function of the day); `dateExamples` picks one at random. */
const FORMATS: ((x: Day) => string)[] = [
  (x) => `${ordinal(x.d)} of ${MONTHS[x.m - 1]} ${x.y}`,
  (x) => `${two(x.d)}/${two(x.m)}/${yy(x)}`,
  (x) => `${MONTHS[x.m - 1]} ${x.d}, ${x.y}`,
  (x) => `${WEEKDAYS[x.w]} ${x.d} ${MONTHS[x.m - 1]} ${x.y}`,
  (x) => `${x.d} ${mon(x).toLowerCase()} ${yy(x)}`,
  (x) => `${x.d}.${x.m}.${x.y}`,
  (x) => `${two(x.d)}/${two(x.m)}/${x.y}`,
  (x) => `${mon(x)} ${x.d} ${x.y}`,
  (x) => `${WEEKDAYS[x.w]}, the ${ordinal(x.d)} of ${MONTHS[x.m - 1]}, ${x.y}`,
  (x) => `${x.d}-${mon(x)}-${x.y}`,
  (x) => `${MONTHS[x.m - 1].toUpperCase()} ${x.d} ${x.y}`,
  (x) => `${MONTHS[x.m - 1].toLowerCase()} ${ordinal(x.d)}, ${x.y}`,
  (x) => `${WEEKDAYS[x.w].slice(0, 3).toLowerCase()}, ${x.d} ${mon(x).toLowerCase()} ${yy(x)}`,
  (x) => `${x.y}/${two(x.m)}/${two(x.d)}`,
  (x) => `${WEEKDAYS[x.w]} ${MONTHS[x.m - 1]} ${ordinal(x.d)} ${x.y}`,
  (x) => `the ${ordinal(x.d)} of ${mon(x).toLowerCase()} ${yy(x)}`,
];

/** The characters a source date may contain; token i + 1 is DATE_SOURCE_CHARS[i] (0 pads). */
export const DATE_SOURCE_CHARS = ' ,./-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Target tokens: 0 BOS, 1 EOS, then DATE_TARGET_CHARS[i] is token i + 2. */
export const DATE_TARGET_CHARS = '0123456789-';
/** What joins the dates of a multi-date input (`maxDates` > 1). */
export const DATE_JOINER = ' and ';
const FIRST = Date.UTC(1950, 0, 1);
const DAYS = Math.round((Date.UTC(2050, 0, 1) - FIRST) / 86_400_000);

function dayAt(index: number): Day {
  const date = new Date(FIRST + index * 86_400_000);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate(), w: date.getUTCDay() };
}

/** Whether a day (index since 1950-01-01) is held out for testing: about one in ten, fixed by a hash. */
function heldOut(index: number): boolean {
  return (Math.imul(index + 1, 0x9e3779b1) >>> 0) % 10 === 3;
}

/** Examples of the date task: written dates and their ISO forms. */
export interface DateExamples {
  /** The dates as written ("3rd of March 1998"). */
  inputs: string[];
  /** Their ISO forms ("1998-03-03"). */
  targets: string[];
}

/**
 * `n` dates, each written in one of 16 ways picked at random; `split` 'train' draws only days
 * that are not held out, 'test' only held-out days. With `maxDates` > 1 (default 1) each example
 * holds 1 to maxDates dates (as many of each count) joined by DATE_JOINER, and its target is their
 * ISO forms concatenated. Seeded: the same arguments, the same dates.
 * @example
 * ```ts
 * const { inputs, targets } = dateExamples(2, { seed: 1 });
 * targets[0].length; // 10
 * dateExamples(1, { seed: 1, maxDates: 3 }).targets[0].length % 10; // 0
 * ```
 */
export function dateExamples(n: number, options: { seed?: number; split?: 'train' | 'test'; maxDates?: number } = {}): DateExamples {
  if (!Number.isSafeInteger(n) || n < 0) throw new ValueError('dateExamples', `argument 'n' expected an integer >= 0, got ${n}`);
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test')
    throw new ValueError('dateExamples', `argument 'split' expected 'train' or 'test', got ${String(split)}`);
  const maxDates = checkMaxDates('dateExamples', options.maxDates);
  const rng = new Rng(options.seed ?? 0);
  const inputs: string[] = [];
  const targets: string[] = [];
  const one = (): [string, string] => {
    for (;;) {
      const index = rng.int(DAYS);
      if (heldOut(index) !== (split === 'test')) continue;
      const day = dayAt(index);
      return [FORMATS[rng.int(FORMATS.length)](day), `${day.y}-${two(day.m)}-${two(day.d)}`];
    }
  };
  while (inputs.length < n) {
    // one rng draw fewer for single dates keeps the 1-date stream as it always was
    const k = maxDates === 1 ? 1 : 1 + rng.int(maxDates);
    const dates = Array.from({ length: k }, one);
    inputs.push(dates.map((d) => d[0]).join(DATE_JOINER));
    targets.push(dates.map((d) => d[1]).join(''));
  }
  return { inputs, targets };
}

function checkMaxDates(fn: string, maxDates: number | undefined): number {
  const m = maxDates ?? 1;
  if (!Number.isSafeInteger(m) || m < 1 || m > 8) throw new ValueError(fn, `argument 'maxDates' expected an integer in [1, 8], got ${m}`);
  return m;
}

/**
 * Source tokens int32 [n, longest] (0 after each date's end) and the lengths of written dates.
 * @example
 * ```ts
 * encodeDates(['3 mar 98', '1.1.2000']).lengths; // [8, 8]
 * ```
 */
export function encodeDates(inputs: readonly string[]): { source: Tensor; lengths: number[] } {
  const lengths = inputs.map((s) => s.length);
  const width = Math.max(1, ...lengths);
  const ids = new Int32Array(inputs.length * width);
  inputs.forEach((s, b) => {
    for (let i = 0; i < s.length; i++) {
      const id = DATE_SOURCE_CHARS.indexOf(s[i]);
      if (id < 0)
        throw new ValueError(
          'encodeDates',
          `argument 'inputs' has the character '${s[i]}' (at ${i} of "${s}"), which dates are not written with`,
        );
      ids[b * width + i] = id + 1;
    }
    if (s.length === 0) throw new ValueError('encodeDates', `argument 'inputs' expected non-empty dates, got "" at ${b}`);
  });
  return { source: tensor(ids, [inputs.length, width], { dtype: 'int32' }), lengths };
}

/**
 * Target tokens (without BOS or EOS) back to text.
 * @example
 * ```ts
 * decodeDate([3, 11, 11, 10, 12, 2, 5, 12, 2, 5]); // '1998-03-03'
 * ```
 */
export function decodeDate(tokens: readonly number[]): string {
  return tokens.map((t) => DATE_TARGET_CHARS[t - 2] ?? '?').join('');
}

/** Options of `trainDateTranslation`. */
export interface DateTaskOptions {
  /** 'additive', 'dot', 'general', or 'none' (default 'additive'). */
  attention?: AttentionKind | 'none';
  /** Hidden units of encoder and decoder (default 64). */
  hiddenSize?: number;
  /** Character embedding size (default 16). */
  embedSize?: number;
  /** Optimizer steps (default 2000). */
  trainSteps?: number;
  /** Dates per step (default 64). */
  batchSize?: number;
  /** Adam's learning rate (default 5e-3). */
  learningRate?: number;
  /** Held-out dates for the test (default 1000). */
  testSize?: number;
  /** Seed of the weights and of the training dates (default 0); the test set has its own. */
  seed?: number;
  /** The backend to train on (default: the current one). */
  backend?: BackendV1;
  /** Called every `evalEvery` steps (default 200) with the mean training loss since the last call. */
  onProgress?: (p: { step: number; loss: number; elapsedMs: number }) => void;
  evalEvery?: number;
  /** Dates per input, 1 to maxDates (default 1; see `dateExamples`): long inputs. */
  maxDates?: number;
  /** Characters per input-length bucket of `byLength` (default 5). */
  bucketWidth?: number;
}

/** Accuracy on the test dates of one input length range. */
export interface LengthBucket {
  /** Characters, inclusive. */
  from: number;
  to: number;
  count: number;
  accuracy: number;
}

/** What `trainDateTranslation` returns. */
export interface DateTaskResult {
  model: Seq2Seq;
  /** Exact-match accuracy of greedy decoding on the held-out dates. */
  accuracy: number;
  /** The same by input length (buckets of `bucketWidth` characters). */
  byLength: LengthBucket[];
  /** Training time (ms, optimizer steps only). */
  trainMs: number;
  test: DateExamples;
  /** Greedy translations of the test dates. */
  predictions: string[];
}

/**
 * Trains a character-level `Seq2Seq` (LSTM encoder and decoder, with or without attention)
 * to write dates in ISO form, with Adam and teacher forcing, then decodes held-out dates
 * greedily and reports exact-match accuracy overall and by input length.
 * @example
 * ```ts
 * const r = await trainDateTranslation({ trainSteps: 2, hiddenSize: 8, batchSize: 4, testSize: 4 });
 * r.predictions.length; // 4
 * ```
 */
export async function trainDateTranslation(options: DateTaskOptions = {}): Promise<DateTaskResult> {
  const fn = 'trainDateTranslation';
  const attention = options.attention ?? 'additive';
  if (!['additive', 'dot', 'general', 'none'].includes(attention))
    throw new ValueError(fn, `argument 'attention' expected 'additive', 'dot', 'general' or 'none', got ${String(attention)}`);
  const sizes = {
    hiddenSize: options.hiddenSize ?? 64,
    embedSize: options.embedSize ?? 16,
    batchSize: options.batchSize ?? 64,
    testSize: options.testSize ?? 1000,
    evalEvery: options.evalEvery ?? 200,
    bucketWidth: options.bucketWidth ?? 5,
  };
  for (const [k, v] of Object.entries(sizes))
    if (!Number.isSafeInteger(v) || v < 1) throw new ValueError(fn, `argument '${k}' expected a positive integer, got ${v}`);
  const trainSteps = options.trainSteps ?? 2000;
  if (!Number.isSafeInteger(trainSteps) || trainSteps < 0)
    throw new ValueError(fn, `argument 'trainSteps' expected an integer >= 0, got ${trainSteps}`);
  const maxDates = checkMaxDates(fn, options.maxDates);
  const targetLength = 10 * maxDates + 1;
  const seed = options.seed ?? 0;
  const on = <R>(f: () => R): R => (options.backend ? withBackend(options.backend, f) : f());
  const model = on(
    () =>
      new Seq2Seq(DATE_SOURCE_CHARS.length + 1, DATE_TARGET_CHARS.length + 2, sizes.hiddenSize, {
        seed,
        embedSize: sizes.embedSize,
        attention: attention === 'none' ? undefined : attention,
      }),
  );
  const optimizer = new Adam({ learningRate: options.learningRate ?? 5e-3 });
  const loss = (logits: Tensor, targets: Tensor) => {
    const [b, t, v] = logits.shape;
    return softmaxCrossEntropyWithLogits(reshape(logits, [b * t, v]), reshape(targets, [b * t]));
  };
  let trainMs = 0;
  let lossSum = 0;
  for (let step = 1; step <= trainSteps; step++) {
    const batch = dateExamples(sizes.batchSize, { seed: seed * 1_000_003 + step, maxDates });
    const t0 = performance.now();
    on(() =>
      tidy(() => {
        const { source, lengths } = encodeDates(batch.inputs);
        // inputs BOS w_1 … w_k, targets w_1 … w_k EOS, both padded with EOS to the longest target
        const ids = batch.targets.map((t) => Array.from(t, (c) => DATE_TARGET_CHARS.indexOf(c) + 2));
        const pad = (t: number[]) => [...t, ...new Array<number>(targetLength - t.length).fill(1)];
        const inputs = tensor(Int32Array.from(ids.flatMap((t) => pad([0, ...t]))), [ids.length, targetLength], { dtype: 'int32' });
        const targets = tensor(Int32Array.from(ids.flatMap((t) => pad([...t, 1]))), [ids.length, targetLength], { dtype: 'int32' });
        lossSum += trainStep(model, loss, optimizer, { source, inputs, sourceLengths: lengths }, targets, { clipNorm: 5 }).loss;
      }),
    );
    trainMs += performance.now() - t0;
    if (step % sizes.evalEvery === 0) {
      options.onProgress?.({ step, loss: lossSum / sizes.evalEvery, elapsedMs: trainMs });
      lossSum = 0;
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  const test = dateExamples(sizes.testSize, { seed: 424_242, split: 'test', maxDates });
  const predictions = translateDates(model, test.inputs, options.backend, targetLength);
  const right = predictions.map((p, i) => p === test.targets[i]);
  const buckets = new Map<number, { count: number; correct: number }>();
  test.inputs.forEach((s, i) => {
    const key = Math.floor((s.length - 1) / sizes.bucketWidth);
    const b = buckets.get(key) ?? { count: 0, correct: 0 };
    b.count++;
    if (right[i]) b.correct++;
    buckets.set(key, b);
  });
  const w = sizes.bucketWidth;
  const byLength = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, b]) => ({ from: w * k + 1, to: w * k + w, count: b.count, accuracy: b.correct / b.count }));
  return { model, accuracy: right.filter(Boolean).length / right.length, byLength, trainMs, test, predictions };
}

/**
 * Greedy translations of written dates by a model of `trainDateTranslation` (in batches of 250),
 * at most `maxLength` target tokens each (default 11: one date and EOS; 10 k + 1 for k dates).
 * @example
 * ```ts
 * const { model } = await trainDateTranslation({ trainSteps: 0, hiddenSize: 8, testSize: 1 });
 * translateDates(model, ['3 mar 98']).length; // 1
 * ```
 */
export function translateDates(model: Seq2Seq, inputs: readonly string[], backend?: BackendV1, maxLength = 11): string[] {
  if (!Number.isSafeInteger(maxLength) || maxLength < 1)
    throw new ValueError('translateDates', `argument 'maxLength' expected a positive integer, got ${maxLength}`);
  const out: string[] = [];
  for (let i = 0; i < inputs.length; i += 250) {
    const chunk = inputs.slice(i, i + 250);
    const run = () =>
      tidy(() => {
        const { source, lengths } = encodeDates(chunk);
        return model.translate(source, maxLength, lengths).map(decodeDate);
      });
    out.push(...(backend ? withBackend(backend, run) : run()));
  }
  return out;
}

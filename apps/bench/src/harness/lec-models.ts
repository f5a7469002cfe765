/**
 * What the model suites use of lec's model packages, loaded at run time behind small local
 * interfaces (like impls/lec.ts does for @lec/tensor): the bench builds without them, and a
 * package that is missing, unbuilt or lacks an export makes only the suites that need it skip,
 * with the reason printed. Nothing here is typed against the packages themselves.
 */
import type { Impl, Result } from './types.js';
import { type LecBackend, LecImpl } from '../impls/lec.js';
import { TfjsImpl } from '../impls/tfjs-common.js';

/** A lec Tensor, as far as the bench touches it. */
export interface LTensor {
  readonly shape: number[];
  readonly dtype: string;
  dataSync(): ArrayLike<number>;
  item(): number;
  dispose(): void;
}

/** A lec Module (nn's Module): forward plus what trainStep needs. */
export interface LModule {
  forward(x: LTensor): LTensor;
  numParameters?(): number;
}

export type LLoss = (prediction: LTensor, target: LTensor) => LTensor;

/** @lec/tensor, the part the model suites call. */
export interface TensorApi {
  tensor(data: ArrayLike<number>, shape: number[], options?: { dtype?: string }): LTensor;
  toBackend(t: LTensor, backend: LecBackend): LTensor;
  withBackend<T>(backend: LecBackend, fn: () => T): T;
  tidy<T>(fn: () => T): T;
  randn(shape: number[], options?: { seed?: number }): LTensor;
  Rng: new (seed: number) => { permutation(n: number): Int32Array };
}

/** @lec/nn. */
export interface NnApi {
  trainStep(
    model: LModule,
    loss: LLoss,
    optimizer: unknown,
    x: LTensor,
    y: LTensor,
    options?: { clipNorm?: number },
  ): { loss: number; gradNorm?: number };
  softmaxCrossEntropyWithLogits: LLoss;
  meanSquaredError: LLoss;
  Adam: new (o: { learningRate: number }) => unknown;
  SGD: new (o: { learningRate: number }) => unknown;
  Dense: new (inputs: number, outputs: number, o?: { seed?: number }) => LModule;
  Sequential: new (layers: LModule[]) => LModule;
}

/** Imports a package by a name TypeScript does not resolve at build time; checks its exports. */
export async function importChecked<T>(name: string, exports: string[]): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(name)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${name} cannot be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  const missing = exports.filter((k) => mod[k] === undefined);
  if (missing.length) throw new Error(`${name} does not export ${missing.join(', ')} yet`);
  return mod as T;
}

export const loadTensorApi = () => importChecked<TensorApi>('@lec/tensor', ['tensor', 'toBackend', 'withBackend', 'tidy', 'randn', 'Rng']);
export const loadNn = () =>
  importChecked<NnApi>('@lec/nn', ['trainStep', 'softmaxCrossEntropyWithLogits', 'meanSquaredError', 'Adam', 'SGD', 'Dense', 'Sequential']);

/** The lec impls that are set up (respects --backend), with their Backend v1 objects. */
export function lecBackends(ctx: { impls: Impl[] }): { impl: Impl; backend: LecBackend }[] {
  return ctx.impls.filter((i): i is LecImpl => i instanceof LecImpl).map((impl) => ({ impl, backend: impl.lecBackend }));
}

/** A set-up tfjs impl by name (tfjs-wasm, tfjs-cpu), or undefined when it is not run. */
export function tfjsImpl(ctx: { impls: Impl[] }, name: string): TfjsImpl | undefined {
  return ctx.impls.find((i): i is TfjsImpl => i instanceof TfjsImpl && i.name === name);
}

/**
 * Per-call wall times (ms) of `steps` calls after `warmup` untimed ones. When `cpu` is given,
 * the process CPU time of each call (all threads, ms) is pushed to it: on a loaded machine the
 * wall time stretches while the CPU time stays close to what the work costs.
 */
export async function timeCalls(fn: (i: number) => unknown, warmup: number, steps: number, cpu?: number[]): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn(warmup + i);
    ms.push(performance.now() - t0);
    if (cpu) {
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  return ms;
}

export function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

/** A skipped result for a model-suite case. */
export function skip(suite: string, caseId: string, impl: { name: string; threads: number }, note: string): Result {
  return {
    suite,
    case: caseId,
    impl: impl.name,
    threads: impl.threads,
    median_ms: null,
    min_ms: null,
    max_ms: null,
    status: 'skipped',
    note,
  };
}

/** An ok result from per-call times (ms), with a display figure and metrics. */
export function timed(
  suite: string,
  caseId: string,
  impl: { name: string; threads: number },
  ms: readonly number[],
  figure: string,
  metrics: Result['metrics'],
): Result {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    suite,
    case: caseId,
    impl: impl.name,
    threads: impl.threads,
    median_ms: median,
    min_ms: sorted[0],
    max_ms: sorted[sorted.length - 1],
    figure,
    metrics: { ...metrics, samples: ms.length },
    status: 'ok',
  };
}

/** Formats a rate: 1234 → "1234", 12.3 → "12.3". */
export function fmtRate(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function errorLine(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0];
  return String(e);
}

/** Index of the fastest timed result (smallest median), or -1. */
export function fastest(results: readonly Result[]): number {
  let best = -1;
  results.forEach((r, i) => {
    if (r.status === 'ok' && r.median_ms !== null && (best < 0 || r.median_ms < results[best].median_ms!)) best = i;
  });
  return best;
}

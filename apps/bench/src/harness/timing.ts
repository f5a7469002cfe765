/**
 * Timing: warm up (a kernel's first calls run in V8's baseline tier, about 3.5x slower),
 * then take samples, each batching enough calls to last `minSampleMs`, within a time budget.
 * Reports per-call milliseconds: median, min, max over the samples.
 */
import type { TimingOptions } from './types.js';

export interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number;
  calls: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarize(perCallMs: readonly number[], calls: number): Stats {
  return {
    median: median(perCallMs),
    min: Math.min(...perCallMs),
    max: Math.max(...perCallMs),
    samples: perCallMs.length,
    calls,
  };
}

/** Calls `fn` (sync or async) once and returns the elapsed milliseconds. */
async function once(fn: () => void | Promise<void>): Promise<number> {
  const t0 = performance.now();
  const r = fn();
  if (r instanceof Promise) await r;
  return performance.now() - t0;
}

/**
 * Measures `fn`. `firstCallMs` is the time of a call already made (the correctness check),
 * used to size the warm-up and samples of slow kernels without calling them again.
 */
export async function measure(fn: () => void | Promise<void>, opts: TimingOptions, firstCallMs = 0): Promise<Stats> {
  // warm-up: at least minWarmupCalls calls and warmupMs, but at most half the budget; a
  // kernel whose first (checked) call already took half the budget is warm enough
  let calls = 0;
  let last = firstCallMs;
  const start = performance.now();
  if (firstCallMs < opts.budgetMs / 2) {
    for (;;) {
      const elapsed = performance.now() - start;
      if (calls >= 1 && elapsed > opts.budgetMs / 2) break;
      if (calls >= opts.minWarmupCalls && elapsed >= opts.warmupMs) break;
      last = await once(fn);
      calls++;
    }
  }
  // samples: batch calls so that one sample lasts at least minSampleMs; stop at the budget
  // once there are 3 samples (or at 3x the budget with at least one)
  const perCall: number[] = [];
  const inner = Math.max(1, Math.ceil(opts.minSampleMs / Math.max(last, 1e-3)));
  const t0 = performance.now();
  while (perCall.length < opts.samples) {
    let total = 0;
    for (let i = 0; i < inner; i++) total += await once(fn);
    perCall.push(total / inner);
    calls += inner;
    const elapsed = performance.now() - t0;
    if (elapsed > opts.budgetMs && (perCall.length >= 3 || elapsed > 3 * opts.budgetMs)) break;
  }
  return summarize(perCall, calls);
}

/** The timing budget of a run: full, --quick, or tiny (tests). */
export function timingFor(quick: boolean, tiny: boolean): TimingOptions {
  if (tiny) return { warmupMs: 0, minWarmupCalls: 1, samples: 3, budgetMs: 20, minSampleMs: 0 };
  if (quick) return { warmupMs: 100, minWarmupCalls: 2, samples: 5, budgetMs: 300, minSampleMs: 10 };
  return { warmupMs: 400, minWarmupCalls: 3, samples: 11, budgetMs: 2000, minSampleMs: 25 };
}

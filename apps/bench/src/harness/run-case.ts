/**
 * One (case, impl) measurement: prepare the impl's runner (untimed), run it once and check
 * the result against the float64 reference, and only when it is right, time it.
 * A wrong result is reported loudly with status "wrong" and is never timed.
 */
import { checkClose } from './check.js';
import { measure } from './timing.js';
import type { Impl, Metric, Result, Runner, SuiteContext } from './types.js';

export interface CaseSpec {
  suite: string;
  caseId: string;
  /** Floating-point operations of one call (for GFLOP/s). */
  flops: number;
  /** Reduction length, for the tolerance. */
  k: number;
  /** The float64 reference (computed once per case, shared by all impls). */
  expected: () => Reference;
  metrics?: Record<string, Metric>;
}

export interface Reference {
  value: Float64Array;
  /** Per element Σ|terms| of the reduction (the tolerance's scale); see check.ts. */
  magnitude?: Float64Array;
}

/** A reference computed on the inputs and on their absolute values (for the magnitude). */
export function referenceOf<A extends Float32Array[]>(fn: (...inputs: A) => Float64Array, ...inputs: A): () => Reference {
  return once(() => ({ value: fn(...inputs), magnitude: fn(...(inputs.map((x) => x.map(Math.abs)) as A)) }));
}

export function skipped(spec: CaseSpec, impl: Impl, note: string): Result {
  return {
    suite: spec.suite,
    case: spec.caseId,
    impl: impl.name,
    threads: impl.threads,
    median_ms: null,
    min_ms: null,
    max_ms: null,
    status: 'skipped',
    note,
  };
}

/** Lazily computes a value once (the reference of a case). */
export function once<T>(fn: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = fn();
      done = true;
    }
    return v;
  };
}

export async function runCase(
  ctx: SuiteContext,
  spec: CaseSpec,
  impl: Impl,
  prepare: () => Runner | Promise<Runner | null> | null | undefined,
): Promise<Result> {
  const slow = impl.skipReason?.(spec.suite, spec.caseId, ctx.quick);
  if (slow) return skipped(spec, impl, slow);
  let runner: Runner | null | undefined;
  try {
    await impl.activate?.();
    runner = await prepare();
  } catch (e) {
    return skipped(spec, impl, `error while preparing: ${errorText(e)}`);
  }
  if (!runner) return skipped(spec, impl, 'not supported by this impl');
  try {
    const t0 = performance.now();
    await runner.run();
    const firstMs = performance.now() - t0;
    const got = await runner.read();
    const ref = spec.expected();
    const check = checkClose(got, ref.value, spec.k, ref.magnitude);
    if (!check.ok) {
      ctx.progress.log(`WRONG: ${spec.suite} ${spec.caseId} ${impl.name}: ${check.message}`);
      return { ...skipped(spec, impl, `WRONG RESULT: ${check.message}`), status: 'wrong' };
    }
    const stats = runner.measure ? await runner.measure(ctx.timing, firstMs) : await measure(() => runner!.run(), ctx.timing, firstMs);
    const r: Result = {
      suite: spec.suite,
      case: spec.caseId,
      impl: impl.name,
      threads: impl.threads,
      median_ms: stats.median,
      min_ms: stats.min,
      max_ms: stats.max,
      status: 'ok',
    };
    if (spec.flops > 0) r.gflops = spec.flops / (stats.median * 1e6);
    r.metrics = { ...spec.metrics, samples: stats.samples, calls: stats.calls, max_abs_diff: check.maxAbs };
    return r;
  } catch (e) {
    return skipped(spec, impl, `error while running: ${errorText(e)}`);
  } finally {
    try {
      runner.dispose();
    } catch {
      /* a failing dispose must not hide the result */
    }
  }
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0];
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/**
 * peak: the WebAssembly SIMD peak of this machine, measured with the bench's own tiny kernel
 * (independent f32x4 multiply-add chains, src/harness/wasm-peak.ts), plain SIMD and relaxed
 * SIMD (fused multiply-add) when the engine validates it, on 1 and `--threads` threads.
 * The figure is GFLOP/s of the best sample (noise on a shared machine only ever lowers a
 * peak; the median is in metrics); it bounds what any wasm kernel (ours or tfjs-wasm's) can
 * reach.
 */
import { median } from '../harness/timing.js';
import type { Result, Suite, SuiteContext } from '../harness/types.js';
import {
  DEFAULT_PEAK_SHAPE,
  type PeakSample,
  type PeakVariant,
  peakSingle,
  peakThreads,
  relaxedSimdAvailable,
  simdAvailable,
} from '../harness/wasm-peak.js';

const IMPL = 'bench-wasm-kernel';

function variants(ctx: SuiteContext): { variant: PeakVariant; label: string; threads: number }[] {
  const threadCounts = ctx.threads > 1 ? [1, ctx.threads] : [1];
  const out: { variant: PeakVariant; label: string; threads: number }[] = [];
  for (const [variant, label] of [
    ['simd', 'simd128 f32x4.mul+add'],
    ['relaxed', 'relaxed-simd f32x4.relaxed_madd'],
  ] as const)
    for (const threads of threadCounts) out.push({ variant, label, threads });
  return out;
}

export const peak: Suite = {
  name: 'peak',
  description: "WebAssembly SIMD peak of this machine (the bench's own kernel)",
  steps: (ctx) => variants(ctx).length,
  async run(ctx) {
    const callMs = ctx.tiny ? 5 : ctx.quick ? 60 : 200;
    const samples = ctx.tiny ? 2 : ctx.quick ? 5 : 9;
    const have = { simd: simdAvailable(), relaxed: relaxedSimdAvailable() };
    for (const { variant, label, threads } of variants(ctx)) {
      ctx.progress.tick(`peak ${label} ×${threads}`);
      const base: Result = {
        suite: 'peak',
        case: label,
        impl: IMPL,
        threads,
        median_ms: null,
        min_ms: null,
        max_ms: null,
        status: 'skipped',
      };
      if (!have[variant]) {
        ctx.emit({ ...base, note: `${variant === 'relaxed' ? 'relaxed SIMD' : 'SIMD'} does not validate on this engine` });
        continue;
      }
      let s: PeakSample[];
      try {
        s = threads === 1 ? peakSingle(variant, callMs, samples) : await peakThreads(variant, threads, callMs, samples);
      } catch (e) {
        ctx.emit({ ...base, note: `error: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      const values = s.map((x) => x.value);
      if (!values.every((v) => Number.isFinite(v) && v > 0 && v < 1e3)) {
        ctx.emit({ ...base, status: 'wrong', note: `WRONG RESULT: kernel returned ${values.join(', ')}` });
        continue;
      }
      const ms = s.map((x) => x.ms);
      const gf = s.map((x) => x.gflops);
      ctx.emit({
        ...base,
        status: 'ok',
        median_ms: median(ms),
        min_ms: Math.min(...ms),
        max_ms: Math.max(...ms),
        gflops: Math.max(...gf),
        metrics: {
          median_gflops: median(gf),
          accumulators: DEFAULT_PEAK_SHAPE.accumulators,
          unroll: DEFAULT_PEAK_SHAPE.unroll,
          samples: s.length,
        },
      });
    }
  },
};

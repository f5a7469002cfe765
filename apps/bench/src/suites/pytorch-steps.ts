/**
 * What the model suites share for the PyTorch peer: run a training (or inference) step in the
 * Python peer for each set-up pytorch impl, turn its per-step times into Results, check the
 * parameter count against lec's model, and note the ratios the issue targets: lec's time ÷
 * PyTorch's at the same thread count, and the speed-up of N threads over 1.
 */
import { errorLine, medianOf, skip, timed } from '../harness/lec-models.js';
import type { Metric, Result, SuiteContext } from '../harness/types.js';
import { type PeerSteps, type PytorchImpl, pytorchImpls } from '../impls/pytorch.js';
import { isPytorch } from '../report/table.js';

export interface TorchRun {
  suite: string;
  caseId: string;
  /** What to ask the Python peer (`train`, `infer`, `gcn`). */
  call: (impl: PytorchImpl) => Promise<PeerSteps>;
  /** The display figure from the median ms. */
  figure: (medianMs: number) => string;
  metrics?: Record<string, Metric>;
  /** lec's parameter count of the same model: the note says whether PyTorch's equals it. */
  lecParameters?: number;
}

/** Runs `run` on every pytorch impl of the context; returns the results (not emitted). */
export async function pytorchResults(ctx: SuiteContext, run: TorchRun): Promise<Result[]> {
  const out: Result[] = [];
  for (const impl of pytorchImpls(ctx)) {
    ctx.progress.tick(`${run.suite} ${run.caseId} ${impl.name}`);
    try {
      const r = await run.call(impl);
      if (r.losses && !r.losses.every(Number.isFinite)) {
        out.push({ ...skip(run.suite, run.caseId, impl, `WRONG RESULT: non-finite loss ${r.losses.join(', ')}`), status: 'wrong' });
        continue;
      }
      const res = timed(run.suite, run.caseId, impl, r.ms, '', {
        ...run.metrics,
        cpu_ms: medianOf(r.cpu),
        ...(r.losses?.length ? { loss_first: r.losses[0], loss_last: r.losses[r.losses.length - 1] } : {}),
        ...(r.parameters !== undefined ? { parameters: r.parameters } : {}),
      });
      res.figure = run.figure(res.median_ms!);
      out.push(res);
      if (r.parameters !== undefined && run.lecParameters !== undefined && impl.threads === 1)
        ctx.note(
          `${run.caseId}: parameters lec ${run.lecParameters}, pytorch ${r.parameters} (${r.parameters === run.lecParameters ? 'equal' : 'DIFFERENT'})`,
        );
    } catch (e) {
      out.push(skip(run.suite, run.caseId, impl, `error: ${errorLine(e)}`));
    }
  }
  return out;
}

/**
 * Ratio notes for one case: each lec impl's time ÷ PyTorch's at the same thread count (with the
 * issue's target for 1 thread and for N threads when given), and each threaded impl's speed-up over its 1-thread variant (with
 * the target `speedup` for lec's when given). Adds `time_ratio_pytorch` and `thread_speedup` to the metrics.
 */
export function pytorchRatios(
  ctx: SuiteContext,
  results: Result[],
  caseId: string,
  targets: { oneThread?: number; threads?: number; speedup?: number } = {},
): void {
  const rows = results.filter((r) => r.case === caseId && r.status === 'ok' && r.median_ms !== null);
  const torch = rows.filter((r) => isPytorch(r.impl));
  const lec = rows.filter((r) => r.impl.startsWith('lec-'));
  for (const r of lec) {
    const t = torch.find((q) => q.threads === r.threads);
    if (!t) continue;
    const ratio = r.median_ms! / t.median_ms!;
    r.metrics = { ...r.metrics, time_ratio_pytorch: ratio };
    const target = r.threads === 1 ? targets.oneThread : targets.threads;
    const goal = target === undefined ? '' : ` (target ≤ ${target}: ${ratio <= target ? 'met' : 'NOT met'})`;
    ctx.note(`${caseId}: ${r.impl} time ÷ ${t.impl} = ${ratio.toFixed(2)}${goal}`);
  }
  for (const group of [lec, torch]) {
    for (const r of group) {
      const one = group.find((q) => q.threads === 1 && q.impl === r.impl.replace(/-t\d+$/, ''));
      if (!one || r.threads === 1) continue;
      const speedup = one.median_ms! / r.median_ms!;
      r.metrics = { ...r.metrics, thread_speedup: speedup };
      const goal =
        r.impl.startsWith('lec-') && targets.speedup !== undefined
          ? ` (target ≥ ${targets.speedup}×: ${speedup >= targets.speedup ? 'met' : 'NOT met'})`
          : '';
      ctx.note(`${caseId}: ${r.impl} is ${speedup.toFixed(2)}× as fast as ${one.impl}${goal}`);
    }
  }
}

/** Counts the pytorch impls, for a suite's progress steps. */
export const torchSteps = (ctx: SuiteContext) => pytorchImpls(ctx).length;

/** What gemm and conv share: run every impl on one case and emit the results. */
import { type CaseSpec, runCase, skipped } from '../harness/run-case.js';
import type { Impl, Runner, SuiteContext } from '../harness/types.js';

/**
 * For each impl: `prepare(impl)` returns its runner, or `undefined` when the impl lacks the
 * capability (reported as skipped with `missing`).
 */
export async function runOnImpls(
  ctx: SuiteContext,
  spec: CaseSpec,
  prepare: (impl: Impl) => (() => Runner | Promise<Runner | null> | null) | undefined,
  missing: string,
): Promise<void> {
  for (const impl of ctx.impls) {
    ctx.progress.tick(`${spec.suite} ${spec.caseId} ${impl.name}`);
    const p = prepare(impl);
    ctx.emit(p ? await runCase(ctx, spec, impl, p) : skipped(spec, impl, missing));
  }
}

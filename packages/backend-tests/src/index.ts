/**
 * @lec/backend-tests: the conformance suite every lec backend runs, and the gradient checker
 * every layer package uses.
 *
 * ```ts
 * // packages/kernels-wasm/src/wasm-backend.conformance.test.ts
 * import { runConformance } from '@lec/backend-tests';
 * runConformance({ name: 'wasm', makeBackend: () => wasmBackend({ threads: 1 }) });
 * ```
 * @packageDocumentation
 */
export { runConformance, type ConformanceOptions } from './conformance.js';
export { gradCheck, type GradCheckOptions, type GradCheckResult, type GradMismatch } from './grad-check.js';
export { paramGradCheck } from './param-grad-check.js';
export { runErrorTable, type ErrorTableOptions, type ExportErrorCase } from './error-table.js';
export { bitIdentical, compareArrays, unravel, type Comparison } from './compare.js';
export {
  DEFAULT_TOLERANCES,
  reductionRtol,
  resolveTolerance,
  type Tolerance,
  type ToleranceKind,
  type ToleranceTable,
} from './tolerances.js';
export { NON_OP_EXPORTS, OP_TABLE } from './op-table/index.js';
export type { CaseContext, CaseFn, ErrorCase, ForwardCase, GradCase, NotDifferentiable, OpEntry } from './op-table/index.js';
export {
  SPECIAL_VALUES,
  awayFromGrid,
  awayFromZero,
  crossFirst,
  cycle,
  distinct,
  drawInputs,
  f,
  hashSeed,
  i32,
  intsIn,
  normalIn,
  sequence,
  uniformIn,
  type Generator,
  type InputSpec,
} from './inputs.js';
export type { ConformanceReport } from './report.js';

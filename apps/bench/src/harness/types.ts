/**
 * The shared vocabulary of the bench: impls (what is measured), suites (what is asked of
 * them), and results (what comes out). Layouts follow lec: images NHWC, filters
 * [kh, kw, cin, cout], matrices row-major.
 */
import type { Stats } from './timing.js';

/** One matrix product C[m,n] = op(A)·op(B). A is stored [m,k] ([k,m] when transposeA), B [k,n] ([n,k] when transposeB). */
export interface GemmProblem {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

/** A stride-1-or-more 2-D convolution, NHWC input, [kh,kw,cin,cout] filter. */
export interface ConvProblem {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  stride: number;
  padding: 'same' | 'valid';
}

/** Which of the three convolution passes a case runs. */
export type ConvPass = 'forward' | 'backpropInput' | 'backpropFilter';

/**
 * A prepared computation: inputs already uploaded, so `run` is exactly what is timed.
 * `run` may return a promise (onnxruntime is async); `read` fetches the result (untimed).
 */
export interface Runner {
  run(): void | Promise<void>;
  read(): Float32Array | Promise<Float32Array>;
  dispose(): void;
  /**
   * For out-of-process peers (pytorch): time `run` where it runs, by the same rules as
   * harness/timing.ts `measure`, so the pipe is not inside the timed calls.
   */
  measure?(opts: TimingOptions, firstCallMs: number): Promise<Stats>;
}

/**
 * An implementation under test: one of our backends or a peer library, with one thread
 * count. Capabilities are optional methods; a missing method means "cannot do it" and the
 * case is reported as skipped with `skipReason` when given.
 */
export interface Impl {
  /** Unique name shown in tables and JSON, e.g. `lec-wasm`, `tfjs-cpu`. */
  readonly name: string;
  /** Threads the impl computes with. */
  readonly threads: number;
  /** `lec` for our backends, `peer` for the libraries we compare against. */
  readonly kind: 'lec' | 'peer';
  /** Facts printed under the tables (build picked, kernels added, layout conversions). */
  notes: string[];
  /** Loads the library; throws (with a reason) when it cannot run here. */
  setup(): Promise<void>;
  /** Called before each case this impl runs (tfjs switches its global backend here). */
  activate?(): Promise<void>;
  /** Inputs are float32, row-major, laid out as described by GemmProblem. */
  gemm?(p: GemmProblem, a: Float32Array, b: Float32Array): Runner | Promise<Runner | null>;
  /** The same product, with fresh operand tensors made from `a` and `b` inside every timed call. */
  gemmFresh?(p: GemmProblem, a: Float32Array, b: Float32Array): Runner | Promise<Runner | null>;
  /**
   * The three conv passes. forward: (x NHWC, w) → y NHWC; backpropInput: (dy, w) → dx;
   * backpropFilter: (x, dy) → dw [kh,kw,cin,cout]. `inputs` are [first, second] in that order.
   */
  conv2d?(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Runner | Promise<Runner | null> | null;
  /** Why the impl skips a case it has the method for (too slow in --quick, unsupported pass), or null. */
  skipReason?(suite: string, caseId: string, quick: boolean): string | null;
  dispose(): Promise<void> | void;
}

/** How an impl is made: lazily, so a broken peer never stops the others from loading. */
export interface ImplFactory {
  /** Base name used by `--backend` (e.g. `lec-wasm` matches both thread variants). */
  readonly family: string;
  create(ctx: ImplContext): Impl[];
}

export interface ImplContext {
  /** Thread count for the threaded variants (`--threads`). */
  threads: number;
}

export type Status = 'ok' | 'wrong' | 'skipped';

export interface Result {
  suite: string;
  case: string;
  impl: string;
  threads: number;
  median_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  gflops?: number;
  /**
   * The figure shown in the table for suites that measure something other than GFLOP/s
   * (model suites): a short display string such as `1234 img/s` or `98.7 % ± 0.1`; the
   * numbers themselves are in `metrics`.
   */
  figure?: string;
  /** Numbers behind the figure; arrays for per-step series (gradient norms, learning curves). */
  metrics?: Record<string, Metric>;
  status: Status;
  note?: string;
}

export type Metric = number | string | boolean | number[];

/** Everything a suite gets from the CLI. */
export interface SuiteContext {
  quick: boolean;
  /** Sizes scaled down to a few elements (tests). */
  tiny: boolean;
  impls: Impl[];
  threads: number;
  dataDir?: string;
  progress: Progress;
  /** Where a suite reports each finished result (also collected for the final report). */
  emit(r: Result): void;
  /** A line printed under the tables (ratios against targets, what a short mode left out). */
  note(line: string): void;
  /** Timing budget knobs derived from --quick. */
  timing: TimingOptions;
}

export interface TimingOptions {
  /** Minimum time spent warming up (ms), after at least `minWarmupCalls` calls. */
  warmupMs: number;
  minWarmupCalls: number;
  /** Samples wanted, and the time one impl may spend on one case (ms). */
  samples: number;
  budgetMs: number;
  /** Each sample batches calls until it lasts at least this long (ms). */
  minSampleMs: number;
}

export interface Progress {
  start(total: number, label: string): void;
  tick(label: string): void;
  log(line: string): void;
  stop(): void;
}

/** A suite: a named list of cases it measures on the impls given. */
export interface Suite {
  readonly name: string;
  readonly description: string;
  /** The column header of the suite's figure (default GFLOP/s). */
  readonly figure?: string;
  /** Number of progress steps (for the bar), given the impls. */
  steps(ctx: SuiteContext): number;
  run(ctx: SuiteContext): Promise<void>;
}

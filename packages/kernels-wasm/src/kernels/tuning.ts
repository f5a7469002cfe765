/**
 * Blocking chosen for the machine: the GEMM block sizes and micro-kernel (assembly/gemm-f32.ts
 * reads them from the 64-byte tuning block at `gemm_tuning_block()`, shared by every worker)
 * and the conv algorithm thresholds (kernels/conv2d.ts reads `kernels.tuning.config.conv`).
 *
 * `wasmBackend` tunes its kernels once: a supplied configuration is validated and used as is;
 * otherwise a short calibration (≤ 50 ms by default, once per process and kernel build) times
 * the candidate micro-kernels on one product and keeps the fastest, but only when it beats the
 * built-in default by a margin, so the fallback is never the slower choice as measured here.
 * The candidates differ only in MR, MC and NC, which never change a result: every element is
 * the same sum in the same order. KC (where the k blocks end) and the conv thresholds (which
 * algorithm runs) do change the last bits; they stay at their defaults unless supplied.
 */
import { ValueError } from '@lec/tensor';
import type { WasmKernels } from '../wasm-kernels.js';

/** GEMM blocking (see the header of assembly/gemm-f32.ts). */
export interface GemmTuning {
  /** Micro-tile rows: 4 (the 4×8 kernel) or 6 (6×8). Does not change results. */
  readonly mr: 4 | 6;
  /** Rows of one packed A block (4–1024; rounded down to a multiple of the tile rows). Does not change results. */
  readonly mc: number;
  /** Most depth of one k block (16–2048). Changes the last bits of results (the k blocks' ends). */
  readonly kc: number;
  /** Columns of one packed B block (8–8192, a multiple of 8). Does not change results. */
  readonly nc: number;
  /** Columns of B packed per sweep when one A block meets a large B (8–8192, a multiple of 8). Does not change results. */
  readonly packGroup: number;
  /**
   * With mr = 6: the 6-row kernel's time per useful flop over the 4-row kernel's, in
   * thousandths (as calibrated); a product whose rows waste more on padding to 6 than that
   * saves then runs the 4-row kernel. 0: always 6 rows. Does not change results.
   */
  readonly mr6Cost: number;
}

/** Thresholds of the conv2d algorithm choice (kernels/conv2d.ts). They change which kernel runs, so the last bits. */
export interface ConvTuning {
  /** Forward (stride 1): the direct/implicit kernels run while Cin ≤ this and Cout ≤ directMaxOutChannels. */
  readonly directMaxInChannels: number;
  readonly directMaxOutChannels: number;
  /** ... or while Cout ≤ directFewOutChannels and Cin ≤ directFewMaxInChannels (an RGB/grey first layer's input gradient). */
  readonly directFewOutChannels: number;
  readonly directFewMaxInChannels: number;
  /** Among those, the implicit-GEMM kernel (else the planar direct one) from this many output channels. */
  readonly implicitMinOutChannels: number;
  /** Filter gradient: the direct kernel while Cin ≤ this and Cout ≤ directFilterMaxOutChannels. */
  readonly directFilterMaxInChannels: number;
  readonly directFilterMaxOutChannels: number;
  /** Filter gradient: the implicit kernel while dW (kh·kw·Cin·Cout floats) is at most this. */
  readonly implicitFilterMaxFloats: number;
  /** One-thread direct forward: floats of x or y per chunk of images copied in and out. */
  readonly directChunkFloats: number;
}

/** Everything the kernels' blocking depends on. */
export interface KernelTuning {
  readonly gemm: GemmTuning;
  readonly conv: ConvTuning;
}

/** A supplied tuning: any subset of the fields; the rest keep their defaults. */
export interface KernelTuningInput {
  readonly gemm?: Partial<GemmTuning>;
  readonly conv?: Partial<ConvTuning>;
}

/** What `wasmBackend({ tuning })` accepts: a configuration (e.g. a saved `info().tuning.config`), or how to choose one. */
export type TuningRequest = KernelTuningInput | 'calibrate' | 'default';

/** One calibration candidate and its measured rate. */
export interface TuningCandidate {
  readonly name: string;
  readonly gemm: GemmTuning;
  /** Best GFLOP/s over the calibration's runs of it. */
  readonly gflops: number;
  /** Timed runs. */
  readonly runs: number;
}

/** What was chosen and why (`info().tuning`). */
export interface TuningReport {
  readonly source: 'calibrated' | 'supplied' | 'default';
  readonly reason: string;
  readonly config: KernelTuning;
  /** Present when a calibration chose the configuration (this backend's, or an earlier one in this process). */
  readonly calibration?: {
    /**
     * Wall time of the calibration: `warmupMs`, then the timed runs. No run starts unless the
     * previous run's time still fits in `budgetMs`, so the runs take at most budgetMs +
     * longestRunMs (on a busy machine one run can be long).
     */
    readonly ms: number;
    /**
     * The first call of each candidate, on a quarter of the product, before the budget starts:
     * V8 compiles the wasm functions on first use and optimises them once their loops have run
     * a while (costs the first products would pay anyway).
     */
    readonly warmupMs: number;
    readonly budgetMs: number;
    /** The longest timed run (the first ones run unoptimised code). */
    readonly longestRunMs: number;
    /** The timed product [m, n, k]. */
    readonly shape: readonly [number, number, number];
    readonly candidates: readonly TuningCandidate[];
    /** Whether this report reuses an earlier calibration of this process. */
    readonly cached: boolean;
  };
}

/** Today's constants: what every build used before tuning, and the fallback. */
export const DEFAULT_KERNEL_TUNING: KernelTuning = Object.freeze({
  gemm: Object.freeze({ mr: 4, mc: 96, kc: 512, nc: 512, packGroup: 64, mr6Cost: 0 }),
  conv: Object.freeze({
    directMaxInChannels: 16,
    directMaxOutChannels: 32,
    directFewOutChannels: 3,
    directFewMaxInChannels: 64,
    implicitMinOutChannels: 8,
    directFilterMaxInChannels: 3,
    directFilterMaxOutChannels: 16,
    implicitFilterMaxFloats: 5120,
    directChunkFloats: 1 << 16,
  }),
});

/** Default bound on the calibration's wall time. */
export const CALIBRATION_BUDGET_MS = 50;

/** A candidate must beat the default's rate by this factor to be chosen (measurement noise). */
const MARGIN = 1.03;

/** Timed runs each candidate needs before the calibration may choose one over the default. */
const MIN_RUNS = 3;

/** The coarsest clock tick the calibration times runs with. */
const MAX_TICK_MS = 0.02;

/** The smallest step of performance.now() seen in a few ticks (at most ~3 ticks of spinning). */
function timerTick(): number {
  let tick = Number.POSITIVE_INFINITY;
  let t = performance.now();
  for (let seen = 0; seen < 3; ) {
    const u = performance.now();
    if (u !== t) {
      tick = Math.min(tick, u - t);
      t = u;
      seen++;
    }
  }
  return tick;
}

/** The calibration product [m, n, k]: m a multiple of 12, so neither kernel pads rows. */
const SHAPE: readonly [number, number, number] = [96, 64, 256];

/** Valid ranges of the integer fields (inclusive), and a required multiple. */
const GEMM_RANGES: Record<Exclude<keyof GemmTuning, 'mr'>, readonly [number, number, number]> = {
  mc: [4, 1024, 1],
  kc: [16, 2048, 1],
  nc: [8, 8192, 8],
  packGroup: [8, 8192, 8],
  mr6Cost: [0, 10000, 1],
};
const CONV_RANGE: readonly [number, number] = [0, 1 << 30];

/** The report of kernels that were never tuned (`loadKernels` alone): the built-in defaults. */
export function defaultTuningReport(reason = 'built-in defaults (kernels not tuned: wasmBackend tunes them)'): TuningReport {
  return { source: 'default', reason, config: DEFAULT_KERNEL_TUNING };
}

/**
 * Checks a supplied tuning and fills the missing fields from the defaults; throws a ValueError
 * naming the first bad field (`tuning.gemm.mc`, ...). Unknown fields are refused too.
 */
export function resolveTuning(input: KernelTuningInput, op = 'wasmBackend'): KernelTuning {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValueError(op, `option 'tuning' must be an object, 'calibrate' or 'default', got ${describe(input)}`);
  for (const key of Object.keys(input))
    if (key !== 'gemm' && key !== 'conv') throw new ValueError(op, `option 'tuning.${key}' is not a tuning field (expected gemm, conv)`);
  const gemm = { ...DEFAULT_KERNEL_TUNING.gemm, ...section(input.gemm, 'gemm', DEFAULT_KERNEL_TUNING.gemm, op) };
  if (gemm.mr !== 4 && gemm.mr !== 6) throw new ValueError(op, `option 'tuning.gemm.mr' must be 4 or 6, got ${describe(gemm.mr)}`);
  for (const [field, [lo, hi, multiple]] of Object.entries(GEMM_RANGES)) {
    const v = gemm[field as keyof typeof GEMM_RANGES];
    if (!Number.isSafeInteger(v) || v < lo || v > hi || v % multiple !== 0)
      throw new ValueError(
        op,
        `option 'tuning.gemm.${field}' must be an integer in [${lo}, ${hi}]${multiple > 1 ? `, a multiple of ${multiple}` : ''}, got ${describe(v)}`,
      );
  }
  const conv = { ...DEFAULT_KERNEL_TUNING.conv, ...section(input.conv, 'conv', DEFAULT_KERNEL_TUNING.conv, op) };
  for (const [field, v] of Object.entries(conv)) {
    if (!Number.isSafeInteger(v) || v < CONV_RANGE[0] || v > CONV_RANGE[1])
      throw new ValueError(op, `option 'tuning.conv.${field}' must be a non-negative integer, got ${describe(v)}`);
  }
  return { gemm: Object.freeze(gemm), conv: Object.freeze(conv) };
}

function section<T extends object>(value: unknown, name: string, defaults: T, op: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValueError(op, `option 'tuning.${name}' must be an object, got ${describe(value)}`);
  for (const key of Object.keys(value))
    if (!(key in defaults))
      throw new ValueError(op, `option 'tuning.${name}.${key}' is not a tuning field (expected ${Object.keys(defaults).join(', ')})`);
  return value as Partial<T>;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** Writes the GEMM fields into the kernels' tuning block (read by every kernel call, on every thread). */
export function writeGemmTuning(kernels: WasmKernels, gemm: GemmTuning): void {
  const block = kernels.arena.i32(kernels.exports.gemm_tuning_block(), 16);
  block.fill(0);
  block.set([gemm.mr, gemm.mc, gemm.kc, gemm.nc, gemm.mr6Cost, gemm.packGroup]);
}

/** Calibrations of this process, by kernel build (the candidates' rates do not depend on the instance). */
const calibrated = new Map<string, TuningReport>();

/**
 * Tunes `kernels` as `request` says (see TuningRequest): writes the tuning block and returns
 * the report (`kernels.tuning` holds it too). Validates a supplied tuning before changing
 * anything. 'calibrate' (the default) reuses this process's earlier calibration of the same
 * build.
 */
export function tuneKernels(kernels: WasmKernels, request: TuningRequest = 'calibrate', budgetMs = CALIBRATION_BUDGET_MS): TuningReport {
  let report: TuningReport;
  if (request === 'default') {
    report = defaultTuningReport('built-in defaults (requested)');
  } else if (request === 'calibrate') {
    const earlier = calibrated.get(kernels.feature);
    if (earlier?.calibration !== undefined) {
      report = { ...earlier, calibration: { ...earlier.calibration, cached: true } };
    } else {
      report = calibrate(kernels, budgetMs);
      calibrated.set(kernels.feature, report);
    }
  } else {
    report = { source: 'supplied', reason: 'supplied by wasmBackend({ tuning })', config: resolveTuning(request) };
  }
  writeGemmTuning(kernels, report.config.gemm);
  return report;
}

/**
 * Times the candidate micro-kernels on one [96, 64, 256] product (small, so the first runs, before V8 optimises the code, cost little), interleaved, until the
 * next run would pass `budgetMs`, and keeps the fastest if it beats the default by 3 %.
 * `now` is the clock (milliseconds); tests pass a deterministic one.
 */
export function calibrate(
  kernels: WasmKernels,
  budgetMs = CALIBRATION_BUDGET_MS,
  now: () => number = () => performance.now(),
): TuningReport {
  const start = now();
  // set after the first calls, which compile the code (a cost the first product pays anyway)
  let deadline = start + budgetMs;
  let warmupMs = 0;
  let longest = 0;
  const tick = timerTick();
  const base = DEFAULT_KERNEL_TUNING.gemm;
  const candidates: { name: string; gemm: GemmTuning; best: number; runs: number }[] = [
    { name: '4x8 (default)', gemm: base, best: 0, runs: 0 },
    { name: '6x8', gemm: { ...base, mr: 6 }, best: 0, runs: 0 },
  ];
  const [m, n, k] = SHAPE;
  const e = kernels.exports;
  const arena = kernels.arena;
  const block = arena.i32(e.gemm_tuning_block(), 16);
  const saved = block.slice();
  const mark = arena.mark();
  try {
    const a = arena.allocF32(m * k);
    const b = arena.allocF32(k * n);
    const c = arena.allocF32(m * n);
    // any finite values run at the same speed (no subnormals); 0.25·0.25·256 stays small
    arena.f32(a, m * k + k * n).fill(0.25);
    // the candidates share mc, kc and nc, and the size does not depend on mr
    writeGemmTuning(kernels, base);
    const work = arena.alloc(e.gemm_f32_workspace_bytes(m, n, k));
    // a first call of each, on a quarter of the product: V8 compiles wasm functions on first
    // use and runs them unoptimised until their loops have run a while (measured here: a tiny
    // first product leaves the first timed run unoptimised, ~30 ms; a quarter does not)
    for (const cand of candidates) {
      writeGemmTuning(kernels, cand.gemm);
      e.gemm_f32(m / 2, n, k / 2, a, k, 0, b, n, 0, c, n, 0, 0, 0, work);
    }
    warmupMs = now() - start;
    deadline = now() + budgetMs;
    let last = 0;
    // a coarse clock (a page that is not cross-origin isolated) cannot time ~0.1 ms runs
    if (tick > MAX_TICK_MS) return finish();
    for (let round = 0; ; round++) {
      for (let i = 0; i < candidates.length; i++) {
        // rotate the order each round, so neither candidate always runs first
        const cand = candidates[(i + round) % candidates.length];
        if (now() + last > deadline) return finish();
        writeGemmTuning(kernels, cand.gemm);
        const t0 = now();
        e.gemm_f32(m, n, k, a, k, 0, b, n, 0, c, n, 0, 0, 0, work);
        last = now() - t0;
        longest = Math.max(longest, last);
        cand.best = Math.max(cand.best, (2 * m * n * k) / Math.max(last, 1e-3) / 1e6);
        cand.runs++;
      }
    }
  } finally {
    arena.release(mark);
    arena.i32(e.gemm_tuning_block(), 16).set(saved);
  }

  function finish(): TuningReport {
    const ms = now() - start;
    const [fallback, ...others] = candidates;
    const runs = Math.min(...candidates.map((cand) => cand.runs));
    let chosen = fallback;
    if (runs >= MIN_RUNS) for (const cand of others) if (cand.best >= MARGIN * Math.max(fallback.best, chosen.best)) chosen = cand;
    const gemm =
      chosen.gemm.mr === 6 ? { ...chosen.gemm, mr6Cost: Math.min(10000, Math.round((1000 * fallback.best) / chosen.best)) } : chosen.gemm;
    const rates = candidates.map((cand) => `${cand.name} ${cand.best.toFixed(1)} GFLOP/s`).join(', ');
    const reason =
      tick > MAX_TICK_MS
        ? `calibration skipped, default kept: the clock ticks every ${tick.toFixed(3)} ms, too coarse to time the runs`
        : runs < MIN_RUNS
          ? `calibration inconclusive, default kept: ${runs} run(s) of a candidate in ${budgetMs} ms, ${MIN_RUNS} needed (a busy machine?) (${rates})`
          : chosen === fallback
            ? `calibrated: no candidate beat the default by ${Math.round((MARGIN - 1) * 100)} % (${rates})`
            : `calibrated: ${chosen.name} fastest (${rates})`;
    return {
      source: 'calibrated',
      reason,
      config: { gemm: Object.freeze(gemm), conv: DEFAULT_KERNEL_TUNING.conv },
      calibration: {
        ms,
        warmupMs,
        budgetMs,
        longestRunMs: longest,
        shape: SHAPE,
        candidates: candidates.map(({ name, gemm: g, best, runs }) => ({ name, gemm: g, gflops: best, runs })),
        cached: false,
      },
    };
  }
}

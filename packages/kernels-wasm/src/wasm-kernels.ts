/**
 * The kernels module's host side: `WasmKernels` holds what every kernel family shares (the
 * build in use, the raw exports, the arena over linear memory, the worker pool) and hands each
 * call to its family module in src/kernels/, which mirrors assembly/: gemm.ts, conv2d.ts,
 * pool.ts, lstm.ts, spmm.ts, each with its own validation and algorithm choice. Each method
 * copies its operands into the arena, runs the kernel and copies the result out into a fresh
 * Float32Array. Inputs are never modified, and may be any Float32Array (subarrays at any offset
 * included).
 */
import type { Conv2dGeometry, Pool2dGeometry } from '@lec/tensor';
import type { Conv2dShape } from './conv2d-shape.js';
import type { FeatureChoice, KernelFeature } from './feature-detection.js';
import * as conv2d from './kernels/conv2d.js';
import * as gemm from './kernels/gemm.js';
import type { GemmOptions, MatmulShape, ResidentF32 } from './kernels/gemm.js';
import type { Activation } from './kernels/shared.js';
import * as lstm from './kernels/lstm.js';
import * as pool from './kernels/pool.js';
import * as spmm from './kernels/spmm.js';
import type { ResidentCsr } from './kernels/spmm.js';
import type { KernelExports } from './kernel-exports.js';
import { defaultTuningReport, tuneKernels, type TuningReport, type TuningRequest } from './kernels/tuning.js';
import { type KernelJob, MAX_CHUNKS, type ThreadPool } from './thread-pool.js';
import type { WasmArena } from './wasm-arena.js';

export type { Activation } from './kernels/shared.js';
export { ResidentF32, type GemmOptions, type MatmulShape } from './kernels/gemm.js';
export { ResidentCsr } from './kernels/spmm.js';

/** How a WasmKernels instance runs on threads. */
export interface ThreadingOptions {
  /** The worker pool; absent on one thread. */
  pool?: ThreadPool;
  /** Threads in use, the calling one included. */
  threads: number;
  /** Why that many, in words. */
  threadsReason: string;
}

/**
 * A kernel is split over threads only when each share is at least this many flops: waking a
 * worker costs 13–66 µs, about a megaflop of work.
 */
export const MIN_FLOPS_PER_THREAD = 1.5e6;

/** Chunks per thread of a dynamically shared kernel (`WasmKernels.chunks`). */
export const CHUNKS_PER_THREAD = 2;

export class WasmKernels {
  /** The build in use. */
  readonly feature: KernelFeature;
  /** Why that build was chosen. */
  readonly reason: string;
  /** Raw kernel exports, for callers that manage arena pointers themselves (benchmarks). */
  readonly exports: KernelExports;
  /** The allocator over linear memory shared by all kernels of this instance. */
  readonly arena: WasmArena;
  /** Threads large kernels are split over (1: no workers). */
  readonly threads: number;
  /** Why `threads` is what it is (e.g. why a request for more fell back to one). */
  readonly threadsReason: string;
  /** @internal The worker pool (absent on one thread). */
  readonly pool: ThreadPool | undefined;

  constructor(
    choice: FeatureChoice,
    exports: KernelExports,
    arena: WasmArena,
    threading: ThreadingOptions = { threads: 1, threadsReason: 'one thread requested' },
  ) {
    this.feature = choice.feature;
    this.reason = choice.reason;
    this.exports = exports;
    this.arena = arena;
    this.pool = threading.pool;
    this.threads = threading.pool === undefined ? 1 : threading.threads;
    this.threadsReason = threading.threadsReason;
  }

  /**
   * Stops the worker threads (if any). The instance still works afterwards, on one thread.
   * @example
   * ```ts
   * const kernels = await loadKernels({ threads: 2 });
   * kernels.dispose(); // the process can exit
   * kernels.gemm(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 1, 2); // Float32Array [11] (now on one thread)
   * ```
   */
  dispose(): void {
    this.pool?.terminate();
    this.#disposed = true;
  }
  #disposed = false;

  /** @internal Into how many shares (1..threads) a kernel of `flops` work should be split. */
  shares(flops: number): number {
    if (this.pool === undefined || this.#disposed) return 1;
    return Math.max(1, Math.min(this.threads, Math.floor(flops / MIN_FLOPS_PER_THREAD)));
  }

  /**
   * @internal Into how many chunks to cut a kernel of `flops` work whose output splits into at
   * most `quanta` independent pieces, for `runChunks`: 1 below the threading threshold, else
   * CHUNKS_PER_THREAD per thread (so a thread on a busy core takes fewer), none under half the
   * threshold's flops.
   */
  chunks(flops: number, quanta: number): number {
    const shares = this.shares(flops);
    if (shares <= 1) return 1;
    const most = Math.floor(flops / (MIN_FLOPS_PER_THREAD / 2));
    return Math.max(1, Math.min(quanta, shares * CHUNKS_PER_THREAD, most, MAX_CHUNKS));
  }

  /**
   * @internal Runs every chunk once, claimed dynamically by the threads (thread-pool.ts
   * `runChunks`); `works[t]` (one per thread that may run, index 0 the calling one) replaces
   * argument `workAt` (−1: none). On one thread, the chunks in order with works[0]. Returns what
   * each chunk's kernel returned (0 for none), in chunk order.
   */
  runChunks(chunks: KernelJob[], workAt = -1, works: readonly number[] = [0]): number[] {
    if (this.pool === undefined || this.#disposed || chunks.length === 1 || works.length === 1) {
      return chunks.map((chunk) => {
        const args = chunk.args.map((a, i) => (i === workAt ? works[0] : a));
        return ((this.exports[chunk.kernel] as (...args: number[]) => unknown)(...args) as number | undefined) ?? 0;
      });
    }
    return this.pool.runChunks(this.exports, chunks, workAt, works);
  }

  /**
   * @internal Runs a kernel over `n` elements as contiguous ranges claimed by the threads
   * (`runChunks`), or whole on one thread below the threshold: `job(begin, count)` is the call
   * for elements [begin, begin + count); ranges start at multiples of 16 elements (whole
   * 64-byte lines for 4-byte elements). `cost` is the work of one element in flop-equivalents
   * (time at the GEMM rate: a memory-bound pass over 28 bytes per element costs ~20). For
   * kernels where each element's result depends on that element alone, so the split changes
   * no bit. Returns each range's kernel result, in order.
   */
  splitRange(n: number, cost: number, job: (begin: number, count: number) => KernelJob): number[] {
    const count = this.chunks(n * cost, Math.ceil(n / 16));
    if (count <= 1) {
      const whole = job(0, n);
      return [((this.exports[whole.kernel] as (...args: number[]) => unknown)(...whole.args) as number | undefined) ?? 0];
    }
    const step = Math.ceil(n / count / 16) * 16;
    const chunks: KernelJob[] = [];
    for (let begin = 0; begin < n; begin += step) chunks.push(job(begin, Math.min(step, n - begin)));
    return this.runChunks(chunks, -1, new Array<number>(Math.min(this.threads, chunks.length)).fill(0));
  }

  /** @internal Runs `jobs` (one per share) on the pool, or the single job inline. */
  run(jobs: KernelJob[]): void {
    if (jobs.length === 1) {
      (this.exports[jobs[0].kernel] as (...args: number[]) => void)(...jobs[0].args);
    } else {
      this.pool!.run(this.exports, jobs);
    }
  }

  /**
   * Which conv2d algorithm to run: 'auto' (default) picks per shape what measured faster
   * (the direct or implicit-GEMM kernels for stride 1, dilation 1 and few channels, else
   * im2col + GEMM); 'im2col', 'direct' or 'implicit' force one where it applies (for tests and
   * benchmarks; 'implicit' runs the implicit forward and filter-gradient kernels).
   */
  convAlgorithm: 'auto' | 'im2col' | 'direct' | 'implicit' = 'auto';
  /** The GEMM blocking and conv thresholds in use, and why (kernels/tuning.ts); `tune` sets it. */
  tuning: TuningReport = defaultTuningReport();
  /**
   * Chooses the blocking: a supplied configuration (validated first: a bad field throws a
   * ValueError naming it, and nothing changes), 'default', or 'calibrate' (the default: at
   * most `budgetMs`, once per process and build). Returns the report, also kept in `tuning`.
   * @example
   * ```ts
   * kernels.tune({ gemm: { mr: 6 } }).source; // 'supplied'
   * kernels.tuning.config.gemm.mr; // 6
   * kernels.tune('default').config.gemm.mr; // 4
   * ```
   */
  tune(request?: TuningRequest, budgetMs?: number): TuningReport {
    this.tuning = tuneKernels(this, request, budgetMs);
    return this.tuning;
  }
  /**
   * gemm on arena pointers (see gemm_f32 in assembly/gemm-f32.ts): allocates the workspace(s)
   * and splits large products over the threads, along n or m (whichever is larger), which
   * leaves each element's summation order, and so the result, unchanged.
   */
  gemmPointers(
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    transA: boolean,
    b: number,
    ldb: number,
    transB: boolean,
    c: number,
    ldc: number,
    bias: number,
    activation: number,
    accumulate: boolean,
    bPacked = false,
  ): void {
    gemm.gemmPointers(this, m, n, k, a, lda, transA, b, ldb, transB, c, ldc, bias, activation, accumulate, bPacked);
  }
  /**
   * `batch` products op(A_t)·op(B_t) (see `MatmulShape`), as the Backend interface's matmul:
   * a is [aBatch, m, k] (or [aBatch, k, m] transposed), b is [bBatch, k, n] (or [bBatch, n, k]).
   * `out`, when given, receives the result (batch·m·n floats) and is returned.
   * @example
   * ```ts
   * const shape = { batch: 1, aBatch: 1, bBatch: 1, m: 1, n: 1, k: 2, transposeA: false, transposeB: false };
   * kernels.matmul(Float32Array.of(1, 2), Float32Array.of(3, 4), shape); // Float32Array [11]
   * ```
   */
  matmul(a: Float32Array | ResidentF32, b: Float32Array | ResidentF32, shape: MatmulShape, out?: Float32Array): Float32Array {
    return gemm.matmul(this, a, b, shape, out);
  }
  /**
   * C[m,n] = op(A)·op(B) (+ bias[n]) then activation; all matrices row-major. op(A) is A
   * stored [m,k], or Aᵀ of A stored [k,m] with `transA`; op(B) is B stored [k,n], or Bᵀ of
   * B stored [n,k] with `transB`.
   * @example
   * ```ts
   * const kernels = await loadKernels();
   * kernels.gemm(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 1, 2); // Float32Array [11]
   * ```
   */
  gemm(
    a: Float32Array | ResidentF32,
    b: Float32Array | ResidentF32,
    m: number,
    n: number,
    k: number,
    options: GemmOptions = {},
  ): Float32Array {
    return gemm.gemm(this, a, b, m, n, k, options);
  }
  /**
   * y = conv2d(x, filter) (+ bias[outChannels]) then activation. x is NHWC
   * [batch, inHeight, inWidth, inChannels], filter [filterHeight, filterWidth, inChannels,
   * outChannels]; y is NHWC [batch, outHeight, outWidth, outChannels]
   * (see `resolveConv2dShape` for the output size).
   * @example
   * ```ts
   * const shape = { batch: 1, inHeight: 2, inWidth: 2, inChannels: 1, filterHeight: 2, filterWidth: 2, outChannels: 1 };
   * kernels.conv2d(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 1, 1, 1), shape); // Float32Array [10]
   * ```
   */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    shape: Conv2dShape | Conv2dGeometry,
    bias?: Float32Array,
    activation?: Activation,
    out?: Float32Array,
  ): Float32Array {
    return conv2d.conv2d(this, x, filter, shape, bias, activation, out);
  }
  /**
   * Gradient of conv2d with respect to its input: dx [batch, inHeight, inWidth, inChannels]
   * from dy [batch, outHeight, outWidth, outChannels] and the filter.
   * @example
   * ```ts
   * const shape = { batch: 1, inHeight: 2, inWidth: 2, inChannels: 1, filterHeight: 2, filterWidth: 2, outChannels: 1 };
   * kernels.conv2dBackpropInput(Float32Array.of(1), Float32Array.of(1, 2, 3, 4), shape); // [1, 2, 3, 4]
   * ```
   */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, shape: Conv2dShape | Conv2dGeometry, out?: Float32Array): Float32Array {
    return conv2d.conv2dBackpropInput(this, dy, filter, shape, out);
  }
  /**
   * Gradient of conv2d with respect to its filter: dW [filterHeight, filterWidth,
   * inChannels, outChannels] from x (NHWC) and dy (NHWC).
   * @example
   * ```ts
   * const shape = { batch: 1, inHeight: 2, inWidth: 2, inChannels: 1, filterHeight: 2, filterWidth: 2, outChannels: 1 };
   * kernels.conv2dBackpropFilter(Float32Array.of(1, 2, 3, 4), Float32Array.of(1), shape); // [1, 2, 3, 4]
   * ```
   */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, shape: Conv2dShape | Conv2dGeometry, out?: Float32Array): Float32Array {
    return conv2d.conv2dBackpropFilter(this, x, dy, shape, out);
  }
  /**
   * Max pooling, NHWC: y [batch, outHeight, outWidth, channels] from x [batch, inHeight,
   * inWidth, channels]; padding never wins, NaN propagates.
   * @example
   * ```ts
   * const g = { batch: 1, inHeight: 2, inWidth: 2, channels: 1, outHeight: 1, outWidth: 1, windowHeight: 2,
   *   windowWidth: 2, strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0 };
   * kernels.maxPool2d(Float32Array.of(1, 4, 2, 3), g); // [4]
   * ```
   */
  maxPool2d(x: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
    return pool.maxPool2d(this, x, g, out);
  }
  /**
   * Gradient of max pooling: dx (the shape of x) with each dy at the first maximum of its
   * window.
   * @example
   * ```ts
   * const g = { batch: 1, inHeight: 2, inWidth: 2, channels: 1, outHeight: 1, outWidth: 1, windowHeight: 2,
   *   windowWidth: 2, strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0 };
   * kernels.maxPool2dBackward(Float32Array.of(5), Float32Array.of(1, 4, 2, 4), g); // [0, 5, 0, 0]
   * ```
   */
  maxPool2dBackward(dy: Float32Array, x: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
    return pool.maxPool2dBackward(this, dy, x, g, out);
  }
  /**
   * Average pooling, NHWC, padding excluded from the count.
   * @example
   * ```ts
   * const g = { batch: 1, inHeight: 2, inWidth: 2, channels: 1, outHeight: 1, outWidth: 1, windowHeight: 2,
   *   windowWidth: 2, strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0 };
   * kernels.avgPool2d(Float32Array.of(1, 4, 2, 3), g); // [2.5]
   * ```
   */
  avgPool2d(x: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
    return pool.avgPool2d(this, x, g, out);
  }
  /**
   * Gradient of average pooling: dy / count spread over each window's real inputs.
   * @example
   * ```ts
   * const g = { batch: 1, inHeight: 2, inWidth: 2, channels: 1, outHeight: 1, outWidth: 1, windowHeight: 2,
   *   windowWidth: 2, strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0 };
   * kernels.avgPool2dBackward(Float32Array.of(4), g); // [1, 1, 1, 1]
   * ```
   */
  avgPool2dBackward(dy: Float32Array, g: Pool2dGeometry, out?: Float32Array): Float32Array {
    return pool.avgPool2dBackward(this, dy, g, out);
  }
  /**
   * A whole LSTM recurrence (the Backend interface's lstmSequence): projected [batch, steps,
   * 4H] (gate blocks i, f, C̃, o), weightHh [H, 4H], h0 and c0 [batch, H]. Each step is one
   * gemm (z_t += h_{t−1}·W_hh, accumulated in place into the step's rows of the projection)
   * and one lstm_step_forward_f32; nothing is copied between steps. `saved` (layout in
   * `lstmSequenceLayout`) is what lstmSequenceBackward needs.
   * @example
   * ```ts
   * const r = kernels.lstmSequence(new Float32Array(8), new Float32Array(4), Float32Array.of(0), Float32Array.of(1), 1, 2, 1);
   * [r.h[0], r.c[0]]; // [0.1224593, 0.25]
   * ```
   */
  lstmSequence(
    projected: Float32Array,
    weightHh: Float32Array,
    h0: Float32Array,
    c0: Float32Array,
    batch: number,
    steps: number,
    hidden: number,
  ): { sequence: Float32Array; h: Float32Array; c: Float32Array; saved: Float32Array } {
    return lstm.lstmSequence(this, projected, weightHh, h0, c0, batch, steps, hidden);
  }
  /**
   * Backpropagation through time for `lstmSequence`, from its `saved` buffer: per step (last
   * first) one lstm_step_backward_f32 and one gemm (dh_{t−1} = dz_t·W_hhᵀ); then the
   * recurrent weights' gradient as one product over every step, Σ_t h_{t−1}ᵀ·dz_t.
   * dSequence [batch, steps, H], dh and dc [batch, H] may be null (zeros).
   */
  lstmSequenceBackward(
    saved: Float32Array,
    weightHh: Float32Array,
    dSequence: Float32Array | null,
    dh: Float32Array | null,
    dc: Float32Array | null,
    batch: number,
    steps: number,
    hidden: number,
  ): { dProjected: Float32Array; dWeightHh: Float32Array; dh0: Float32Array; dc0: Float32Array } {
    return lstm.lstmSequenceBackward(this, saved, weightHh, dSequence, dh, dc, batch, steps, hidden);
  }
  /**
   * Sparse × dense: CSR A [rows, cols] (rowPtr [rows+1] and colIdx [nnz] int32, values [nnz])
   * times dense [cols, n] → [rows, n]. The structure must be valid (indices in range, rowPtr
   * non-decreasing from 0 to nnz); it is checked. A matrix used for many products is better
   * made resident once (`residentCsr`, then `spmmResident`): no check and no copy per call.
   * `out`, when given, receives the result (rows·n floats) and is returned.
   * @example
   * ```ts
   * const [rowPtr, colIdx, values] = [Int32Array.of(0, 1, 2), Int32Array.of(1, 0), Float32Array.of(2, 3)]; // [[0, 2], [3, 0]]
   * kernels.spmm(rowPtr, colIdx, values, 2, 2, Float32Array.of(1, 1, 10, 10), 2); // [20, 20, 3, 3]
   * ```
   */
  spmm(
    rowPtr: Int32Array,
    colIdx: Int32Array,
    values: Float32Array,
    rows: number,
    cols: number,
    dense: Float32Array,
    n: number,
    out?: Float32Array,
  ): Float32Array {
    return spmm.spmm(this, rowPtr, colIdx, values, rows, cols, dense, n, out);
  }
  /**
   * Checks a CSR matrix (as `spmm` does) and copies it into resident arena memory, for any
   * number of `spmmResident` calls without a check or a copy each. The copy is independent
   * of the arrays passed in. Free it with `dispose()`; only between kernel calls.
   * @example
   * ```ts
   * const a = kernels.residentCsr(Int32Array.of(0, 1, 2), Int32Array.of(1, 0), Float32Array.of(2, 3), 2, 2);
   * kernels.spmmResident(a, Float32Array.of(1, 1, 10, 10), 2); // [20, 20, 3, 3]
   * a.dispose();
   * ```
   */
  residentCsr(rowPtr: Int32Array, colIdx: Int32Array, values: Float32Array, rows: number, cols: number): ResidentCsr {
    return spmm.residentCsr(this, rowPtr, colIdx, values, rows, cols);
  }
  /**
   * Copies `values` into resident arena memory (see `WasmArena.allocResident`), to pass as an
   * operand of `gemm` or `matmul` any number of times without copying it in again (a weight
   * used by every forward and backward product). The copy is independent of `values`; free
   * it with `dispose()`, only between kernel calls.
   * @example
   * ```ts
   * const w = kernels.residentF32(Float32Array.of(3, 4));
   * kernels.gemm(Float32Array.of(1, 2), w, 1, 1, 2); // [11]
   * w.dispose();
   * ```
   */
  residentF32(values: Float32Array): ResidentF32 {
    return gemm.residentF32(this, values);
  }
  /**
   * As `residentF32` for an operand used as op(B) [k,n] (B stored [k,n], or [n,k] when
   * `transB`): the copy is packed once into the panels the gemm micro-kernel reads, so a
   * product with it packs nothing per call. Only `gemm`/`matmul` as b with the same k, n and
   * transB take it (anything else throws).
   * @example
   * ```ts
   * const w = kernels.residentPackedB(Float32Array.of(3, 4), 2, 1, false);
   * kernels.gemm(Float32Array.of(1, 2), w, 1, 1, 2); // [11]
   * w.dispose();
   * ```
   */
  residentPackedB(values: Float32Array, k: number, n: number, transB: boolean): ResidentF32 {
    return gemm.residentPackedB(this, values, k, n, transB);
  }
  /**
   * `spmm` with a resident matrix (see `residentCsr`): only `dense` is copied in.
   * @throws Error when `a` was disposed or belongs to another instance.
   */
  spmmResident(a: ResidentCsr, dense: Float32Array, n: number, out?: Float32Array): Float32Array {
    return spmm.spmmResident(this, a, dense, n, out);
  }
}

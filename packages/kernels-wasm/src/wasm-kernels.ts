/**
 * Typed host functions over the kernels module: each copies its operands into the arena,
 * runs the kernel and copies the result out into a fresh Float32Array. Inputs are never
 * modified, and may be any Float32Array (subarrays at any offset included).
 */
import { conv2dGeometryBlock, resolveConv2dShape, type Conv2dShape, type ResolvedConv2dShape } from './conv2d-shape.js';
import type { FeatureChoice, KernelFeature } from './feature-detection.js';
import type { KernelExports } from './kernel-exports.js';
import type { WasmArena } from './wasm-arena.js';
import type { KernelJob, ThreadPool } from './thread-pool.js';
import type { Pool2dGeometry } from '@lec/tensor';

/** How a WasmKernels instance runs on threads. */
export interface ThreadingOptions {
  /** The worker pool; absent on one thread. */
  pool?: ThreadPool;
  /** Threads in use, the calling one included. */
  threads: number;
  /** Why that many, in words. */
  threadsReason: string;
}

/** Batched product shape, as in the Backend interface's `matmul`. */
export interface MatmulShape {
  batch: number;
  /** 1 (shared by every product) or `batch`. */
  aBatch: number;
  /** 1 (shared by every product) or `batch`. */
  bBatch: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * A kernel is split over threads only when each share is at least this many flops: waking a
 * worker costs 13–66 µs, about a megaflop of work.
 */
export const MIN_FLOPS_PER_THREAD = 1.5e6;

/** Floats of x or y per chunk of images in the one-thread direct/implicit conv2d forward (256 KiB). */
const DIRECT_CHUNK_FLOATS = 1 << 16;

/** Activations fused into gemm and conv2d. relu is max(x, 0) and keeps NaN. */
export type Activation = 'none' | 'relu' | 'sigmoid' | 'tanh';

const ACTIVATION_CODES: Record<Activation, number> = { none: 0, relu: 1, sigmoid: 2, tanh: 3 };

/** Options of `WasmKernels.gemm`. */
export interface GemmOptions {
  /** A is stored [k, m] and used transposed. */
  transA?: boolean;
  /** B is stored [n, k] and used transposed. */
  transB?: boolean;
  /** bias[n], added to every row. */
  bias?: Float32Array;
  activation?: Activation;
  /** Receives the result (m·n floats) and is returned; default a fresh array. */
  out?: Float32Array;
}

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
  readonly #pool: ThreadPool | undefined;

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
    this.#pool = threading.pool;
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
    this.#pool?.terminate();
    this.#disposed = true;
  }
  #disposed = false;

  /** Into how many shares (1..threads) a kernel of `flops` work should be split. */
  #shares(flops: number): number {
    if (this.#pool === undefined || this.#disposed) return 1;
    return Math.max(1, Math.min(this.threads, Math.floor(flops / MIN_FLOPS_PER_THREAD)));
  }

  /** Runs `jobs` (one per share) on the pool, or the single job inline. */
  #run(jobs: KernelJob[]): void {
    if (jobs.length === 1) {
      (this.exports[jobs[0].kernel] as (...args: number[]) => void)(...jobs[0].args);
    } else {
      this.#pool!.run(this.exports, jobs);
    }
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
    if (m === 0 || n === 0) return;
    const e = this.exports;
    // b packed by gemm_f32_pack_b (ldb unused): panels of NR = 8 columns over all of k
    const job = (mm: number, nn: number, aa: number, bb: number, cc: number, bs: number, work: number): KernelJob =>
      bPacked
        ? { kernel: 'gemm_f32_packed_b', args: [mm, nn, k, aa, lda, +transA, bb, cc, ldc, bs, activation, +accumulate, work] }
        : { kernel: 'gemm_f32', args: [mm, nn, k, aa, lda, +transA, bb, ldb, +transB, cc, ldc, bs, activation, +accumulate, work] };
    const arena = this.arena;
    let shares = this.#shares(2 * m * n * k);
    const alongN = n >= m;
    const quantum = alongN ? 8 : 4;
    const extent = alongN ? n : m;
    shares = Math.min(shares, Math.ceil(extent / quantum));
    if (shares <= 1) {
      const mark = arena.mark();
      try {
        const work = arena.alloc(e.gemm_f32_workspace_bytes(m, n, k));
        if (bPacked) e.gemm_f32_packed_b(m, n, k, a, lda, +transA, b, c, ldc, bias, activation, +accumulate, work);
        else e.gemm_f32(m, n, k, a, lda, +transA, b, ldb, +transB, c, ldc, bias, activation, +accumulate, work);
      } finally {
        arena.release(mark);
      }
      return;
    }
    const step = Math.ceil(extent / shares / quantum) * quantum;
    const jobs: KernelJob[] = [];
    const mark = arena.mark();
    try {
      for (let begin = 0; begin < extent; begin += step) {
        const size = Math.min(step, extent - begin);
        if (alongN) {
          const work = arena.alloc(e.gemm_f32_workspace_bytes(m, size, k));
          // begin is a multiple of 8: a whole number of packed panels
          const bSub = b + (bPacked ? begin * k : transB ? begin * ldb : begin) * 4;
          jobs.push(job(m, size, a, bSub, c + begin * 4, bias === 0 ? 0 : bias + begin * 4, work));
        } else {
          const work = arena.alloc(e.gemm_f32_workspace_bytes(size, n, k));
          const aSub = a + (transA ? begin : begin * lda) * 4;
          jobs.push(job(size, n, aSub, b, c + begin * ldc * 4, bias, work));
        }
      }
      this.#run(jobs);
    } finally {
      arena.release(mark);
    }
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
    const { batch, aBatch, bBatch, m, n, k, transposeA, transposeB } = shape;
    for (const [name, value] of Object.entries({ batch, aBatch, bBatch, m, n, k })) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`matmul: ${name} must be a non-negative integer, got ${value}`);
    }
    if ((aBatch !== 1 && aBatch !== batch) || (bBatch !== 1 && bBatch !== batch)) {
      throw new RangeError(`matmul: aBatch and bBatch must be 1 or batch=${batch}, got ${aBatch} and ${bBatch}`);
    }
    expectOperand('matmul', 'a', a, aBatch * m * k, `[${aBatch}, ${transposeA ? `${k}, ${m}` : `${m}, ${k}`}]`, this.arena);
    expectOperand('matmul', 'b', b, bBatch * k * n, `[${bBatch}, ${transposeB ? `${n}, ${k}` : `${k}, ${n}`}]`, this.arena);
    const bPacked = expectPacking('matmul', a, b, k, n, transposeB);
    if (bPacked && bBatch !== 1)
      throw new RangeError(`matmul: a packed b must be shared by the batch (bBatch = 1), got bBatch = ${bBatch}`);
    const result = outputArray('matmul', out, batch * m * n);
    if (result.length === 0) return result;
    const arena = this.arena;
    const mark = arena.mark();
    try {
      const pa = operandPointer(arena, a);
      const pb = operandPointer(arena, b);
      const pc = arena.allocF32(result.length);
      for (let t = 0; t < batch; t++) {
        const at = pa + (aBatch === 1 ? 0 : t * m * k) * 4;
        const bt = pb + (bBatch === 1 ? 0 : t * k * n) * 4;
        this.gemmPointers(
          m,
          n,
          k,
          at,
          transposeA ? m : k,
          transposeA,
          bt,
          transposeB ? k : n,
          transposeB,
          pc + t * m * n * 4,
          n,
          0,
          0,
          false,
          bPacked,
        );
      }
      result.set(arena.f32(pc, result.length));
      return result;
    } finally {
      arena.release(mark);
    }
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
    for (const [name, value] of Object.entries({ m, n, k })) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`gemm: ${name} must be a non-negative integer, got ${value}`);
    }
    const transA = options.transA ?? false;
    const transB = options.transB ?? false;
    expectOperand('gemm', 'a', a, m * k, transA ? `[k=${k}, m=${m}]` : `[m=${m}, k=${k}]`, this.arena);
    expectOperand('gemm', 'b', b, k * n, transB ? `[n=${n}, k=${k}]` : `[k=${k}, n=${n}]`, this.arena);
    const bPacked = expectPacking('gemm', a, b, k, n, transB);
    if (options.bias !== undefined) expectLength('gemm', 'bias', options.bias, n, `[n=${n}]`);
    const activation = activationCode('gemm', options.activation);
    const out = outputArray('gemm', options.out, m * n);
    if (out.length === 0) return out;
    const arena = this.arena;
    const mark = arena.mark();
    try {
      const pa = operandPointer(arena, a);
      const pb = operandPointer(arena, b);
      const pbias = options.bias === undefined ? 0 : arena.allocF32(n, options.bias);
      const pc = arena.allocF32(m * n);
      this.gemmPointers(m, n, k, pa, transA ? m : k, transA, pb, transB ? k : n, transB, pc, n, pbias, activation, false, bPacked);
      out.set(arena.f32(pc, m * n));
      return out;
    } finally {
      arena.release(mark);
    }
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
    shape: Conv2dShape,
    bias?: Float32Array,
    activation?: Activation,
    out?: Float32Array,
  ): Float32Array {
    const s = resolveConv2dShape(shape, 'conv2d');
    expectLength('conv2d', 'x', x, inputSize(s), `NHWC [${s.batch}, ${s.inHeight}, ${s.inWidth}, ${s.inChannels}]`);
    expectLength('conv2d', 'filter', filter, filterSize(s), `[${s.filterHeight}, ${s.filterWidth}, ${s.inChannels}, ${s.outChannels}]`);
    if (bias !== undefined) expectLength('conv2d', 'bias', bias, s.outChannels, `[${s.outChannels}]`);
    const code = activationCode('conv2d', activation);
    if (out !== undefined)
      expectLength('conv2d', 'out', out, outputSize(s), `NHWC [${s.batch}, ${s.outHeight}, ${s.outWidth}, ${s.outChannels}]`);
    if (this.#useDirect(s, 'forward')) return this.#directForward(s, x, filter, bias, code, out);
    return this.#runConv(s, outputSize(s), out, (geometry, work, alloc) => {
      const px = alloc(x);
      const pw = alloc(filter);
      const pbias = bias === undefined ? 0 : alloc(bias);
      const py = alloc(outputSize(s));
      const jobs = this.#rowShares(s, 1).map(([r0, r1]) => ({
        kernel: 'conv2d_forward_rows_f32_nhwc' as const,
        args: [geometry, px, pw, pbias, code, py, work(), r0, r1],
      }));
      this.#run(jobs);
      return py;
    });
  }

  /**
   * Which conv2d algorithm to run: 'auto' (default) picks per shape what measured faster
   * (the direct or implicit-GEMM kernels for stride 1, dilation 1 and few channels, else
   * im2col + GEMM); 'im2col', 'direct' or 'implicit' force one where it applies (for tests and
   * benchmarks; 'implicit' runs the implicit forward and filter-gradient kernels).
   */
  convAlgorithm: 'auto' | 'im2col' | 'direct' | 'implicit' = 'auto';

  /** Whether the direct kernel runs this pass of this shape. */
  #useDirect(s: ResolvedConv2dShape, pass: 'forward' | 'filter'): boolean {
    const eligible = s.strides[0] === 1 && s.strides[1] === 1 && s.dilations[0] === 1 && s.dilations[1] === 1;
    if (!eligible || this.feature === 'scalar' || this.convAlgorithm === 'im2col') return false;
    if (this.convAlgorithm === 'direct' || this.convAlgorithm === 'implicit') return true;
    // Measured (scripts/measure.mjs): direct wins while im2col's K = kh·kw·Cin rows are short and
    // the GEMM is narrow (Cout ≤ 32), and for ≤ 3 output channels (the input gradient of an
    // RGB or grey first layer, e.g. 32→3 channels: 28 against 22 GFLOP/s); the filter gradient
    // only for 1–3 input channels and ≤ 16 output channels (3→32 ran 22 against im2col's 27).
    if (pass === 'forward') return (s.inChannels <= 16 && s.outChannels <= 32) || (s.outChannels <= 3 && s.inChannels <= 64);
    return s.inChannels <= 3 && s.outChannels <= 16;
  }

  /**
   * Which of the two stride-1 forward kernels #directForward runs: the implicit GEMM (channels
   * in the lanes, 4 pixels × 8 channels per tile) or the planar direct kernel (pixels in the
   * lanes, 3 channels per block), by what measured faster (scripts/measure.mjs).
   */
  #useImplicit(s: ResolvedConv2dShape): boolean {
    if (this.convAlgorithm === 'implicit') return true;
    if (this.convAlgorithm === 'direct') return false;
    return s.outChannels >= 8;
  }

  /**
   * Whether the filter gradient runs the implicit-GEMM kernel (dW = colᵀ·dy without building
   * col, 4 taps × 8 output channels per tile) rather than the planar direct kernel or im2col +
   * GEMM: stride 1, dilation 1, SIMD, and where it measured faster. Measured (one thread,
   * against im2col): it wins while dW is small (K·Cout ≤ 5120 floats, so its accumulators stay
   * in L1 across images: 14×14×6→16 5×5 1.22 against 1.83 ms, 32×32×3→32 3×3 1.63 against
   * 2.14, 28×28×16→32 3×3 2.41 against 2.61) and loses beyond (28×28×16→64 3×3 5.4 against
   * 4.8) and on tiny outputs (5×5×16→120 5×5 valid, one pixel: 0.61 against 0.15 ms). It
   * splits threads by images, so it also needs as many images as im2col would use threads.
   */
  #useImplicitFilter(s: ResolvedConv2dShape): boolean {
    const eligible = s.strides[0] === 1 && s.strides[1] === 1 && s.dilations[0] === 1 && s.dilations[1] === 1;
    if (!eligible || this.feature === 'scalar' || this.convAlgorithm === 'im2col' || this.convAlgorithm === 'direct') return false;
    if (this.convAlgorithm === 'implicit') return true;
    const dwFloats = s.filterHeight * s.filterWidth * s.inChannels * s.outChannels;
    return (
      s.outChannels % 8 === 0 &&
      dwFloats <= 5120 &&
      s.outHeight * s.outWidth >= 16 &&
      !this.#useDirect(s, 'filter') &&
      this.#imageShares(s).length >= this.#rowShares(s, 1).length
    );
  }

  /** Forward pass with the direct or implicit-GEMM kernel, split over threads by images. */
  #directForward(
    s: ResolvedConv2dShape,
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | undefined,
    code: number,
    out?: Float32Array,
  ): Float32Array {
    const implicit = this.#useImplicit(s);
    if (this.#imageShares(s).length === 1) return this.#directForwardChunked(s, x, filter, bias, code, implicit, out);
    return this.#runConv(s, outputSize(s), out, (geometry, _work, alloc) => {
      const px = alloc(x);
      const pw = alloc(filter);
      const pbias = bias === undefined ? 0 : alloc(bias);
      const py = alloc(outputSize(s));
      const e = this.exports;
      const jobs = this.#imageShares(s).map(([n0, n1]) => ({
        kernel: implicit ? ('conv2d_implicit_forward_f32_nhwc' as const) : ('conv2d_direct_forward_f32_nhwc' as const),
        args: [
          geometry,
          px,
          pw,
          pbias,
          code,
          py,
          this.arena.alloc(implicit ? e.conv2d_implicit_workspace_bytes(geometry) : e.conv2d_direct_workspace_bytes(geometry)),
          n0,
          n1,
        ],
      }));
      this.#run(jobs);
      return py;
    });
  }

  /**
   * #directForward on one thread, a few images at a time: each chunk of x is copied in, run,
   * and its y copied out while still in cache (the copies of a whole batch cost a third of the
   * time on shapes with few input channels, whose output is large next to the work).
   */
  #directForwardChunked(
    s: ResolvedConv2dShape,
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | undefined,
    code: number,
    implicit: boolean,
    into?: Float32Array,
  ): Float32Array {
    // `into` (a recycled array of the output's length) is overwritten in full, chunk by chunk
    const out = into ?? new Float32Array(outputSize(s));
    if (out.length === 0) return out;
    const arena = this.arena;
    const e = this.exports;
    const mark = arena.mark();
    try {
      const block = conv2dGeometryBlock(s);
      const geometry = arena.alloc(block.byteLength);
      arena.i32(geometry, block.length).set(block);
      const pw = arena.allocF32(filter.length, filter);
      const pbias = bias === undefined ? 0 : arena.allocF32(bias.length, bias);
      const imageIn = s.inHeight * s.inWidth * s.inChannels;
      const imageOut = s.outHeight * s.outWidth * s.outChannels;
      const count = Math.min(s.batch, Math.max(1, Math.floor(DIRECT_CHUNK_FLOATS / Math.max(imageIn, imageOut, 1))));
      const px = arena.allocF32(count * imageIn);
      const py = arena.allocF32(count * imageOut);
      const work = arena.alloc(implicit ? e.conv2d_implicit_workspace_bytes(geometry) : e.conv2d_direct_workspace_bytes(geometry));
      const kernel = implicit ? e.conv2d_implicit_forward_f32_nhwc : e.conv2d_direct_forward_f32_nhwc;
      for (let n0 = 0; n0 < s.batch; n0 += count) {
        const images = Math.min(count, s.batch - n0);
        arena.f32(px, images * imageIn).set(x.subarray(n0 * imageIn, (n0 + images) * imageIn));
        kernel(geometry, px, pw, pbias, code, py, work, 0, images);
        out.set(arena.f32(py, images * imageOut), n0 * imageOut);
      }
      return out;
    } finally {
      arena.release(mark);
    }
  }

  /** One range of images per share (at least one image each). */
  #imageShares(s: ResolvedConv2dShape): [number, number][] {
    const flops = 2 * s.batch * s.outHeight * s.outWidth * s.filterHeight * s.filterWidth * s.inChannels * s.outChannels;
    const shares = Math.max(1, Math.min(this.#shares(flops), s.batch));
    const step = Math.max(1, Math.ceil(s.batch / shares));
    const out: [number, number][] = [];
    for (let n0 = 0; n0 < s.batch || out.length === 0; n0 += step) out.push([n0, Math.min(s.batch, n0 + step)]);
    return out;
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
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, shape: Conv2dShape, out?: Float32Array): Float32Array {
    const s = resolveConv2dShape(shape, 'conv2dBackpropInput');
    if (out !== undefined)
      expectLength('conv2dBackpropInput', 'out', out, inputSize(s), `NHWC [${s.batch}, ${s.inHeight}, ${s.inWidth}, ${s.inChannels}]`);
    expectLength('conv2dBackpropInput', 'dy', dy, outputSize(s), `NHWC [${s.batch}, ${s.outHeight}, ${s.outWidth}, ${s.outChannels}]`);
    expectLength(
      'conv2dBackpropInput',
      'filter',
      filter,
      filterSize(s),
      `[${s.filterHeight}, ${s.filterWidth}, ${s.inChannels}, ${s.outChannels}]`,
    );
    const size = inputSize(s);
    const [kh, kw] = [s.filterHeight, s.filterWidth];
    const rotatedPads = [kh - 1 - s.pads[0], kw - 1 - s.pads[1], kh - 1 - s.pads[2], kw - 1 - s.pads[3]] as const;
    if (rotatedPads.every((p) => p >= 0) && size > 0) {
      // dx is the forward conv of dy (padded by k − 1 − pad) with the filter turned 180° and
      // its channel axes swapped: run it on the direct kernel where that one is faster.
      const r = resolveConv2dShape({
        batch: s.batch,
        inHeight: s.outHeight,
        inWidth: s.outWidth,
        inChannels: s.outChannels,
        filterHeight: kh,
        filterWidth: kw,
        outChannels: s.inChannels,
        pads: rotatedPads,
        strides: s.strides,
        dilations: s.dilations,
      });
      // Finite weights only: the rotated form multiplies them by dy's zero padding, and
      // 0·∞ would be NaN where the true gradient has no such term.
      if (r.outHeight === s.inHeight && r.outWidth === s.inWidth && this.#useDirect(r, 'forward') && allFinite(filter)) {
        const rotated = new Float32Array(filter.length);
        const [cin, cout] = [s.inChannels, s.outChannels];
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const src = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * cin * cout;
            const dst = (ky * kw + kx) * cout * cin;
            for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++) rotated[dst + co * cin + ci] = filter[src + ci * cout + co];
          }
        return this.#directForward(r, dy, rotated, undefined, 0, out);
      }
    }
    return this.#runConv(s, size, out, (geometry, work, alloc) => {
      const pdy = alloc(dy);
      const pw = alloc(filter);
      const pointwise =
        s.filterHeight === 1 && s.filterWidth === 1 && s.strides[0] === 1 && s.strides[1] === 1 && s.pads.every((p) => p === 0);
      const imageRows = s.outHeight * s.outWidth;
      const shares = this.#rowShares(s, pointwise ? 1 : imageRows);
      // Shares that cut an image in two scatter into overlapping parts of dx: every share after
      // the first gets its own zeroed buffer, added up afterwards.
      const disjoint = pointwise || shares.every(([r0]) => r0 % imageRows === 0);
      const targets: number[] = [];
      for (let i = 0; i < shares.length; i++) {
        if (i === 0 || !disjoint) {
          const p = alloc(size);
          this.arena.f32(p, size).fill(0);
          targets.push(p);
        } else {
          targets.push(targets[0]);
        }
      }
      this.#run(
        shares.map(([r0, r1], i) => ({
          kernel: 'conv2d_backprop_input_rows_f32_nhwc' as const,
          args: [geometry, pdy, pw, targets[i], work(), r0, r1],
        })),
      );
      if (!disjoint) this.#sumInto(targets, size);
      return targets[0];
    });
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
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, shape: Conv2dShape, out?: Float32Array): Float32Array {
    const s = resolveConv2dShape(shape, 'conv2dBackpropFilter');
    if (out !== undefined)
      expectLength(
        'conv2dBackpropFilter',
        'out',
        out,
        filterSize(s),
        `[${s.filterHeight}, ${s.filterWidth}, ${s.inChannels}, ${s.outChannels}]`,
      );
    expectLength('conv2dBackpropFilter', 'x', x, inputSize(s), `NHWC [${s.batch}, ${s.inHeight}, ${s.inWidth}, ${s.inChannels}]`);
    expectLength('conv2dBackpropFilter', 'dy', dy, outputSize(s), `NHWC [${s.batch}, ${s.outHeight}, ${s.outWidth}, ${s.outChannels}]`);
    const size = filterSize(s);
    const direct = this.#useDirect(s, 'filter');
    const implicit = this.#useImplicitFilter(s);
    return this.#runConv(s, size, out, (geometry, work, alloc) => {
      const px = alloc(x);
      const pdy = alloc(dy);
      // Per-image kernels: the implicit one, or the direct one for finite x only (checked in
      // wasm on the arena copy: it multiplies x by the zero dy of the thrown-away pixels, and
      // 0·∞ is NaN). Each share of images sums into its own dW, added up afterwards.
      const e = this.exports;
      const imageKernel = implicit
        ? ('conv2d_implicit_backprop_filter_f32_nhwc' as const)
        : direct && e.all_finite_f32(px, x.length) === 1
          ? ('conv2d_direct_backprop_filter_f32_nhwc' as const)
          : undefined;
      if (imageKernel !== undefined) {
        const workBytes = implicit ? e.conv2d_implicit_filter_workspace_bytes(geometry) : e.conv2d_direct_workspace_bytes(geometry);
        const shares = this.#imageShares(s);
        const targets = shares.map(() => alloc(size));
        this.#run(
          shares.map(([n0, n1], i) => ({
            kernel: imageKernel,
            args: [geometry, px, pdy, targets[i], this.arena.alloc(workBytes), n0, n1, 0],
          })),
        );
        this.#sumInto(targets, size);
        return targets[0];
      }
      const shares = this.#rowShares(s, 1);
      const targets = shares.map(() => alloc(size));
      this.#run(
        shares.map(([r0, r1], i) => ({
          kernel: 'conv2d_backprop_filter_rows_f32_nhwc' as const,
          args: [geometry, px, pdy, targets[i], work(), r0, r1, 0],
        })),
      );
      this.#sumInto(targets, size);
      return targets[0];
    });
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
  maxPool2d(x: Float32Array, g: Pool2dGeometry): Float32Array {
    expectLength('maxPool2d', 'x', x, poolInputSize(g), poolInputShape(g));
    return this.#runPool(g, poolOutputSize(g), (geometry, alloc) => {
      const px = alloc(x);
      const py = alloc(poolOutputSize(g));
      this.exports.max_pool2d_f32_nhwc(geometry, px, py);
      return py;
    });
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
  maxPool2dBackward(dy: Float32Array, x: Float32Array, g: Pool2dGeometry): Float32Array {
    expectLength('maxPool2dBackward', 'dy', dy, poolOutputSize(g), `NHWC [${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.channels}]`);
    expectLength('maxPool2dBackward', 'x', x, poolInputSize(g), poolInputShape(g));
    return this.#runPool(g, poolInputSize(g), (geometry, alloc) => {
      const pdy = alloc(dy);
      const px = alloc(x);
      const pdx = alloc(poolInputSize(g));
      this.exports.max_pool2d_backward_f32_nhwc(geometry, pdy, px, pdx);
      return pdx;
    });
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
  avgPool2d(x: Float32Array, g: Pool2dGeometry): Float32Array {
    expectLength('avgPool2d', 'x', x, poolInputSize(g), poolInputShape(g));
    return this.#runPool(g, poolOutputSize(g), (geometry, alloc) => {
      const px = alloc(x);
      const py = alloc(poolOutputSize(g));
      this.exports.avg_pool2d_f32_nhwc(geometry, px, py);
      return py;
    });
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
  avgPool2dBackward(dy: Float32Array, g: Pool2dGeometry): Float32Array {
    expectLength('avgPool2dBackward', 'dy', dy, poolOutputSize(g), `NHWC [${g.batch}, ${g.outHeight}, ${g.outWidth}, ${g.channels}]`);
    return this.#runPool(g, poolInputSize(g), (geometry, alloc) => {
      const pdy = alloc(dy);
      const pdx = alloc(poolInputSize(g));
      this.exports.avg_pool2d_backward_f32_nhwc(geometry, pdy, pdx);
      return pdx;
    });
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
    const [B, T, H, G] = [batch, steps, hidden, 4 * hidden];
    expectLength('lstmSequence', 'projected', projected, B * T * G, `[${B}, ${T}, ${G}]`);
    expectLength('lstmSequence', 'weightHh', weightHh, H * G, `[${H}, ${G}]`);
    expectLength('lstmSequence', 'h0', h0, B * H, `[${B}, ${H}]`);
    expectLength('lstmSequence', 'c0', c0, B * H, `[${B}, ${H}]`);
    const L = lstmSequenceLayout(B, T, H);
    const arena = this.arena;
    const mark = arena.mark();
    try {
      const ps = arena.allocF32(L.size);
      arena.f32(ps, B * T * G).set(projected);
      arena.f32(ps + L.hs * 4, B * H).set(h0);
      arena.f32(ps + L.cs * 4, B * H).set(c0);
      const pw = arena.allocF32(H * G, weightHh);
      const pseq = arena.allocF32(B * T * H);
      const e = this.exports;
      for (let t = 0; t < T; t++) {
        const z = ps + t * G * 4;
        const hPrev = ps + (L.hs + t * B * H) * 4;
        const cPrev = ps + (L.cs + t * B * H) * 4;
        this.gemmPointers(B, G, H, hPrev, H, false, pw, G, false, z, T * G, 0, 0, true);
        e.lstm_step_forward_f32(
          B,
          H,
          z,
          T * G,
          cPrev,
          cPrev + B * H * 4,
          ps + (L.tanhC + t * B * H) * 4,
          hPrev + B * H * 4,
          pseq + t * H * 4,
          T * H,
        );
      }
      const saved = arena.f32(ps, L.size).slice();
      return {
        sequence: arena.f32(pseq, B * T * H).slice(),
        h: saved.slice(L.hs + T * B * H, L.hs + (T + 1) * B * H),
        c: saved.slice(L.cs + T * B * H, L.cs + (T + 1) * B * H),
        saved,
      };
    } finally {
      arena.release(mark);
    }
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
    const [B, T, H, G] = [batch, steps, hidden, 4 * hidden];
    const L = lstmSequenceLayout(B, T, H);
    expectLength('lstmSequenceBackward', 'saved', saved, L.size, `${L.size} values`);
    expectLength('lstmSequenceBackward', 'weightHh', weightHh, H * G, `[${H}, ${G}]`);
    if (dSequence !== null) expectLength('lstmSequenceBackward', 'dSequence', dSequence, B * T * H, `[${B}, ${T}, ${H}]`);
    if (dh !== null) expectLength('lstmSequenceBackward', 'dh', dh, B * H, `[${B}, ${H}]`);
    if (dc !== null) expectLength('lstmSequenceBackward', 'dc', dc, B * H, `[${B}, ${H}]`);
    const arena = this.arena;
    const mark = arena.mark();
    try {
      const ps = arena.allocF32(L.size, saved);
      const pw = arena.allocF32(H * G, weightHh);
      const pseq = dSequence === null ? 0 : arena.allocF32(B * T * H, dSequence);
      const pdh = arena.allocF32(B * H);
      const pdc = arena.allocF32(B * H);
      if (dh === null) arena.f32(pdh, B * H).fill(0);
      else arena.f32(pdh, B * H).set(dh);
      if (dc === null) arena.f32(pdc, B * H).fill(0);
      else arena.f32(pdc, B * H).set(dc);
      const pdz = arena.allocF32(T * B * G); // time-major, for the weight gradient
      const pdp = arena.allocF32(B * T * G);
      const pdw = arena.allocF32(H * G);
      const e = this.exports;
      for (let t = T - 1; t >= 0; t--) {
        const dz = pdz + t * B * G * 4;
        e.lstm_step_backward_f32(
          B,
          H,
          ps + t * G * 4,
          T * G,
          ps + (L.tanhC + t * B * H) * 4,
          ps + (L.cs + t * B * H) * 4,
          pdh,
          pseq === 0 ? 0 : pseq + t * H * 4,
          T * H,
          pdc,
          dz,
          pdp + t * G * 4,
          T * G,
        );
        this.gemmPointers(B, H, G, dz, G, false, pw, G, true, pdh, H, 0, 0, false);
      }
      this.gemmPointers(H, G, T * B, ps + L.hs * 4, H, true, pdz, G, false, pdw, G, 0, 0, false);
      return {
        dProjected: arena.f32(pdp, B * T * G).slice(),
        dWeightHh: arena.f32(pdw, H * G).slice(),
        dh0: arena.f32(pdh, B * H).slice(),
        dc0: arena.f32(pdc, B * H).slice(),
      };
    } finally {
      arena.release(mark);
    }
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
    checkCsrStructure(rowPtr, colIdx, values, rows, cols);
    expectLength('spmm', 'dense', dense, cols * n, `[${cols}, ${n}]`);
    const result = outputArray('spmm', out, rows * n);
    if (result.length === 0) return result;
    const arena = this.arena;
    const mark = arena.mark();
    try {
      const nnz = colIdx.length;
      const prp = arena.alloc(rowPtr.byteLength, 16);
      arena.i32(prp, rowPtr.length).set(rowPtr);
      const pci = arena.alloc(colIdx.byteLength, 16);
      arena.i32(pci, nnz).set(colIdx);
      const pv = arena.allocF32(nnz, values);
      this.#spmmInto(prp, pci, pv, rows, dense, n, result);
      return result;
    } finally {
      arena.release(mark);
    }
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
    checkCsrStructure(rowPtr, colIdx, values, rows, cols);
    const nnz = colIdx.length;
    const arena = this.arena;
    const valuesOffset = alignUp(rowPtr.byteLength + colIdx.byteLength, 16);
    const bytes = valuesOffset + values.byteLength;
    const ptr = arena.allocResident(bytes);
    arena.i32(ptr, rowPtr.length).set(rowPtr);
    arena.i32(ptr + rowPtr.byteLength, nnz).set(colIdx);
    arena.f32(ptr + valuesOffset, nnz).set(values);
    return new ResidentCsr(arena, ptr, bytes, rows, cols, nnz, ptr + rowPtr.byteLength, ptr + valuesOffset);
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
    if (!(values instanceof Float32Array)) {
      throw new TypeError(`residentF32: values must be a Float32Array, got ${Object.prototype.toString.call(values)}`);
    }
    const ptr = this.arena.allocResident(values.byteLength);
    this.arena.f32(ptr, values.length).set(values);
    return new ResidentF32(this.arena, ptr, values.length, values.byteLength, null);
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
    for (const [name, value] of Object.entries({ k, n })) {
      if (!Number.isSafeInteger(value) || value < 0)
        throw new RangeError(`residentPackedB: ${name} must be a non-negative integer, got ${value}`);
    }
    expectLength('residentPackedB', 'values', values, k * n, transB ? `[n=${n}, k=${k}]` : `[k=${k}, n=${n}]`);
    const arena = this.arena;
    const bytes = this.exports.gemm_f32_packed_b_floats(k, n) * 4;
    const ptr = arena.allocResident(bytes);
    const mark = arena.mark();
    try {
      const raw = arena.allocF32(values.length, values);
      this.exports.gemm_f32_pack_b(k, n, raw, transB ? k : n, +transB, ptr);
    } finally {
      arena.release(mark);
    }
    return new ResidentF32(arena, ptr, values.length, bytes, { k, n, transB });
  }

  /**
   * `spmm` with a resident matrix (see `residentCsr`): only `dense` is copied in.
   * @throws Error when `a` was disposed or belongs to another instance.
   */
  spmmResident(a: ResidentCsr, dense: Float32Array, n: number, out?: Float32Array): Float32Array {
    if (a.arena !== this.arena) throw new Error('spmmResident: the matrix was made resident by another kernels instance');
    if (a.disposed) throw new Error('spmmResident: the resident matrix was disposed');
    expectLength('spmmResident', 'dense', dense, a.cols * n, `[${a.cols}, ${n}]`);
    const result = outputArray('spmmResident', out, a.rows * n);
    if (result.length === 0) return result;
    const arena = this.arena;
    const mark = arena.mark();
    try {
      this.#spmmInto(a.ptr, a.colIdxPtr, a.valuesPtr, a.rows, dense, n, result);
      return result;
    } finally {
      arena.release(mark);
    }
  }

  /** Copies `dense` in, runs spmm_f32 on arena pointers and copies the product into `out` (within a mark). */
  #spmmInto(prp: number, pci: number, pv: number, rows: number, dense: Float32Array, n: number, out: Float32Array): void {
    const arena = this.arena;
    const pd = arena.allocF32(dense.length, dense);
    const po = arena.allocF32(out.length);
    this.exports.spmm_f32(prp, pci, pv, rows, pd, n, po);
    out.set(arena.f32(po, out.length));
  }

  #runPool(
    g: Pool2dGeometry,
    resultLength: number,
    body: (geometry: number, alloc: (source: Float32Array | number) => number) => number,
  ): Float32Array {
    const out = new Float32Array(resultLength);
    if (resultLength === 0) return out;
    const arena = this.arena;
    const mark = arena.mark();
    try {
      const block = Int32Array.of(
        g.batch,
        g.inHeight,
        g.inWidth,
        g.channels,
        g.outHeight,
        g.outWidth,
        g.windowHeight,
        g.windowWidth,
        g.strideHeight,
        g.strideWidth,
        g.padTop,
        g.padLeft,
        g.padBottom,
        g.padRight,
      );
      const geometry = arena.alloc(block.byteLength);
      arena.i32(geometry, block.length).set(block);
      const alloc = (source: Float32Array | number) =>
        typeof source === 'number' ? arena.allocF32(source) : arena.allocF32(source.length, source);
      const result = body(geometry, alloc);
      out.set(arena.f32(result, resultLength));
      return out;
    } finally {
      arena.release(mark);
    }
  }

  /**
   * Splits the N·OH·OW output rows of a convolution into one range per share, each a multiple
   * of `quantum` rows (except the last), by the flops of the forward pass.
   */
  #rowShares(s: ResolvedConv2dShape, quantum: number): [number, number][] {
    const rows = s.batch * s.outHeight * s.outWidth;
    const flops = 2 * rows * s.filterHeight * s.filterWidth * s.inChannels * s.outChannels;
    let shares = Math.min(this.#shares(flops), Math.ceil(rows / Math.max(1, quantum)));
    if (shares < 1) shares = 1;
    const step = Math.ceil(rows / shares / quantum) * quantum;
    const out: [number, number][] = [];
    for (let r0 = 0; r0 < rows || out.length === 0; r0 += step) out.push([r0, Math.min(rows, r0 + step)]);
    return out;
  }

  /** targets[0] += targets[1] + ... (float32 arrays of `length` in the arena). */
  #sumInto(targets: number[], length: number): void {
    if (targets.length < 2) return;
    const sum = this.arena.f32(targets[0], length);
    for (let t = 1; t < targets.length; t++) {
      const part = this.arena.f32(targets[t], length);
      for (let i = 0; i < length; i++) sum[i] += part[i];
    }
  }

  /** Shared arena bookkeeping of the conv passes: geometry block, operands, workspace, copy-out. */
  #runConv(
    s: ResolvedConv2dShape,
    resultLength: number,
    into: Float32Array | undefined,
    body: (geometry: number, work: () => number, alloc: (source: Float32Array | number) => number) => number,
  ): Float32Array {
    // `into` (a recycled array of resultLength) is overwritten in full by the copy-out
    const out = into ?? new Float32Array(resultLength);
    if (resultLength === 0) return out;
    const arena = this.arena;
    const mark = arena.mark();
    try {
      const block = conv2dGeometryBlock(s);
      const geometry = arena.alloc(block.byteLength);
      arena.i32(geometry, block.length).set(block);
      const alloc = (source: Float32Array | number) =>
        typeof source === 'number' ? arena.allocF32(source) : arena.allocF32(source.length, source);
      const work = () => arena.alloc(this.exports.conv2d_f32_nhwc_workspace_bytes(geometry));
      const result = body(geometry, work, alloc);
      out.set(arena.f32(result, resultLength));
      return out;
    } finally {
      arena.release(mark);
    }
  }
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] !== 0) return false;
  return true;
}

function poolInputSize(g: Pool2dGeometry): number {
  return g.batch * g.inHeight * g.inWidth * g.channels;
}
function poolOutputSize(g: Pool2dGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.channels;
}
function poolInputShape(g: Pool2dGeometry): string {
  return `NHWC [${g.batch}, ${g.inHeight}, ${g.inWidth}, ${g.channels}]`;
}

function inputSize(s: ResolvedConv2dShape): number {
  return s.batch * s.inHeight * s.inWidth * s.inChannels;
}
function outputSize(s: ResolvedConv2dShape): number {
  return s.batch * s.outHeight * s.outWidth * s.outChannels;
}
function filterSize(s: ResolvedConv2dShape): number {
  return s.filterHeight * s.filterWidth * s.inChannels * s.outChannels;
}

/** A block of resident arena memory (kept between kernel calls until disposed). */
abstract class ResidentBlock {
  /** @internal */
  readonly arena: WasmArena;
  /** @internal Byte pointer of the start of the block. */
  readonly ptr: number;
  /** Bytes of arena memory held. */
  readonly bytes: number;
  #disposed = false;

  constructor(arena: WasmArena, ptr: number, bytes: number) {
    this.arena = arena;
    this.ptr = ptr;
    this.bytes = bytes;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Frees the arena memory (again: nothing). Only between kernel calls. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.arena.freeResident(this.ptr);
  }
}

/**
 * A float32 array copied into resident arena memory by `WasmKernels.residentF32` (`ptr` is its
 * first float; `bytes` is at least 64, blocks being whole cache lines).
 */
export class ResidentF32 extends ResidentBlock {
  /** Floats of the array it was made from. */
  readonly length: number;
  /** For `residentPackedB`: the op(B) it was packed as; null for a plain copy. */
  readonly packed: { readonly k: number; readonly n: number; readonly transB: boolean } | null;

  /** @internal Made by `WasmKernels.residentF32` and `residentPackedB`. */
  constructor(arena: WasmArena, ptr: number, length: number, dataBytes: number, packed: ResidentF32['packed']) {
    super(arena, ptr, Math.max(64, alignUp(dataBytes, 64)));
    this.length = length;
    this.packed = packed;
  }
}

/** Checks a gemm/matmul operand: a Float32Array, or a live ResidentF32 of this arena, of `expected` floats. */
function expectOperand(op: string, name: string, x: Float32Array | ResidentF32, expected: number, shape: string, arena: WasmArena): void {
  if (!(x instanceof ResidentF32)) {
    expectLength(op, name, x, expected, shape);
    return;
  }
  if (x.arena !== arena) throw new Error(`${op}: ${name} was made resident by another kernels instance`);
  if (x.disposed) throw new Error(`${op}: ${name} is a resident array that was disposed`);
  if (x.length !== expected) throw new RangeError(`${op}: ${name} must hold ${expected} floats for shape ${shape}, got ${x.length}`);
}

/** Whether b is packed (checked to match k, n, transB); a may not be. */
function expectPacking(
  op: string,
  a: Float32Array | ResidentF32,
  b: Float32Array | ResidentF32,
  k: number,
  n: number,
  transB: boolean,
): boolean {
  if (a instanceof ResidentF32 && a.packed !== null)
    throw new RangeError(`${op}: a is packed as a b operand (residentPackedB); pass it as b`);
  if (!(b instanceof ResidentF32) || b.packed === null) return false;
  const p = b.packed;
  if (p.k !== k || p.n !== n || p.transB !== transB) {
    throw new RangeError(`${op}: b was packed for k=${p.k}, n=${p.n}, transB=${p.transB}, used with k=${k}, n=${n}, transB=${transB}`);
  }
  return true;
}

/** The arena pointer of an operand: a resident one's own, or a stack copy of an array. */
function operandPointer(arena: WasmArena, x: Float32Array | ResidentF32): number {
  return x instanceof ResidentF32 ? x.ptr : arena.allocF32(x.length, x);
}

/** A CSR matrix copied into resident arena memory by `WasmKernels.residentCsr` (`ptr` is rowPtr). */
export class ResidentCsr extends ResidentBlock {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  /** @internal */
  readonly colIdxPtr: number;
  /** @internal */
  readonly valuesPtr: number;

  /** @internal Made by `WasmKernels.residentCsr`. */
  constructor(arena: WasmArena, ptr: number, bytes: number, rows: number, cols: number, nnz: number, colIdxPtr: number, valuesPtr: number) {
    super(arena, ptr, bytes);
    this.rows = rows;
    this.cols = cols;
    this.nnz = nnz;
    this.colIdxPtr = colIdxPtr;
    this.valuesPtr = valuesPtr;
  }
}

/** Checks a CSR structure (RangeError, as the other kernels' argument checks). */
function checkCsrStructure(rowPtr: Int32Array, colIdx: Int32Array, values: Float32Array, rows: number, cols: number): void {
  const nnz = colIdx.length;
  if (rowPtr.length !== rows + 1 || values.length !== nnz || rowPtr[0] !== 0 || rowPtr[rows] !== nnz) {
    throw new RangeError(
      `spmm: a CSR [${rows}, ${cols}] needs rowPtr of ${rows + 1} from 0 to nnz = colIdx.length = values.length; got rowPtr ${rowPtr.length} long (${rowPtr[0]} .. ${rowPtr[rows]}), colIdx ${nnz}, values ${values.length}`,
    );
  }
  for (let i = 0; i < rows; i++) if (rowPtr[i + 1] < rowPtr[i]) throw new RangeError(`spmm: rowPtr must be non-decreasing (row ${i})`);
  for (let p = 0; p < nnz; p++)
    if (!(colIdx[p] >= 0 && colIdx[p] < cols)) throw new RangeError(`spmm: colIdx has ${colIdx[p]} at entry ${p}, outside [0, ${cols})`);
}

/** `out` checked to hold `length` floats, or a fresh array. */
function outputArray(op: string, out: Float32Array | undefined, length: number): Float32Array {
  if (out === undefined) return new Float32Array(length);
  expectLength(op, 'out', out, length, `[${length}]`);
  return out;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function expectLength(op: string, name: string, array: Float32Array, expected: number, shape: string): void {
  if (!(array instanceof Float32Array)) {
    throw new TypeError(`${op}: ${name} must be a Float32Array, got ${Object.prototype.toString.call(array)}`);
  }
  if (array.length !== expected) {
    throw new RangeError(`${op}: ${name} must hold ${expected} floats for shape ${shape}, got ${array.length}`);
  }
}

function activationCode(op: string, activation: Activation | undefined): number {
  const code = ACTIVATION_CODES[activation ?? 'none'];
  if (code === undefined) {
    throw new RangeError(`${op}: activation must be one of ${Object.keys(ACTIVATION_CODES).join(', ')}, got ${String(activation)}`);
  }
  return code;
}

/**
 * The `saved` buffer of lstmSequence, in floats: the activations i, f, C̃, o [batch, steps,
 * 4H] (the projection, overwritten in place), then h_0..h_T and c_0..c_T time-major
 * [steps+1, batch, H] each, then tanh(c_1..c_T) [steps, batch, H].
 */
export function lstmSequenceLayout(batch: number, steps: number, hidden: number) {
  const hs = batch * steps * 4 * hidden;
  const cs = hs + (steps + 1) * batch * hidden;
  const tanhC = cs + (steps + 1) * batch * hidden;
  return { acts: 0, hs, cs, tanhC, size: tanhC + steps * batch * hidden };
}

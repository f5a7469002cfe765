/**
 * The conv2d family of the host side (assembly/conv2d-f32-nhwc.ts, conv2d-direct-f32.ts,
 * conv2d-implicit-f32.ts): validation, the choice of algorithm per shape (direct, implicit
 * GEMM or im2col + GEMM, by what measured faster), and the split over threads, for the forward
 * pass and both gradients. The geometry is @lec/tensor's Conv2dGeometry, written into the
 * Int32 block the kernels read by `conv2dGeometryBlock`. NHWC, filters [kh, kw, Cin, Cout].
 */
import type { WasmKernels } from '../wasm-kernels.js';
import { binaryPointers } from './elementwise.js';
import { activationCode, expectLength, type Activation } from './shared.js';
import type { Conv2dGeometry } from '@lec/tensor';
import { conv2dGeometryBlock, resolveConv2dShape, type Conv2dShape, type ResolvedConv2dShape } from '../conv2d-shape.js';

/** The algorithm of `WasmKernels.conv2d` (see there). */
export function conv2d(
  kernels: WasmKernels,
  x: Float32Array,
  filter: Float32Array,
  shape: Conv2dShape | Conv2dGeometry,
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
  if (useDirect(kernels, s, 'forward')) return directForward(kernels, s, x, filter, bias, code, out);
  return runConv(kernels, s, outputSize(s), out, (geometry, work, alloc, py) => {
    const px = alloc(x);
    const pw = alloc(filter);
    const pbias = bias === undefined ? 0 : alloc(bias);
    // output rows are independent: chunks claimed by the threads as they come free
    const chunks = rowChunks(kernels, s).map(([r0, r1]) => ({
      kernel: 'conv2d_forward_rows_f32_nhwc' as const,
      args: [geometry, px, pw, pbias, code, py, 0, r0, r1],
    }));
    kernels.runChunks(chunks, 6, threadWorks(kernels, chunks.length, work));
  });
}

/** Whether the direct kernel runs this pass of this shape. */
function useDirect(kernels: WasmKernels, s: ResolvedConv2dShape, pass: 'forward' | 'filter'): boolean {
  const eligible = s.strideHeight === 1 && s.strideWidth === 1 && s.dilationHeight === 1 && s.dilationWidth === 1;
  if (!eligible || kernels.feature === 'scalar' || kernels.convAlgorithm === 'im2col') return false;
  if (kernels.convAlgorithm === 'direct' || kernels.convAlgorithm === 'implicit') return true;
  // Measured (apps/bench/scripts/kernels-wasm/measure.mjs): direct wins while im2col's
  // K = kh·kw·Cin rows are short and the GEMM is narrow (Cout ≤ 32), and for ≤ 3 output
  // channels (the input gradient of an RGB or grey first layer); the filter gradient only for
  // 1–3 input channels and ≤ 16 output channels (im2col + GEMM is faster from 3→32 on).
  // (the thresholds are kernels.tuning's, defaults as measured above; see kernels/tuning.ts)
  const t = kernels.tuning.config.conv;
  if (pass === 'forward')
    return (
      (s.inChannels <= t.directMaxInChannels && s.outChannels <= t.directMaxOutChannels) ||
      (s.outChannels <= t.directFewOutChannels && s.inChannels <= t.directFewMaxInChannels)
    );
  return s.inChannels <= t.directFilterMaxInChannels && s.outChannels <= t.directFilterMaxOutChannels;
}

/**
 * Which of the two stride-1 forward kernels #directForward runs: the implicit GEMM (channels
 * in the lanes, 4 pixels × 8 channels per tile) or the planar direct kernel (pixels in the
 * lanes, 3 channels per block), by what measured faster (apps/bench/scripts/kernels-wasm/measure.mjs).
 */
function useImplicit(kernels: WasmKernels, s: ResolvedConv2dShape): boolean {
  if (kernels.convAlgorithm === 'implicit') return true;
  if (kernels.convAlgorithm === 'direct') return false;
  return s.outChannels >= kernels.tuning.config.conv.implicitMinOutChannels;
}

/**
 * Whether the filter gradient runs the implicit-GEMM kernel (dW = colᵀ·dy without building
 * col, 4 taps × 8 output channels per tile) rather than the planar direct kernel or im2col +
 * GEMM: stride 1, dilation 1, SIMD, and where it measured faster. Measured (one thread,
 * against im2col, apps/bench/scripts/kernels-wasm/measure.mjs): it wins while dW is small
 * (K·Cout ≤ 5120 floats, so its accumulators stay in L1 across images: 14×14×6→16 5×5,
 * 32×32×3→32 3×3, 28×28×16→32 3×3) and loses beyond (28×28×16→64 3×3) and on tiny outputs
 * (5×5×16→120 5×5 valid, one pixel). It is chunked by images, so it also needs two image
 * chunks where im2col would have two chunks of rows.
 */
function useImplicitFilter(kernels: WasmKernels, s: ResolvedConv2dShape): boolean {
  const eligible = s.strideHeight === 1 && s.strideWidth === 1 && s.dilationHeight === 1 && s.dilationWidth === 1;
  if (!eligible || kernels.feature === 'scalar' || kernels.convAlgorithm === 'im2col' || kernels.convAlgorithm === 'direct') return false;
  if (kernels.convAlgorithm === 'implicit') return true;
  const dwFloats = s.filterHeight * s.filterWidth * s.inChannels * s.outChannels;
  return (
    s.outChannels % 8 === 0 &&
    dwFloats <= kernels.tuning.config.conv.implicitFilterMaxFloats &&
    s.outHeight * s.outWidth >= 16 &&
    !useDirect(kernels, s, 'filter') &&
    filterChunks(s, s.batch).length >= Math.min(2, filterChunks(s, s.batch * s.outHeight * s.outWidth).length)
  );
}

/** Forward pass with the direct or implicit-GEMM kernel, split over threads by images. */
function directForward(
  kernels: WasmKernels,
  s: ResolvedConv2dShape,
  x: Float32Array,
  filter: Float32Array,
  bias: Float32Array | undefined,
  code: number,
  out?: Float32Array,
): Float32Array {
  const implicit = useImplicit(kernels, s);
  const count = kernels.chunks(forwardFlops(s), s.batch);
  if (count === 1) return directForwardChunked(kernels, s, x, filter, bias, code, implicit, out);
  return runConv(kernels, s, outputSize(s), out, (geometry, _work, alloc, py) => {
    const px = alloc(x);
    const pw = alloc(filter);
    const pbias = bias === undefined ? 0 : alloc(bias);
    const e = kernels.exports;
    // images are independent: chunks of them claimed by the threads as they come free
    const step = Math.ceil(s.batch / count);
    const chunks = [];
    for (let n0 = 0; n0 < s.batch; n0 += step)
      chunks.push({
        kernel: implicit ? ('conv2d_implicit_forward_f32_nhwc' as const) : ('conv2d_direct_forward_f32_nhwc' as const),
        args: [geometry, px, pw, pbias, code, py, 0, n0, Math.min(s.batch, n0 + step)],
      });
    const bytes = implicit ? e.conv2d_implicit_workspace_bytes(geometry) : e.conv2d_direct_workspace_bytes(geometry);
    kernels.runChunks(
      chunks,
      6,
      threadWorks(kernels, chunks.length, () => kernels.arena.alloc(bytes)),
    );
  });
}

/**
 * #directForward on one thread, a few images at a time: each chunk of x is copied in, run,
 * and its y copied out while still in cache (the copies of a whole batch cost a third of the
 * time on shapes with few input channels, whose output is large next to the work).
 */
function directForwardChunked(
  kernels: WasmKernels,
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
  const arena = kernels.arena;
  const e = kernels.exports;
  const mark = arena.mark();
  try {
    const block = conv2dGeometryBlock(s);
    const geometry = arena.alloc(block.byteLength);
    arena.i32(geometry, block.length).set(block);
    const pw = arena.operandF32(filter);
    const pbias = bias === undefined ? 0 : arena.operandF32(bias);
    const imageIn = s.inHeight * s.inWidth * s.inChannels;
    const imageOut = s.outHeight * s.outWidth * s.outChannels;
    const chunkFloats = kernels.tuning.config.conv.directChunkFloats;
    const count = Math.min(s.batch, Math.max(1, Math.floor(chunkFloats / Math.max(imageIn, imageOut, 1))));
    // x and y where they live when they are blocks of this memory (tensors of the wasm
    // backend: no copies), else a chunk of each in scratch
    const xAt = arena.residentPointer(x);
    const yAt = arena.residentPointer(out);
    const px = xAt >= 0 ? 0 : arena.allocF32(count * imageIn);
    const py = yAt >= 0 ? 0 : arena.allocF32(count * imageOut);
    const work = arena.alloc(implicit ? e.conv2d_implicit_workspace_bytes(geometry) : e.conv2d_direct_workspace_bytes(geometry));
    const kernel = implicit ? e.conv2d_implicit_forward_f32_nhwc : e.conv2d_direct_forward_f32_nhwc;
    for (let n0 = 0; n0 < s.batch; n0 += count) {
      const images = Math.min(count, s.batch - n0);
      if (xAt < 0) arena.f32(px, images * imageIn).set(x.subarray(n0 * imageIn, (n0 + images) * imageIn));
      const pyChunk = yAt >= 0 ? yAt + n0 * imageOut * 4 : py;
      kernel(geometry, xAt >= 0 ? xAt + n0 * imageIn * 4 : px, pw, pbias, code, pyChunk, work, 0, images);
      if (yAt < 0) out.set(arena.f32(py, images * imageOut), n0 * imageOut);
    }
    return out;
  } finally {
    arena.release(mark);
  }
}

/** The algorithm of `WasmKernels.conv2dBackpropInput` (see there). */
export function conv2dBackpropInput(
  kernels: WasmKernels,
  dy: Float32Array,
  filter: Float32Array,
  shape: Conv2dShape | Conv2dGeometry,
  out?: Float32Array,
): Float32Array {
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
  const rotatedPads = [kh - 1 - s.padTop, kw - 1 - s.padLeft, kh - 1 - s.padBottom, kw - 1 - s.padRight] as const;
  if (size > 0 && useTransposed(kernels, s, rotatedPads) && allFinite(filter)) return transposedInput(kernels, s, dy, filter, out);
  if (rotatedPads.every((p) => p >= 0) && size > 0) {
    // dx is the forward conv of dy (padded by k − 1 − pad) with the filter turned 180° and
    // its channel axes swapped: run it on the direct kernel where that one is faster.
    const r = rotatedShape(s, rotatedPads);
    // Finite weights only: the rotated form multiplies them by dy's zero padding, and
    // 0·∞ would be NaN where the true gradient has no such term.
    if (r.outHeight === s.inHeight && r.outWidth === s.inWidth && useDirect(kernels, r, 'forward') && allFinite(filter)) {
      const rotated = new Float32Array(filter.length);
      const [cin, cout] = [s.inChannels, s.outChannels];
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++) {
          const src = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * cin * cout;
          const dst = (ky * kw + kx) * cout * cin;
          for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++) rotated[dst + co * cin + ci] = filter[src + ci * cout + co];
        }
      return directForward(kernels, r, dy, rotated, undefined, 0, out);
    }
  }
  return runConv(kernels, s, size, out, (geometry, work, alloc, result) => {
    const pdy = alloc(dy);
    const pw = alloc(filter);
    const pointwise =
      s.filterHeight === 1 &&
      s.filterWidth === 1 &&
      s.strideHeight === 1 &&
      s.strideWidth === 1 &&
      s.padTop + s.padLeft + s.padBottom + s.padRight === 0;
    const imageRows = s.outHeight * s.outWidth;
    // whole images per share (disjoint parts of dx) when there are enough of them; else split
    // inside images at output rows, each share into its own dx, summed in share order
    const quantum = pointwise ? 1 : s.batch >= kernels.threads ? imageRows : s.outWidth;
    const shares = rowShares(kernels, s, quantum);
    // Shares that cut an image in two scatter into overlapping parts of dx: every share after
    // the first gets its own zeroed buffer, added up afterwards.
    const disjoint = pointwise || shares.every(([r0]) => r0 % imageRows === 0);
    const targets: number[] = [];
    for (let i = 0; i < shares.length; i++) {
      if (i === 0 || !disjoint) {
        const p = i === 0 ? result : alloc(size);
        kernels.arena.f32(p, size).fill(0);
        targets.push(p);
      } else {
        targets.push(targets[0]);
      }
    }
    kernels.run(
      shares.map(([r0, r1], i) => ({
        kernel: 'conv2d_backprop_input_rows_f32_nhwc' as const,
        args: [geometry, pdy, pw, targets[i], work(), r0, r1],
      })),
    );
    if (!disjoint) sumInto(kernels, targets, size);
  });
}

/**
 * Whether the input gradient runs the direct transposed kernel (assembly/conv2d-transposed-f32.ts:
 * dy scattered through the filter, real multiply-adds only): stride 1, dilation 1, SIMD; forced by
 * convAlgorithm 'direct', and chosen where the planar direct forward of the rotated filter would
 * run and walk more virtual pixels than it (OH·PW of the padded input against H·(OW + pads of the
 * rotated form): a valid convolution, whose rotated form is mostly dy's zero padding; 140 against
 * 252 pixels per image for LeNet's 14×14×6 ← 10×10×16, 5×5).
 */
function useTransposed(kernels: WasmKernels, s: ResolvedConv2dShape, rotatedPads: readonly number[]): boolean {
  const eligible = s.strideHeight === 1 && s.strideWidth === 1 && s.dilationHeight === 1 && s.dilationWidth === 1;
  if (!eligible || kernels.feature === 'scalar' || s.outHeight * s.outWidth === 0) return false;
  if (kernels.convAlgorithm === 'direct') return true;
  if (kernels.convAlgorithm !== 'auto' || s.inChannels < 2 || rotatedPads.some((p) => p < 0)) return false;
  const r = rotatedShape(s, rotatedPads);
  if (!useDirect(kernels, r, 'forward') || useImplicit(kernels, r)) return false;
  const transposedPixels = s.outHeight * (s.inWidth + s.padLeft + s.padRight);
  const rotatedPixels = s.inHeight * (s.outWidth + rotatedPads[1] + rotatedPads[3]);
  return transposedPixels < rotatedPixels;
}

/** The input gradient's shape as a forward conv of dy with the rotated filter (see conv2dBackpropInput). */
function rotatedShape(s: ResolvedConv2dShape, rotatedPads: readonly number[]): ResolvedConv2dShape {
  return resolveConv2dShape({
    batch: s.batch,
    inHeight: s.outHeight,
    inWidth: s.outWidth,
    inChannels: s.outChannels,
    filterHeight: s.filterHeight,
    filterWidth: s.filterWidth,
    outChannels: s.inChannels,
    pads: rotatedPads as [number, number, number, number],
    strides: [s.strideHeight, s.strideWidth],
    dilations: [s.dilationHeight, s.dilationWidth],
  });
}

/**
 * The input gradient on the transposed kernel, split by images (each image's dx is written by
 * one chunk alone, so the result does not depend on the thread count).
 */
function transposedInput(
  kernels: WasmKernels,
  s: ResolvedConv2dShape,
  dy: Float32Array,
  filter: Float32Array,
  out?: Float32Array,
): Float32Array {
  return runConv(kernels, s, inputSize(s), out, (geometry, _work, alloc, result) => {
    const pdy = alloc(dy);
    const pw = alloc(filter);
    const count = kernels.chunks(forwardFlops(s), s.batch);
    const step = Math.ceil(s.batch / count);
    const chunks = [];
    for (let n0 = 0; n0 < s.batch; n0 += step)
      chunks.push({
        kernel: 'conv2d_transposed_backprop_input_f32_nhwc' as const,
        args: [geometry, pdy, pw, result, 0, n0, Math.min(s.batch, n0 + step)],
      });
    const bytes = kernels.exports.conv2d_transposed_workspace_bytes(geometry);
    kernels.runChunks(
      chunks,
      4,
      threadWorks(kernels, chunks.length, () => kernels.arena.alloc(bytes)),
    );
  });
}

/** The algorithm of `WasmKernels.conv2dBackpropFilter` (see there). */
export function conv2dBackpropFilter(
  kernels: WasmKernels,
  x: Float32Array,
  dy: Float32Array,
  shape: Conv2dShape | Conv2dGeometry,
  out?: Float32Array,
): Float32Array {
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
  const direct = useDirect(kernels, s, 'filter');
  const implicit = useImplicitFilter(kernels, s);
  return runConv(kernels, s, size, out, (geometry, _work, alloc, result) => {
    const px = alloc(x);
    const pdy = alloc(dy);
    // Per-image kernels: the implicit one, or the direct one for finite x only (checked in
    // wasm on the arena copy: it multiplies x by the zero dy of the thrown-away pixels, and
    // 0·∞ is NaN); else im2col + GEMM over ranges of output rows.
    const e = kernels.exports;
    const imageKernel = implicit
      ? ('conv2d_implicit_backprop_filter_f32_nhwc' as const)
      : direct && e.all_finite_f32(px, x.length) === 1
        ? ('conv2d_direct_backprop_filter_f32_nhwc' as const)
        : undefined;
    const workBytes = implicit
      ? e.conv2d_implicit_filter_workspace_bytes(geometry)
      : imageKernel !== undefined
        ? e.conv2d_direct_workspace_bytes(geometry)
        : e.conv2d_f32_nhwc_workspace_bytes(geometry);
    // dW sums over every image: each chunk sums its range into its own dW, claimed by the
    // threads as they come free, then the chunks' dWs are added in chunk order (into the first,
    // the result)
    const ranges = filterChunks(s, imageKernel !== undefined ? s.batch : s.batch * s.outHeight * s.outWidth);
    const targets = ranges.map((_, i) => (i === 0 ? result : alloc(size)));
    const chunks = ranges.map(([b0, b1], i) => ({
      kernel: imageKernel ?? ('conv2d_backprop_filter_rows_f32_nhwc' as const),
      args: [geometry, px, pdy, targets[i], 0, b0, b1, 0],
    }));
    kernels.runChunks(
      chunks,
      4,
      threadWorks(kernels, chunks.length, () => kernels.arena.alloc(workBytes)),
    );
    sumInto(kernels, targets, size);
  });
}

/** Most chunks of a filter gradient, and the least flops of one (`filterChunks`). */
const FILTER_CHUNKS = 4;
const FILTER_CHUNK_FLOPS = 1.5e6;

/**
 * A filter gradient's `quanta` images or output rows cut into ranges by the shape alone, never
 * by the thread count, so the chunks' dWs, added in order, give the same result on any number
 * of threads: at most FILTER_CHUNKS (2 per thread on 2 threads, so a thread on a busy core
 * takes fewer; every chunk costs a kernel call's setup and a dW add, on one thread too), each
 * at least FILTER_CHUNK_FLOPS of work (wasm-kernels.ts's MIN_FLOPS_PER_THREAD), and no more
 * than the adds of the chunks' dWs (size each) cost 1/1024 of the gradient's flops.
 */
function filterChunks(s: ResolvedConv2dShape, quanta: number): [number, number][] {
  const flops = forwardFlops(s);
  const size = Math.max(1, filterSize(s));
  const count = Math.max(1, Math.min(FILTER_CHUNKS, quanta, Math.floor(flops / FILTER_CHUNK_FLOPS), Math.floor(flops / 1024 / size) + 1));
  const step = Math.max(1, Math.ceil(quanta / count));
  const out: [number, number][] = [];
  for (let b0 = 0; b0 < quanta || out.length === 0; b0 += step) out.push([b0, Math.min(quanta, b0 + step)]);
  return out;
}

/**
 * Splits the N·OH·OW output rows of a convolution into one range per share, each a multiple
 * of `quantum` rows (except the last), by the flops of the forward pass.
 */
function rowShares(kernels: WasmKernels, s: ResolvedConv2dShape, quantum: number): [number, number][] {
  const rows = s.batch * s.outHeight * s.outWidth;
  const flops = 2 * rows * s.filterHeight * s.filterWidth * s.inChannels * s.outChannels;
  let shares = Math.min(kernels.shares(flops), Math.ceil(rows / Math.max(1, quantum)));
  if (shares < 1) shares = 1;
  const step = Math.ceil(rows / shares / quantum) * quantum;
  const out: [number, number][] = [];
  for (let r0 = 0; r0 < rows || out.length === 0; r0 += step) out.push([r0, Math.min(rows, r0 + step)]);
  return out;
}

/** 2·N·OH·OW·kh·kw·Cin·Cout: the multiply-adds of the forward pass, counted twice. */
function forwardFlops(s: ResolvedConv2dShape): number {
  return 2 * s.batch * s.outHeight * s.outWidth * s.filterHeight * s.filterWidth * s.inChannels * s.outChannels;
}

/** The N·OH·OW output rows cut into `kernels.chunks` ranges (whole output-image rows where there are enough). */
function rowChunks(kernels: WasmKernels, s: ResolvedConv2dShape): [number, number][] {
  const rows = s.batch * s.outHeight * s.outWidth;
  const count = kernels.chunks(forwardFlops(s), rows);
  const step = Math.ceil(rows / count);
  const out: [number, number][] = [];
  for (let r0 = 0; r0 < rows || out.length === 0; r0 += step) out.push([r0, Math.min(rows, r0 + step)]);
  return out;
}

/** One workspace per thread that may run one of `chunks` chunks. */
function threadWorks(kernels: WasmKernels, chunks: number, work: () => number): number[] {
  return Array.from({ length: Math.max(1, Math.min(kernels.threads, chunks)) }, work);
}

/** targets[0] += targets[1], then += targets[2], ... (float32 arrays of `length` in the arena). */
function sumInto(kernels: WasmKernels, targets: number[], length: number): void {
  for (let t = 1; t < targets.length; t++) {
    binaryPointers(kernels, 'add', { ptr: targets[0], shape: [length] }, { ptr: targets[t], shape: [length] }, targets[0], [length]);
  }
}

/**
 * Shared arena bookkeeping of the conv passes: geometry block, operands (read where they
 * live: tensors of the wasm backend, else copied in), workspace, and the result (`result`,
 * which the body writes in full): straight into `into` when that array is a block of this
 * memory, else into scratch copied out afterwards.
 */
function runConv(
  kernels: WasmKernels,
  s: ResolvedConv2dShape,
  resultLength: number,
  into: Float32Array | undefined,
  body: (geometry: number, work: () => number, alloc: (source: Float32Array | number) => number, result: number) => void,
): Float32Array {
  // `into` (a recycled array of resultLength) is overwritten in full by the copy-out
  const out = into ?? new Float32Array(resultLength);
  if (resultLength === 0) return out;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const block = conv2dGeometryBlock(s);
    const geometry = arena.alloc(block.byteLength);
    arena.i32(geometry, block.length).set(block);
    const alloc = (source: Float32Array | number) => (typeof source === 'number' ? arena.allocF32(source) : arena.operandF32(source));
    const work = () => arena.alloc(kernels.exports.conv2d_f32_nhwc_workspace_bytes(geometry));
    const resident = arena.residentPointer(out);
    const result = resident >= 0 ? resident : arena.allocF32(resultLength);
    body(geometry, work, alloc, result);
    if (result !== resident) out.set(arena.f32(result, resultLength));
    return out;
  } finally {
    arena.release(mark);
  }
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] !== 0) return false;
  return true;
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

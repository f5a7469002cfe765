/**
 * 2-D convolution, f32, NHWC: x [N,H,W,Cin], filter [kh,kw,Cin,Cout], y [N,OH,OW,Cout].
 *
 *   y[n,oy,ox,co] = Σ_{ky,kx,ci} x[n, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, ci] · w[ky,kx,ci,co]
 *
 * with x read as 0 outside the image (explicit padding top/left/bottom/right), and
 *   OH = ⌊(H + pt + pb − ((kh−1)·dh + 1)) / sh⌋ + 1   (likewise OW).
 *
 * All three passes are GEMMs over the im2col matrix col[M,K], M = N·OH·OW rows (one per
 * output pixel), K = kh·kw·Cin columns in filter order (ky, kx, ci); the filter is W[K,Cout]:
 *   forward          y[M,Cout]  = col · W                (+ bias, activation)
 *   backprop input   dcol[M,K]  = dy · Wᵀ, then col2im scatter-adds dcol into dx
 *   backprop filter  dW[K,Cout] = colᵀ · dy              (summed over row chunks)
 * The col matrix is built a chunk of rows at a time in the workspace, so memory stays bounded.
 * A 1×1 filter with stride 1 and no padding needs no im2col: x itself is col.
 *
 * Geometry comes in as 17 i32 values at `geometry` (see the G_* offsets); pointers are byte
 * addresses in linear memory.
 */
import { gemm_f32, gemm_f32_workspace_bytes, gemmRows } from './gemm-f32';

// Offsets (in i32 elements) into the geometry block written by the host.
const G_BATCH = 0, G_IN_H = 1, G_IN_W = 2, G_IN_C = 3, G_FILTER_H = 4, G_FILTER_W = 5;
const G_OUT_C = 6, G_STRIDE_H = 7, G_STRIDE_W = 8, G_DILATION_H = 9, G_DILATION_W = 10;
const G_PAD_TOP = 11, G_PAD_LEFT = 12, G_PAD_BOTTOM = 13, G_PAD_RIGHT = 14, G_OUT_H = 15, G_OUT_W = 16;

/** Number of i32 values in a geometry block. */
export const CONV2D_GEOMETRY_LENGTH: i32 = 17;

/** Upper bound on the bytes of one im2col chunk. */
const COL_CHUNK_BYTES: i32 = 1 << 20;

/** Output length along one axis; 0 when the (dilated) filter does not fit. */
export function conv2d_output_size(input: i32, filter: i32, stride: i32, dilation: i32, padBefore: i32, padAfter: i32): i32 {
  const span = (filter - 1) * dilation + 1;
  const room = input + padBefore + padAfter - span;
  return room < 0 ? 0 : room / stride + 1;
}

// @ts-ignore: decorator
@inline function g(geometry: usize, index: i32): i32 {
  return load<i32>(geometry + (<usize>index << 2));
}

/** True when x can serve as the col matrix directly (1×1 filter, stride 1, no padding). */
function isPointwise(geometry: usize): bool {
  return g(geometry, G_FILTER_H) == 1 && g(geometry, G_FILTER_W) == 1
    && g(geometry, G_STRIDE_H) == 1 && g(geometry, G_STRIDE_W) == 1
    && g(geometry, G_PAD_TOP) == 0 && g(geometry, G_PAD_LEFT) == 0
    && g(geometry, G_PAD_BOTTOM) == 0 && g(geometry, G_PAD_RIGHT) == 0;
}

/** Rows of col per chunk: as many as fit COL_CHUNK_BYTES, at least one micro-tile's worth. */
function chunkRows(geometry: usize): i32 {
  const rows = g(geometry, G_BATCH) * g(geometry, G_OUT_H) * g(geometry, G_OUT_W);
  const k = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W) * g(geometry, G_IN_C);
  let chunk = k > 0 ? COL_CHUNK_BYTES / (k * 4) : rows;
  const mr = gemmRows();
  chunk = max<i32>(chunk - chunk % mr, mr);
  return min<i32>(chunk, max<i32>(rows, 1));
}

/** Bytes of workspace the three conv2d passes need for this geometry (the largest of them). */
export function conv2d_f32_nhwc_workspace_bytes(geometry: usize): i32 {
  const chunk = chunkRows(geometry);
  const k = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W) * g(geometry, G_IN_C);
  const cout = g(geometry, G_OUT_C);
  const forward = gemm_f32_workspace_bytes(chunk, cout, k);
  const input = gemm_f32_workspace_bytes(chunk, k, cout);
  const filter = gemm_f32_workspace_bytes(k, cout, chunk);
  return chunk * k * 4 + 64 + max<i32>(forward, max<i32>(input, filter));
}

/**
 * Writes rows [row0, row0+rows) of the im2col matrix (row stride K = kh·kw·Cin) to `col`.
 * With dilation 1 an in-bounds filter row is one contiguous run of kw·Cin floats in x.
 */
function im2col(geometry: usize, x: usize, row0: i32, rows: i32, col: usize): void {
  const inH = g(geometry, G_IN_H), inW = g(geometry, G_IN_W), cin = g(geometry, G_IN_C);
  const kh = g(geometry, G_FILTER_H), kw = g(geometry, G_FILTER_W);
  const sh = g(geometry, G_STRIDE_H), sw = g(geometry, G_STRIDE_W);
  const dh = g(geometry, G_DILATION_H), dw = g(geometry, G_DILATION_W);
  const pt = g(geometry, G_PAD_TOP), pl = g(geometry, G_PAD_LEFT);
  const outH = g(geometry, G_OUT_H), outW = g(geometry, G_OUT_W);
  const pixelBytes = <usize>cin * 4;
  const runBytes = <usize>(kw * cin) * 4;
  let dst = col;
  // Walk (image, oy, ox) of row r incrementally: one division per chunk, not two per row.
  let image = row0 / (outH * outW);
  let oy = (row0 - image * outH * outW) / outW;
  let ox = row0 - (image * outH + oy) * outW;
  for (let r = 0; r < rows; r++) {
    if (r > 0 && ++ox == outW) {
      ox = 0;
      if (++oy == outH) {
        oy = 0;
        image++;
      }
    }
    const ix0 = ox * sw - pl;
    const wholeRun = dw == 1 && ix0 >= 0 && ix0 + kw <= inW;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      if (iy < 0 || iy >= inH) {
        zeroFloats(dst, kw * cin);
        dst += runBytes;
        continue;
      }
      const rowBase = x + <usize>((image * inH + iy) * inW) * pixelBytes;
      if (wholeRun) {
        copyFloats(dst, rowBase + <usize>ix0 * pixelBytes, kw * cin);
        dst += runBytes;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (ix < 0 || ix >= inW) zeroFloats(dst, cin);
        else copyFloats(dst, rowBase + <usize>ix * pixelBytes, cin);
        dst += pixelBytes;
      }
    }
  }
}

/** Scatter-adds rows [row0, row0+rows) of dcol into dx: the adjoint of im2col. */
function col2imAdd(geometry: usize, dcol: usize, row0: i32, rows: i32, dx: usize): void {
  const inH = g(geometry, G_IN_H), inW = g(geometry, G_IN_W), cin = g(geometry, G_IN_C);
  const kh = g(geometry, G_FILTER_H), kw = g(geometry, G_FILTER_W);
  const sh = g(geometry, G_STRIDE_H), sw = g(geometry, G_STRIDE_W);
  const dh = g(geometry, G_DILATION_H), dw = g(geometry, G_DILATION_W);
  const pt = g(geometry, G_PAD_TOP), pl = g(geometry, G_PAD_LEFT);
  const outH = g(geometry, G_OUT_H), outW = g(geometry, G_OUT_W);
  const pixelBytes = <usize>cin * 4;
  const runBytes = <usize>(kw * cin) * 4;
  let src = dcol;
  // Walk (image, oy, ox) of row r incrementally: one division per chunk, not two per row.
  let image = row0 / (outH * outW);
  let oy = (row0 - image * outH * outW) / outW;
  let ox = row0 - (image * outH + oy) * outW;
  for (let r = 0; r < rows; r++) {
    if (r > 0 && ++ox == outW) {
      ox = 0;
      if (++oy == outH) {
        oy = 0;
        image++;
      }
    }
    const ix0 = ox * sw - pl;
    const wholeRun = dw == 1 && ix0 >= 0 && ix0 + kw <= inW;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      if (iy < 0 || iy >= inH) {
        src += runBytes;
        continue;
      }
      const rowBase = dx + <usize>((image * inH + iy) * inW) * pixelBytes;
      if (wholeRun) {
        addFloats(rowBase + <usize>ix0 * pixelBytes, src, kw * cin);
        src += runBytes;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (ix >= 0 && ix < inW) addFloats(rowBase + <usize>ix * pixelBytes, src, cin);
        src += pixelBytes;
      }
    }
  }
}

// memory.copy and memory.fill are calls out of wasm code in V8 (tens of ns each); im2col runs
// are short (kw·Cin floats), so plain loops are faster here.

/** dst[0:count] = src[0:count]. */
// @ts-ignore: decorator
@inline function copyFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  }
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[0:count] = 0. */
// @ts-ignore: decorator
@inline function zeroFloats(dst: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), zero);
  }
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[0:count] += src[0:count]. */
function addFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= count; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** Rows (output pixels) of the im2col matrix: N·OH·OW. */
export function conv2d_rows(geometry: usize): i32 {
  return g(geometry, G_BATCH) * g(geometry, G_OUT_H) * g(geometry, G_OUT_W);
}

/**
 * Forward pass: y = conv2d(x, filter) (+ bias[Cout]) then activation (gemm-f32 codes).
 * `bias` 0 means none. `work` holds `conv2d_f32_nhwc_workspace_bytes(geometry)` bytes.
 */
export function conv2d_forward_f32_nhwc(geometry: usize, x: usize, filter: usize, bias: usize, activation: i32, y: usize, work: usize): void {
  conv2d_forward_rows_f32_nhwc(geometry, x, filter, bias, activation, y, work, 0, conv2d_rows(geometry));
}

/**
 * Forward pass restricted to output rows [rowBegin, rowEnd) of the im2col matrix (output
 * pixels in N·OH·OW order), so threads can share one convolution. Writes only those rows of y.
 */
export function conv2d_forward_rows_f32_nhwc(geometry: usize, x: usize, filter: usize, bias: usize, activation: i32, y: usize, work: usize, rowBegin: i32, rowEnd: i32): void {
  const k = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W) * g(geometry, G_IN_C);
  const cout = g(geometry, G_OUT_C);
  if (rowEnd <= rowBegin || cout == 0) return;
  if (isPointwise(geometry)) {
    gemm_f32(rowEnd - rowBegin, cout, k, x + <usize>(rowBegin * k) * 4, k, false, filter, cout, false,
      y + <usize>(rowBegin * cout) * 4, cout, bias, activation, false, work);
    return;
  }
  const chunk = chunkRows(geometry);
  const col = (work + 15) & ~<usize>15;
  const gemmWork = col + <usize>(chunk * k) * 4 + 16;
  for (let r0 = rowBegin; r0 < rowEnd; r0 += chunk) {
    const n = min<i32>(chunk, rowEnd - r0);
    im2col(geometry, x, r0, n, col);
    gemm_f32(n, cout, k, col, k, false, filter, cout, false, y + <usize>(r0 * cout) * 4, cout, bias, activation, false, gemmWork);
  }
}

/** Gradient with respect to the input: dx[N,H,W,Cin] from dy[N,OH,OW,Cout] and the filter. */
export function conv2d_backprop_input_f32_nhwc(geometry: usize, dy: usize, filter: usize, dx: usize, work: usize): void {
  const dxBytes = <usize>(g(geometry, G_BATCH) * g(geometry, G_IN_H) * g(geometry, G_IN_W) * g(geometry, G_IN_C)) * 4;
  memory.fill(dx, 0, dxBytes);
  conv2d_backprop_input_rows_f32_nhwc(geometry, dy, filter, dx, work, 0, conv2d_rows(geometry));
}

/**
 * The input gradient of output rows [rowBegin, rowEnd) only, *added* into dx (the caller
 * zeroes dx first). Row ranges that start and end on image boundaries touch disjoint parts of
 * dx; other splits need separate dx buffers summed afterwards.
 */
export function conv2d_backprop_input_rows_f32_nhwc(geometry: usize, dy: usize, filter: usize, dx: usize, work: usize, rowBegin: i32, rowEnd: i32): void {
  const k = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W) * g(geometry, G_IN_C);
  const cout = g(geometry, G_OUT_C);
  if (rowEnd <= rowBegin || k == 0) return;
  if (isPointwise(geometry)) {
    // dx rows are the output rows here: dx = dy · Wᵀ (added, as documented).
    const chunk = chunkRows(geometry);
    const dcol = (work + 15) & ~<usize>15;
    const gemmWork = dcol + <usize>(chunk * k) * 4 + 16;
    for (let r0 = rowBegin; r0 < rowEnd; r0 += chunk) {
      const n = min<i32>(chunk, rowEnd - r0);
      gemm_f32(n, k, cout, dy + <usize>(r0 * cout) * 4, cout, false, filter, cout, true,
        dx + <usize>(r0 * k) * 4, k, 0, 0, true, gemmWork);
    }
    return;
  }
  const chunk = chunkRows(geometry);
  const dcol = (work + 15) & ~<usize>15;
  const gemmWork = dcol + <usize>(chunk * k) * 4 + 16;
  for (let r0 = rowBegin; r0 < rowEnd; r0 += chunk) {
    const n = min<i32>(chunk, rowEnd - r0);
    gemm_f32(n, k, cout, dy + <usize>(r0 * cout) * 4, cout, false, filter, cout, true, dcol, k, 0, 0, false, gemmWork);
    col2imAdd(geometry, dcol, r0, n, dx);
  }
}

/** Gradient with respect to the filter: dW[kh,kw,Cin,Cout] from x and dy. */
export function conv2d_backprop_filter_f32_nhwc(geometry: usize, x: usize, dy: usize, dfilter: usize, work: usize): void {
  conv2d_backprop_filter_rows_f32_nhwc(geometry, x, dy, dfilter, work, 0, conv2d_rows(geometry), false);
}

/**
 * The filter gradient summed over output rows [rowBegin, rowEnd) only; written to dfilter,
 * or added to it when `accumulate`. An empty range writes zeros (or leaves it).
 */
export function conv2d_backprop_filter_rows_f32_nhwc(geometry: usize, x: usize, dy: usize, dfilter: usize, work: usize, rowBegin: i32, rowEnd: i32, accumulate: bool): void {
  const k = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W) * g(geometry, G_IN_C);
  const cout = g(geometry, G_OUT_C);
  if (k == 0 || cout == 0) return;
  if (rowEnd <= rowBegin) {
    if (!accumulate) memory.fill(dfilter, 0, <usize>(k * cout) * 4);
    return;
  }
  if (isPointwise(geometry)) {
    gemm_f32(k, cout, rowEnd - rowBegin, x + <usize>(rowBegin * k) * 4, k, true, dy + <usize>(rowBegin * cout) * 4, cout, false,
      dfilter, cout, 0, 0, accumulate, work);
    return;
  }
  const chunk = chunkRows(geometry);
  const col = (work + 15) & ~<usize>15;
  const gemmWork = col + <usize>(chunk * k) * 4 + 16;
  for (let r0 = rowBegin; r0 < rowEnd; r0 += chunk) {
    const n = min<i32>(chunk, rowEnd - r0);
    im2col(geometry, x, r0, n, col);
    gemm_f32(k, cout, n, col, k, true, dy + <usize>(r0 * cout) * 4, cout, false, dfilter, cout, 0, 0, accumulate || r0 > rowBegin, gemmWork);
  }
}

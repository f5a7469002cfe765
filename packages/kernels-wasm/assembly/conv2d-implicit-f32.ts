/**
 * Implicit-GEMM 2-D convolution, f32, NHWC, stride 1 and dilation 1: the forward pass as the
 * GEMM y[pixels, Cout] = col[pixels, K] · W[K, Cout] (K = kh·kw·Cin) without building col.
 *
 * Each image is copied into a zero-padded NHWC buffer X[PH][PW][Cin] (PH = H + pt + pb,
 * PW = W + pl + pr). For output pixel (oy, ox), filter row ky reads the kw·Cin floats
 * X[oy + ky][ox .. ox + kw)[0 .. Cin) — one contiguous run, in the filter's (kx, ci) order.
 * So the micro-kernel is the gemm one with "packed A" read straight from X: 4 pixels — 4 in
 * a row, or 2×2 where that wastes fewer (e.g. 14×14 outputs) — × 8 output channels (two
 * f32x4 of the packed filter), 8 accumulators started at the bias, stored directly to NHWC
 * y. Edge tiles compute all 4 pixels into a scratch tile and copy the valid ones (their extra
 * reads stay inside X, whose tail has one more row and TP pixels for that).
 * (Measured: a 2×3-pixel tile with 12 accumulators ran a third slower — V8 spills — and
 * unrolling the inner loop by two slowed it too.)
 *
 * Few input channels (LeNet, the first layer of an image net) are where this pays: im2col
 * would copy kh·kw times the input for a GEMM with short rows.
 *
 * Uses the 17-int geometry block of conv2d-f32-nhwc.ts.
 */
import { maddF32x4 } from './simd-helpers';
import { epilogue, ACTIVATION_NONE, ACTIVATION_RELU } from './gemm-f32';

const G_IN_H = 1, G_IN_W = 2, G_IN_C = 3, G_FILTER_H = 4, G_FILTER_W = 5;
const G_OUT_C = 6, G_PAD_TOP = 11, G_PAD_LEFT = 12, G_PAD_BOTTOM = 13, G_PAD_RIGHT = 14, G_OUT_H = 15, G_OUT_W = 16;

/** Pixels per tile. */
const TP: i32 = 4;
/** Output channels per tile (two f32x4). */
const TC: i32 = 8;

// @ts-ignore: decorator
@inline function g(geometry: usize, index: i32): i32 {
  return load<i32>(geometry + (<usize>index << 2));
}

// @ts-ignore: decorator
@inline function roundUp(x: i32, m: i32): i32 {
  return ((x + m - 1) / m) * m;
}

/** Floats of the padded image buffer X, tail included (edge tiles read past the last row and pixel). */
/**
 * Copies image `n` of x into the zero-padded buffer xp, `pt` rows down and `pl` pixels right
 * (its borders stay as they are: zero from the caller's fill).
 */
@inline function copyPadded(x: usize, n: i32, imageBytes: usize, xp: usize, pt: i32, pl: i32, xRowBytes: usize, pixelBytes: usize, inH: i32, runBytes: usize): void {
  let src = x + <usize>n * imageBytes;
  let dst = xp + <usize>pt * xRowBytes + <usize>pl * pixelBytes;
  for (let iy = 0; iy < inH; iy++) {
    memory.copy(dst, src, runBytes);
    src += runBytes;
    dst += xRowBytes;
  }
}

function paddedFloats(geometry: usize): i32 {
  const ph = g(geometry, G_IN_H) + g(geometry, G_PAD_TOP) + g(geometry, G_PAD_BOTTOM);
  const pw = g(geometry, G_IN_W) + g(geometry, G_PAD_LEFT) + g(geometry, G_PAD_RIGHT);
  return roundUp((ph * pw + pw + TP) * g(geometry, G_IN_C) + 4, 4);
}

/** Bytes of workspace `conv2d_implicit_forward_f32_nhwc` needs. */
export function conv2d_implicit_workspace_bytes(geometry: usize): i32 {
  const k = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W) * g(geometry, G_IN_C);
  const coutP = roundUp(g(geometry, G_OUT_C), TC);
  return (paddedFloats(geometry) + k * coutP + coutP + TP * TC) * 4 + 64;
}

/**
 * Forward pass over images [imageBegin, imageEnd): y = conv2d(x, filter) (+ bias) then the
 * activation (gemm-f32 codes). Requires stride 1, dilation 1 and SIMD (the host checks).
 */
export function conv2d_implicit_forward_f32_nhwc(geometry: usize, x: usize, filter: usize, bias: usize, activation: i32, y: usize, work: usize, imageBegin: i32, imageEnd: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const inH = g(geometry, G_IN_H), inW = g(geometry, G_IN_W), cin = g(geometry, G_IN_C);
  const kh = g(geometry, G_FILTER_H), kw = g(geometry, G_FILTER_W), cout = g(geometry, G_OUT_C);
  const pt = g(geometry, G_PAD_TOP), pl = g(geometry, G_PAD_LEFT);
  const outH = g(geometry, G_OUT_H), outW = g(geometry, G_OUT_W);
  const pw = inW + pl + g(geometry, G_PAD_RIGHT);
  if (cout == 0 || outH == 0 || outW == 0) return;
  const k = kh * kw * cin;
  const run = kw * cin;
  const coutP = roundUp(cout, TC);
  const xp = (work + 15) & ~<usize>15;
  const xpFloats = paddedFloats(geometry);
  const wp = xp + <usize>xpFloats * 4;
  const bp = wp + <usize>(k * coutP) * 4;
  const tile = bp + <usize>coutP * 4;
  // Filter packed as wp[cb][t][TC] (t = (ky·kw + kx)·Cin + ci), zero past cout; bias likewise.
  for (let cb = 0; cb < coutP; cb += TC) {
    for (let t = 0; t < k; t++) {
      for (let j = 0; j < TC; j++) {
        const co = cb + j;
        const v: f32 = co < cout ? load<f32>(filter + <usize>(t * cout + co) * 4) : 0;
        store<f32>(wp + <usize>(cb * k + t * TC + j) * 4, v);
      }
    }
  }
  for (let co = 0; co < coutP; co++) {
    store<f32>(bp + <usize>co * 4, bias != 0 && co < cout ? load<f32>(bias + <usize>co * 4) : 0);
  }
  const relu = activation == ACTIVATION_RELU;
  const pixelBytes = <usize>cin * 4;
  const xRowBytes = <usize>(pw * cin) * 4;
  const yPixelBytes = <usize>cout * 4;
  const imageBytes = <usize>(inH * inW * cin) * 4;
  const runBytes = <usize>inW * pixelBytes;
  // Tile shape: 2×2 pixels or 4 in a row, whichever computes fewer thrown-away pixels.
  const waste4 = outH * roundUp(outW, 4), waste22 = roundUp(outH, 2) * roundUp(outW, 2);
  const tall = waste22 < waste4 ? 2 : 1, wide = TP / tall;
  // Byte offsets of tile pixels 1..3 in X and in y.
  const x1 = pixelBytes, x2 = tall == 2 ? xRowBytes : 2 * pixelBytes, x3 = x2 + pixelBytes;
  const y1 = yPixelBytes, y2 = tall == 2 ? <usize>outW * yPixelBytes : 2 * yPixelBytes, y3 = y2 + yPixelBytes;
  memory.fill(xp, 0, <usize>xpFloats * 4);
  for (let n = imageBegin; n < imageEnd; n++) {
    // Padded copy of image n (the borders and the tail stay zero from the fill above).
    copyPadded(x, n, imageBytes, xp, pt, pl, xRowBytes, pixelBytes, inH, runBytes);
    const yImage = y + <usize>(n * outH * outW) * yPixelBytes;
    for (let oy = 0; oy < outH; oy += tall) {
      const rowsValid = min<i32>(tall, outH - oy);
      const xRow = xp + <usize>oy * xRowBytes;
      const yRow = yImage + <usize>(oy * outW) * yPixelBytes;
      for (let ox = 0; ox < outW; ox += wide) {
        const colsValid = min<i32>(wide, outW - ox);
        const a0 = xRow + <usize>ox * pixelBytes;
        const yTile = yRow + <usize>ox * yPixelBytes;
        for (let cb = 0; cb < coutP; cb += TC) {
          const cols = min<i32>(TC, cout - cb);
          const full = rowsValid == tall && colsValid == wide && cols == TC;
          const w = wp + <usize>(cb * k) * 4, b = bp + <usize>cb * 4;
          if (full) {
            tileKernel(kh, run, a0, xRowBytes, x1, x2, x3, w, b, yTile + <usize>cb * 4, y1, y2, y3, relu);
            continue;
          }
          tileKernel(kh, run, a0, xRowBytes, x1, x2, x3, w, b, tile, TC * 4, TC * 8, TC * 12, relu);
          for (let i = 0; i < TP; i++) {
            const dy = tall == 2 ? i >> 1 : 0, dx = tall == 2 ? i & 1 : i;
            if (dy >= rowsValid || dx >= colsValid) continue;
            const to = yTile + <usize>(dy * outW + dx) * yPixelBytes + <usize>cb * 4;
            memory.copy(to, tile + <usize>(i * TC) * 4, <usize>cols * 4);
          }
        }
      }
    }
    if (activation != ACTIVATION_NONE && !relu) epilogue(yImage, cout, outH * outW, cout, 0, activation);
  }
}

/**
 * One 4-pixel × 8-channel tile: for each filter row ky, `run` = kw·Cin steps along the
 * contiguous input runs (pixel i at byte offset s_i from a0) and the packed filter. Stores
 * pixel i at c + d_i (d_0 = 0).
 */
// @ts-ignore: decorator
@inline function tileKernel(
  kh: i32, run: i32, a0: usize, xRowBytes: usize, s1: usize, s2: usize, s3: usize, w: usize, bias: usize,
  c: usize, d1: usize, d2: usize, d3: usize, relu: bool,
): void {
  const b0 = v128.load(bias), b1 = v128.load(bias, 16);
  let c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
  let row = a0;
  for (let ky = 0; ky < kh; ky++) {
    let ap = row;
    let t = 0;
    for (; t < run; t++) {
      const w0 = v128.load(w);
      const w1 = v128.load(w, 16);
      let a = v128.load32_splat(ap);
      c00 = maddF32x4(a, w0, c00); c01 = maddF32x4(a, w1, c01);
      a = v128.load32_splat(ap + s1);
      c10 = maddF32x4(a, w0, c10); c11 = maddF32x4(a, w1, c11);
      a = v128.load32_splat(ap + s2);
      c20 = maddF32x4(a, w0, c20); c21 = maddF32x4(a, w1, c21);
      a = v128.load32_splat(ap + s3);
      c30 = maddF32x4(a, w0, c30); c31 = maddF32x4(a, w1, c31);
      ap += 4;
      w += TC * 4;
    }
    row += xRowBytes;
  }
  if (relu) {
    const z = f32x4.splat(0);
    c00 = f32x4.max(c00, z); c01 = f32x4.max(c01, z); c10 = f32x4.max(c10, z); c11 = f32x4.max(c11, z);
    c20 = f32x4.max(c20, z); c21 = f32x4.max(c21, z); c30 = f32x4.max(c30, z); c31 = f32x4.max(c31, z);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + d1, c10); v128.store(c + d1, c11, 16);
  v128.store(c + d2, c20); v128.store(c + d2, c21, 16);
  v128.store(c + d3, c30); v128.store(c + d3, c31, 16);
}

/** Filter taps (rows of dW[K, Cout]) per filter-gradient tile. */
const TK: i32 = 4;
/** Bytes of dy and X rows the filter gradient keeps in L1 across tiles (one band of rows). */
const BAND_BYTES: i32 = 32768;

/** Bytes of workspace `conv2d_implicit_backprop_filter_f32_nhwc` needs. */
export function conv2d_implicit_filter_workspace_bytes(geometry: usize): i32 {
  const k = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W) * g(geometry, G_IN_C);
  const coutP = roundUp(g(geometry, G_OUT_C), TC);
  const dyFloats = g(geometry, G_OUT_H) * g(geometry, G_OUT_W) * coutP;
  return (paddedFloats(geometry) + dyFloats + roundUp(k, TK) * (coutP + 1)) * 4 + 64;
}

/**
 * Filter gradient dW[K, Cout] = colᵀ · dy summed over images [imageBegin, imageEnd), without
 * building col: written to dfilter, or added to it when `accumulate`. Requires stride 1,
 * dilation 1 and SIMD (the host checks).
 *
 * Each image is copied into the zero-padded X of the forward pass; dy is read in place, or
 * through a copy with Cout padded to a multiple of 8 (zeros) when it is not one. A tile is 4
 * filter taps t (rows of dW, any 4: tap t = (ky, j) reads X at ky·rowBytes + j·4 from the
 * pixel's corner) × 8 output channels, 8 accumulators, summed over a band of output rows
 * (as many as keep the band's dy and X in L1 across its tiles, BAND_BYTES) and then added to
 * dW: per pixel two f32x4 of dy and four splats of X, the forward tile's mirror image. Taps
 * past K (the last tile) read tap 0 and are discarded, as are the padded channels: nothing
 * else is computed in vain, and only padding zeros multiply dy, as in im2col.
 */
export function conv2d_implicit_backprop_filter_f32_nhwc(geometry: usize, x: usize, dy: usize, dfilter: usize, work: usize, imageBegin: i32, imageEnd: i32, accumulate: bool): void {
  if (!ASC_FEATURE_SIMD) return;
  const inH = g(geometry, G_IN_H), inW = g(geometry, G_IN_W), cin = g(geometry, G_IN_C);
  const kh = g(geometry, G_FILTER_H), kw = g(geometry, G_FILTER_W), cout = g(geometry, G_OUT_C);
  const pt = g(geometry, G_PAD_TOP), pl = g(geometry, G_PAD_LEFT);
  const outH = g(geometry, G_OUT_H), outW = g(geometry, G_OUT_W);
  const pw = inW + pl + g(geometry, G_PAD_RIGHT);
  const k = kh * kw * cin;
  if (k == 0 || cout == 0) return;
  const run = kw * cin;
  const kP = roundUp(k, TK);
  const coutP = roundUp(cout, TC);
  const xp = (work + 15) & ~<usize>15;
  const xpFloats = paddedFloats(geometry);
  const dp = xp + <usize>xpFloats * 4;
  const acc = dp + <usize>(outH * outW * coutP) * 4;
  const offsets = acc + <usize>(kP * coutP) * 4;
  memory.fill(acc, 0, <usize>(kP * coutP) * 4);
  const pixelBytes = <usize>cin * 4;
  const xRowBytes = <usize>(pw * cin) * 4;
  const imageBytes = <usize>(inH * inW * cin) * 4;
  const runBytes = <usize>inW * pixelBytes;
  // X byte offset of each tap t = ky·run + j from a pixel's corner; taps past K read tap 0.
  for (let t = 0; t < kP; t++) {
    const ky = t < k ? t / run : 0;
    const j = t < k ? t - ky * run : 0;
    store<u32>(offsets + (<usize>t << 2), <u32>(<usize>ky * xRowBytes + (<usize>j << 2)));
  }
  const ragged = cout != coutP;
  const dPixelBytes = <usize>coutP * 4;
  const dyImageBytes = <usize>(outH * outW * cout) * 4;
  // Skipped per output row: the X pixels past the last output column.
  const xRowSkip = xRowBytes - <usize>outW * pixelBytes;
  // Output rows per band: a band's dy and X rows stay in L1 across its tiles (BAND_BYTES).
  const band = max<i32>(1, min<i32>(outH, BAND_BYTES / max<i32>(1, outW * coutP * 4 + <i32>xRowBytes)));
  memory.fill(xp, 0, <usize>xpFloats * 4);
  if (ragged) memory.fill(dp, 0, <usize>(outH * outW * coutP) * 4);
  for (let n = imageBegin; n < imageEnd; n++) {
    copyPadded(x, n, imageBytes, xp, pt, pl, xRowBytes, pixelBytes, inH, runBytes);
    let d = dy + <usize>n * dyImageBytes;
    if (ragged) {
      // dp[p][0 .. cout) = dy[n, p, :]; lanes cout .. coutP stay zero.
      const rowBytes = <usize>cout * 4;
      for (let p = 0; p < outH * outW; p++) memory.copy(dp + <usize>p * dPixelBytes, d + <usize>p * rowBytes, rowBytes);
      d = dp;
    }
    for (let oy0 = 0; oy0 < outH; oy0 += band) {
      const rows = min<i32>(band, outH - oy0);
      for (let cb = 0; cb < coutP; cb += TC) {
        const dBlock = d + <usize>(oy0 * outW) * dPixelBytes + <usize>cb * 4;
        const xBand = xp + <usize>oy0 * xRowBytes;
        for (let t0 = 0; t0 < kP; t0 += TK) {
          const ot = offsets + (<usize>t0 << 2);
          const o0 = <usize>load<u32>(ot), o1 = <usize>load<u32>(ot, 4), o2 = <usize>load<u32>(ot, 8), o3 = <usize>load<u32>(ot, 12);
          let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
          let a = xBand;
          let e = dBlock;
          for (let oy = 0; oy < rows; oy++) {
            for (let ox = 0; ox < outW; ox++) {
              const d0 = v128.load(e), d1 = v128.load(e, 16);
              let s = v128.load32_splat(a + o0);
              c00 = maddF32x4(s, d0, c00); c01 = maddF32x4(s, d1, c01);
              s = v128.load32_splat(a + o1);
              c10 = maddF32x4(s, d0, c10); c11 = maddF32x4(s, d1, c11);
              s = v128.load32_splat(a + o2);
              c20 = maddF32x4(s, d0, c20); c21 = maddF32x4(s, d1, c21);
              s = v128.load32_splat(a + o3);
              c30 = maddF32x4(s, d0, c30); c31 = maddF32x4(s, d1, c31);
              a += pixelBytes;
              e += dPixelBytes;
            }
            a += xRowSkip;
          }
          // acc rows are coutP floats, like dp's pixels
          const r = acc + <usize>(t0 * coutP + cb) * 4;
          addTo(r, c00); addTo(r + 16, c01);
          addTo(r + dPixelBytes, c10); addTo(r + dPixelBytes + 16, c11);
          addTo(r + 2 * dPixelBytes, c20); addTo(r + 2 * dPixelBytes + 16, c21);
          addTo(r + 3 * dPixelBytes, c30); addTo(r + 3 * dPixelBytes + 16, c31);
        }
      }
    }
  }
  for (let t = 0; t < k; t++) {
    const from = acc + <usize>(t * coutP) * 4;
    const to = dfilter + <usize>(t * cout) * 4;
    for (let co = 0; co < cout; co++) {
      const v = load<f32>(from + <usize>co * 4);
      const at = to + <usize>co * 4;
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

// @ts-ignore: decorator
@inline function addTo(at: usize, v: v128): void {
  v128.store(at, f32x4.add(v128.load(at), v));
}

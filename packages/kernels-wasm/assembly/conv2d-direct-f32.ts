/**
 * Direct 2-D convolution, f32, NHWC, for stride 1 and dilation 1 with few channels (LeNet's
 * first layers), where im2col would copy kh·kw times the input for a GEMM too narrow to fill
 * its tiles.
 *
 * Each image is first copied into zero-padded channel planes P[ci][PH·PW] (PH = H + pt + pb,
 * PW = W + pl + pr). Output pixel (oy, ox) then reads P[ci][q + ky·PW + kx] with q = oy·PW + ox,
 * so the output can be walked as one line of "virtual" pixels q ∈ [0, OH·PW): the ones with
 * ox ≥ OW are computed and thrown away (PW − OW of every PW). No bounds checks in the loop:
 *   forward:  Q[co][q] = Σ_{ci,ky,kx} P[ci][q + ky·PW + kx] · w[ky,kx,ci,co], 3 channels × 12
 *             pixels (9 f32x4 accumulators) per step, then Q is written back as NHWC.
 *   filter:   dw[ky,kx,ci,co] = Σ_q P[ci][q + ky·PW + kx] · D[co][q], with D the planar dy
 *             (zero at the thrown-away pixels); 3 kx × 3 channels per step, 4 pixels per lane
 *             (the last 1 or 2 kx of a kw that is not a multiple of 3 on their own).
 * The input gradient is the forward pass of dy with the filter rotated 180° and its in/out
 * channels swapped (the host sets that up), or, where that pass would multiply mostly the
 * zero padding of dy (valid convolutions), the transposed kernel of conv2d-transposed-f32.ts.
 *
 * Uses the 17-int geometry block of conv2d-f32-nhwc.ts.
 */
import { maddF32x4 } from './simd-helpers';
import { epilogue } from './gemm-f32';

const G_BATCH = 0, G_IN_H = 1, G_IN_W = 2, G_IN_C = 3, G_FILTER_H = 4, G_FILTER_W = 5;
const G_OUT_C = 6, G_PAD_TOP = 11, G_PAD_LEFT = 12, G_PAD_BOTTOM = 13, G_PAD_RIGHT = 14, G_OUT_H = 15, G_OUT_W = 16;

/** Output channels per block. */
const CB: i32 = 3;
/** Virtual pixels per forward step (three f32x4). */
export const QB: i32 = 12;

// @ts-ignore: decorator
@inline function g(geometry: usize, index: i32): i32 {
  return load<i32>(geometry + (<usize>index << 2));
}

// @ts-ignore: decorator
@inline function roundUp(x: i32, m: i32): i32 {
  return ((x + m - 1) / m) * m;
}

export function padW(geometry: usize): i32 {
  return g(geometry, G_IN_W) + g(geometry, G_PAD_LEFT) + g(geometry, G_PAD_RIGHT);
}
export function planeLength(geometry: usize): i32 {
  const ph = g(geometry, G_IN_H) + g(geometry, G_PAD_TOP) + g(geometry, G_PAD_BOTTOM);
  const pw = padW(geometry);
  return roundUp(ph * pw + pw + 2 * QB + 8, 4);
}
export function virtualPixels(geometry: usize): i32 {
  return roundUp(g(geometry, G_OUT_H) * padW(geometry), QB);
}

/** Bytes of workspace the direct kernels need (either pass). */
export function conv2d_direct_workspace_bytes(geometry: usize): i32 {
  const cin = g(geometry, G_IN_C), cout = g(geometry, G_OUT_C);
  const coutP = roundUp(cout, CB);
  const taps = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W);
  const forward = coutP * virtualPixels(geometry) + taps * cin * coutP;
  const filter = coutP * virtualPixels(geometry) + taps * cin * coutP + 16;
  return (cin * planeLength(geometry) + max<i32>(forward, filter)) * 4 + 128;
}

/** Zeroes the channel planes at `planes` (once per call: toPlanes only writes the image part). */
function clearPlanes(geometry: usize, planes: usize): void {
  memory.fill(planes, 0, <usize>(g(geometry, G_IN_C) * planeLength(geometry)) * 4);
}

/**
 * Copies image n of x (NHWC) into the channel planes at `planes`, whose padding clearPlanes
 * zeroed (every image writes the same positions, so the padding stays zero).
 */
function toPlanes(geometry: usize, x: usize, n: i32, planes: usize): void {
  const inH = g(geometry, G_IN_H), inW = g(geometry, G_IN_W), cin = g(geometry, G_IN_C);
  const pt = g(geometry, G_PAD_TOP), pl = g(geometry, G_PAD_LEFT), pw = padW(geometry);
  const len = planeLength(geometry);
  let src = x + <usize>(n * inH * inW * cin) * 4;
  if (cin == 1) {
    for (let iy = 0; iy < inH; iy++) {
      const dst = planes + <usize>((iy + pt) * pw + pl) * 4;
      let ix = 0;
      if (ASC_FEATURE_SIMD) {
        for (; ix + 4 <= inW; ix += 4) v128.store(dst + (<usize>ix << 2), v128.load(src + (<usize>ix << 2)));
      }
      for (; ix < inW; ix++) store<f32>(dst + (<usize>ix << 2), load<f32>(src + (<usize>ix << 2)));
      src += <usize>inW * 4;
    }
    return;
  }
  nhwcToPlanes(src, inH, inW, cin, planes + <usize>(pt * pw + pl) * 4, <usize>pw * 4, <usize>len * 4);
}

/**
 * NHWC rows to channel planes: dst[c][r·rowStride + col] = src[(r·cols + col)·channels + c]
 * for r < rows, col < cols (strides in bytes). Four pixels × four channels at a time through a
 * 4×4 transpose in registers; the channels past the last multiple of 4, and the last pixels of
 * a row, one by one.
 */
export function nhwcToPlanes(src: usize, rows: i32, cols: i32, channels: i32, dst: usize, rowStrideBytes: usize, planeBytes: usize): void {
  const c4 = channels & ~3;
  const pixBytes = <usize>channels * 4;
  for (let r = 0; r < rows; r++) {
    const rowDst = dst + <usize>r * rowStrideBytes;
    let s = src + <usize>(r * cols) * pixBytes;
    let col = 0;
    if (ASC_FEATURE_SIMD) {
      for (; col + 4 <= cols; col += 4) {
        const d = rowDst + (<usize>col << 2);
        for (let c = 0; c < c4; c += 4) {
          const a = s + (<usize>c << 2);
          const v0 = v128.load(a), v1 = v128.load(a + pixBytes), v2 = v128.load(a + 2 * pixBytes), v3 = v128.load(a + 3 * pixBytes);
          const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
          const p = d + <usize>c * planeBytes;
          v128.store(p, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
          v128.store(p + planeBytes, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
          v128.store(p + 2 * planeBytes, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
          v128.store(p + 3 * planeBytes, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        }
        for (let c = c4; c < channels; c++) {
          const p = d + <usize>c * planeBytes;
          const a = s + (<usize>c << 2);
          store<f32>(p, load<f32>(a));
          store<f32>(p, load<f32>(a + pixBytes), 4);
          store<f32>(p, load<f32>(a + 2 * pixBytes), 8);
          store<f32>(p, load<f32>(a + 3 * pixBytes), 12);
        }
        s += 4 * pixBytes;
      }
    }
    for (; col < cols; col++) {
      let p = rowDst + (<usize>col << 2);
      for (let c = 0; c < channels; c++) {
        store<f32>(p, load<f32>(s));
        p += planeBytes;
        s += 4;
      }
    }
  }
}

/**
 * Forward pass over images [imageBegin, imageEnd): y = conv2d(x, filter) (+ bias) then the
 * activation (gemm-f32 codes). Requires stride 1 and dilation 1 (the host checks).
 */
export function conv2d_direct_forward_f32_nhwc(geometry: usize, x: usize, filter: usize, bias: usize, activation: i32, y: usize, work: usize, imageBegin: i32, imageEnd: i32): void {
  const cin = g(geometry, G_IN_C), cout = g(geometry, G_OUT_C), kh = g(geometry, G_FILTER_H), kw = g(geometry, G_FILTER_W);
  const outH = g(geometry, G_OUT_H), outW = g(geometry, G_OUT_W), pw = padW(geometry);
  if (cout == 0 || outH == 0 || outW == 0) return;
  const coutP = roundUp(cout, CB);
  const len = planeLength(geometry);
  const vq = virtualPixels(geometry);
  const planes = (work + 15) & ~<usize>15;
  const q = planes + <usize>(cin * len) * 4;
  const wp = q + <usize>(coutP * vq) * 4;
  // Pack the filter as wp[block][ci][ky][kx][CB], zero past cout.
  const taps = kh * kw;
  for (let b = 0; b < coutP / CB; b++) {
    for (let ci = 0; ci < cin; ci++) {
      for (let t = 0; t < taps; t++) {
        for (let j = 0; j < CB; j++) {
          const co = b * CB + j;
          const v: f32 = co < cout ? load<f32>(filter + <usize>((t * cin + ci) * cout + co) * 4) : 0;
          store<f32>(wp + <usize>((((b * cin + ci) * taps + t) * CB) + j) * 4, v);
        }
      }
    }
  }
  const pwBytes = <usize>pw * 4;
  const planeBytes = <usize>len * 4;
  const vqBytes = <usize>vq * 4;
  clearPlanes(geometry, planes);
  for (let n = imageBegin; n < imageEnd; n++) {
    toPlanes(geometry, x, n, planes);
    for (let b = 0; b < coutP / CB; b++) {
      const wBlock = wp + <usize>(b * cin * taps * CB) * 4;
      const out0 = q + <usize>(b * CB) * vqBytes;
      let q0 = 0;
      if (ASC_FEATURE_SIMD && cout == 1) q0 = forwardOneChannel(cin, kh, kw, planes, planeBytes, pwBytes, wBlock, out0, vq);
      for (; q0 < vq; q0 += QB) {
        if (ASC_FEATURE_SIMD) {
          let a00 = f32x4.splat(0), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00, a20 = a00, a21 = a00, a22 = a00;
          let wPtr = wBlock;
          for (let ci = 0; ci < cin; ci++) {
            let row = planes + <usize>ci * planeBytes + (<usize>q0 << 2);
            for (let ky = 0; ky < kh; ky++) {
              let p = row;
              for (let kx = 0; kx < kw; kx++) {
                const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32);
                let w = v128.load32_splat(wPtr);
                a00 = maddF32x4(x0, w, a00); a01 = maddF32x4(x1, w, a01); a02 = maddF32x4(x2, w, a02);
                w = v128.load32_splat(wPtr, 4);
                a10 = maddF32x4(x0, w, a10); a11 = maddF32x4(x1, w, a11); a12 = maddF32x4(x2, w, a12);
                w = v128.load32_splat(wPtr, 8);
                a20 = maddF32x4(x0, w, a20); a21 = maddF32x4(x1, w, a21); a22 = maddF32x4(x2, w, a22);
                wPtr += CB * 4;
                p += 4;
              }
              row += pwBytes;
            }
          }
          const o = out0 + (<usize>q0 << 2);
          v128.store(o, a00); v128.store(o, a01, 16); v128.store(o, a02, 32);
          v128.store(o + vqBytes, a10); v128.store(o + vqBytes, a11, 16); v128.store(o + vqBytes, a12, 32);
          v128.store(o + 2 * vqBytes, a20); v128.store(o + 2 * vqBytes, a21, 16); v128.store(o + 2 * vqBytes, a22, 32);
        } else {
          for (let j = 0; j < CB; j++) {
            for (let i = 0; i < QB; i++) {
              let s: f32 = 0;
              let wPtr = wBlock + <usize>j * 4;
              for (let ci = 0; ci < cin; ci++) {
                for (let ky = 0; ky < kh; ky++) {
                  const p = planes + <usize>ci * planeBytes + <usize>(q0 + i + ky * pw) * 4;
                  for (let kx = 0; kx < kw; kx++) {
                    s += load<f32>(p + (<usize>kx << 2)) * load<f32>(wPtr);
                    wPtr += CB * 4;
                  }
                }
              }
              store<f32>(out0 + <usize>j * vqBytes + <usize>(q0 + i) * 4, s);
            }
          }
        }
      }
    }
    // Planar Q → NHWC y for image n (only ox < OW), then bias and activation.
    const yImage = y + <usize>(n * outH * outW * cout) * 4;
    let dst = yImage;
    if (cout == 1) {
      // one channel: each output row is a contiguous run of Q
      for (let oy = 0; oy < outH; oy++) memory.copy(yImage + <usize>(oy * outW) * 4, q + <usize>(oy * pw) * 4, <usize>outW * 4);
    } else {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          let src = q + <usize>(oy * pw + ox) * 4;
          for (let co = 0; co < cout; co++) {
            store<f32>(dst, load<f32>(src));
            dst += 4;
            src += vqBytes;
          }
        }
      }
    }
    if (bias != 0 || activation != 0) epilogue(yImage, cout, outH * outW, cout, bias, activation);
  }
}

/**
 * One output channel (the input gradient of a 1-channel layer): the three channel rows of a
 * block would be two-thirds padding, so each step takes 36 pixels (nine f32x4) of the one
 * channel instead. Returns the first virtual pixel it did not compute.
 */
function forwardOneChannel(cin: i32, kh: i32, kw: i32, planes: usize, planeBytes: usize, pwBytes: usize, wBlock: usize, out0: usize, vq: i32): i32 {
  let q0 = 0;
  for (; q0 + 3 * QB <= vq; q0 += 3 * QB) {
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0;
    let wPtr = wBlock;
    for (let ci = 0; ci < cin; ci++) {
      let row = planes + <usize>ci * planeBytes + (<usize>q0 << 2);
      for (let ky = 0; ky < kh; ky++) {
        let p = row;
        for (let kx = 0; kx < kw; kx++) {
          const w = v128.load32_splat(wPtr);
          a0 = maddF32x4(v128.load(p), w, a0); a1 = maddF32x4(v128.load(p, 16), w, a1); a2 = maddF32x4(v128.load(p, 32), w, a2);
          a3 = maddF32x4(v128.load(p, 48), w, a3); a4 = maddF32x4(v128.load(p, 64), w, a4); a5 = maddF32x4(v128.load(p, 80), w, a5);
          a6 = maddF32x4(v128.load(p, 96), w, a6); a7 = maddF32x4(v128.load(p, 112), w, a7); a8 = maddF32x4(v128.load(p, 128), w, a8);
          wPtr += CB * 4;
          p += 4;
        }
        row += pwBytes;
      }
    }
    const o = out0 + (<usize>q0 << 2);
    v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48); v128.store(o, a4, 64);
    v128.store(o, a5, 80); v128.store(o, a6, 96); v128.store(o, a7, 112); v128.store(o, a8, 128);
  }
  return q0;
}

/**
 * Filter gradient summed over images [imageBegin, imageEnd): written to dfilter, or added to
 * it when `accumulate`. Requires stride 1 and dilation 1.
 */
export function conv2d_direct_backprop_filter_f32_nhwc(geometry: usize, x: usize, dy: usize, dfilter: usize, work: usize, imageBegin: i32, imageEnd: i32, accumulate: bool): void {
  const cin = g(geometry, G_IN_C), cout = g(geometry, G_OUT_C), kh = g(geometry, G_FILTER_H), kw = g(geometry, G_FILTER_W);
  const outH = g(geometry, G_OUT_H), outW = g(geometry, G_OUT_W), pw = padW(geometry);
  const taps = kh * kw;
  if (cout == 0 || cin == 0) return;
  const coutP = roundUp(cout, CB);
  const kwP = roundUp(kw, 3);
  const len = planeLength(geometry);
  const vq = virtualPixels(geometry);
  const planes = (work + 15) & ~<usize>15;
  const d = planes + <usize>(cin * len) * 4;
  const acc = d + <usize>(coutP * vq) * 4;
  // acc[ci][ky][kxP][coutP]: kx padded to a multiple of 3 (the extra columns, computed only
  // by the scalar build, are discarded).
  const accLen = cin * kh * kwP * coutP;
  memory.fill(acc, 0, <usize>accLen * 4);
  const vqBytes = <usize>vq * 4;
  const planeBytes = <usize>len * 4;
  clearPlanes(geometry, planes);
  for (let n = imageBegin; n < imageEnd; n++) {
    toPlanes(geometry, x, n, planes);
    // D[co][q] = dy[n, oy, ox, co] at q = oy·PW + ox, zero elsewhere (and for co ≥ cout).
    memory.fill(d, 0, <usize>(coutP * vq) * 4);
    nhwcToPlanes(dy + <usize>(n * outH * outW * cout) * 4, outH, outW, cout, d, <usize>pw * 4, vqBytes);
    for (let ci = 0; ci < cin; ci++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx0 = 0; kx0 < kwP; kx0 += 3) {
          const xRow = planes + <usize>ci * planeBytes + <usize>(ky * pw + kx0) * 4;
          for (let b = 0; b < coutP; b += CB) {
            const d0 = d + <usize>b * vqBytes;
            const out = acc + <usize>(((ci * kh + ky) * kwP + kx0) * coutP + b) * 4;
            const coutPBytes = <usize>coutP * 4;
            if (ASC_FEATURE_SIMD && kw - kx0 <= 2) {
              // The last 1 or 2 filter columns (kw not a multiple of 3): only those, not the
              // padded column (for kw = 5, a sixth of the multiply-adds).
              const two = kw - kx0 == 2;
              let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
              for (let qq = 0; qq < vq; qq += 4) {
                const o = <usize>qq << 2;
                const e0 = v128.load(d0 + o), e1 = v128.load(d0 + vqBytes + o), e2 = v128.load(d0 + 2 * vqBytes + o);
                const p = xRow + o;
                let xv = v128.load(p);
                s00 = maddF32x4(xv, e0, s00); s01 = maddF32x4(xv, e1, s01); s02 = maddF32x4(xv, e2, s02);
                if (two) {
                  xv = v128.load(p, 4);
                  s10 = maddF32x4(xv, e0, s10); s11 = maddF32x4(xv, e1, s11); s12 = maddF32x4(xv, e2, s12);
                }
              }
              addSum(out, s00); addSum(out + 4, s01); addSum(out + 8, s02);
              addSum(out + coutPBytes, s10); addSum(out + coutPBytes + 4, s11); addSum(out + coutPBytes + 8, s12);
            } else if (ASC_FEATURE_SIMD) {
              let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00, s20 = s00, s21 = s00, s22 = s00;
              for (let qq = 0; qq < vq; qq += 4) {
                const o = <usize>qq << 2;
                const e0 = v128.load(d0 + o), e1 = v128.load(d0 + vqBytes + o), e2 = v128.load(d0 + 2 * vqBytes + o);
                const p = xRow + o;
                let xv = v128.load(p);
                s00 = maddF32x4(xv, e0, s00); s01 = maddF32x4(xv, e1, s01); s02 = maddF32x4(xv, e2, s02);
                xv = v128.load(p, 4);
                s10 = maddF32x4(xv, e0, s10); s11 = maddF32x4(xv, e1, s11); s12 = maddF32x4(xv, e2, s12);
                xv = v128.load(p, 8);
                s20 = maddF32x4(xv, e0, s20); s21 = maddF32x4(xv, e1, s21); s22 = maddF32x4(xv, e2, s22);
              }
              addSum(out, s00); addSum(out + 4, s01); addSum(out + 8, s02);
              addSum(out + coutPBytes, s10); addSum(out + coutPBytes + 4, s11); addSum(out + coutPBytes + 8, s12);
              addSum(out + 2 * coutPBytes, s20); addSum(out + 2 * coutPBytes + 4, s21); addSum(out + 2 * coutPBytes + 8, s22);
            } else {
              for (let i = 0; i < 3; i++) {
                for (let j = 0; j < CB; j++) {
                  let s: f32 = 0;
                  for (let qq = 0; qq < vq; qq++) s += load<f32>(xRow + <usize>(qq + i) * 4) * load<f32>(d0 + <usize>j * vqBytes + <usize>qq * 4);
                  const at = out + <usize>i * coutPBytes + <usize>j * 4;
                  store<f32>(at, load<f32>(at) + s);
                }
              }
            }
          }
        }
      }
    }
  }
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let ci = 0; ci < cin; ci++) {
        const from = acc + <usize>(((ci * kh + ky) * kwP + kx) * coutP) * 4;
        const to = dfilter + <usize>(((ky * kw + kx) * cin + ci) * cout) * 4;
        for (let co = 0; co < cout; co++) {
          const v = load<f32>(from + <usize>co * 4);
          const at = to + <usize>co * 4;
          store<f32>(at, accumulate ? load<f32>(at) + v : v);
        }
      }
    }
  }
  if (taps == 0) return;
}

// @ts-ignore: decorator
@inline function addSum(at: usize, v: v128): void {
  const s = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
  store<f32>(at, load<f32>(at) + s);
}

/**
 * 1 when every one of the n floats at `x` is finite, else 0 (x − x is 0 exactly for finite x
 * and NaN for ±∞ and NaN). The host runs it on its arena copy before choosing the direct filter
 * kernel, which multiplies x by zeros of the thrown-away pixels (0·∞ would be NaN).
 */
export function all_finite_f32(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let bad = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      bad = v128.or(bad, f32x4.ne(f32x4.sub(v, v), f32x4.splat(0)));
    }
    if (v128.any_true(bad)) return 0;
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v - v != 0) return 0;
  }
  return 1;
}

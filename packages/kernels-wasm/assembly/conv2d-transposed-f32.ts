/**
 * Input gradient of a stride-1, dilation-1 convolution, f32, NHWC, as a direct transposed
 * convolution: every pixel of dy scatters W[ky,kx]·dy into the kh×kw pixels of dx it came from,
 *
 *   dx[n, oy + ky − pt, ox + kx − pl, ci] += Σ_co w[ky,kx,ci,co] · dy[n, oy, ox, co],
 *
 * so it does the real multiply-adds only, where the forward pass of the rotated filter over dy
 * padded by k − 1 − pad (conv2d-direct-f32.ts) also multiplies that padding: for LeNet's second
 * layer (14×14×6 ← 10×10×16, 5×5 valid) that is 144·5·80 multiply-adds per image and input
 * channel here (5 filter rows of 144 virtual pixels, kw·Cout = 80 each), against 252·25·16 for
 * the rotated form (100·25·16 are real).
 *
 * Planar, like the direct kernels: dy becomes channel planes D[co][q] with row stride PW = W + pl
 * + pr = OW + kw − 1 (q = oy·PW + ox, zero for ox ≥ OW and before q = 0), dx is built in
 * zero-padded planes X[ci][PH·PW], and for each filter row ky
 *   X[ci][p + ky·PW] += Σ_{kx,co} w[ky,kx,ci,co] · D[co][p − kx]
 * over the line of virtual pixels p ∈ [0, OH·PW + kw − 1): 3 input channels × 12 pixels (9 f32x4
 * accumulators) per step, summed over kw·Cout in registers and then added into X (gathered
 * along kx, scattered along ky); finally X without its padding is written as NHWC.
 * The zero dy of the thrown-away pixels meets every weight, so the host runs it for finite
 * weights only (0·∞ would be NaN). Uses the 17-int geometry block of conv2d-f32-nhwc.ts.
 */
import { maddF32x4 } from './simd-helpers';
import { QB, nhwcToPlanes, padW, planeLength } from './conv2d-direct-f32';

const G_IN_H = 1, G_IN_W = 2, G_IN_C = 3, G_FILTER_H = 4, G_FILTER_W = 5, G_OUT_C = 6;
const G_PAD_TOP = 11, G_PAD_LEFT = 12, G_OUT_H = 15, G_OUT_W = 16;

/** Input channels per block. */
const CB: i32 = 3;

// @ts-ignore: decorator
@inline function g(geometry: usize, index: i32): i32 {
  return load<i32>(geometry + (<usize>index << 2));
}

// @ts-ignore: decorator
@inline function roundUp(x: i32, m: i32): i32 {
  return ((x + m - 1) / m) * m;
}

/** Floats before each dy plane, read as zeros (the kx − 1 pixels left of its first pixel). */
function margin(geometry: usize): i32 {
  return roundUp(g(geometry, G_FILTER_W) - 1, 4);
}

/** Virtual pixels of one filter row's pass: the OH·PW of dy and the kw − 1 its last kx reaches past, in steps of QB. */
function rowPixels(geometry: usize): i32 {
  return roundUp(g(geometry, G_OUT_H) * padW(geometry) + g(geometry, G_FILTER_W) - 1, QB);
}

/** Bytes of workspace conv2d_transposed_backprop_input_f32_nhwc needs. */
export function conv2d_transposed_workspace_bytes(geometry: usize): i32 {
  const cinP = roundUp(g(geometry, G_IN_C), CB), cout = g(geometry, G_OUT_C);
  const taps = g(geometry, G_FILTER_H) * g(geometry, G_FILTER_W);
  const dLen = margin(geometry) + rowPixels(geometry);
  return (cinP * planeLength(geometry) + cout * dLen + taps * cout * cinP) * 4 + 128;
}

/**
 * dx of images [imageBegin, imageEnd) from dy and the filter (written, not added). Requires
 * stride 1, dilation 1 and finite weights (the host checks).
 */
export function conv2d_transposed_backprop_input_f32_nhwc(geometry: usize, dy: usize, filter: usize, dx: usize, work: usize, imageBegin: i32, imageEnd: i32): void {
  const cin = g(geometry, G_IN_C), cout = g(geometry, G_OUT_C), kh = g(geometry, G_FILTER_H), kw = g(geometry, G_FILTER_W);
  const inH = g(geometry, G_IN_H), inW = g(geometry, G_IN_W), outH = g(geometry, G_OUT_H), outW = g(geometry, G_OUT_W);
  const pt = g(geometry, G_PAD_TOP), pl = g(geometry, G_PAD_LEFT), pw = padW(geometry);
  const imageIn = inH * inW * cin;
  if (imageIn == 0) return;
  if (cout == 0 || outH == 0 || outW == 0) {
    memory.fill(dx + <usize>(imageBegin * imageIn) * 4, 0, <usize>((imageEnd - imageBegin) * imageIn) * 4);
    return;
  }
  const cinP = roundUp(cin, CB);
  const len = planeLength(geometry);
  const vr = rowPixels(geometry);
  const m = margin(geometry);
  const dLen = m + vr;
  const taps = kh * kw;
  const planes = (work + 15) & ~<usize>15;
  const d = planes + <usize>(cinP * len) * 4;
  const wp = d + <usize>(cout * dLen) * 4;
  // Pack the filter as wp[block][ky][kx][co][CB], zero past cin.
  for (let b = 0; b < cinP / CB; b++) {
    for (let t = 0; t < taps; t++) {
      for (let co = 0; co < cout; co++) {
        for (let j = 0; j < CB; j++) {
          const ci = b * CB + j;
          const v: f32 = ci < cin ? load<f32>(filter + <usize>((t * cin + ci) * cout + co) * 4) : 0;
          store<f32>(wp + <usize>(((b * taps + t) * cout + co) * CB + j) * 4, v);
        }
      }
    }
  }
  const planeBytes = <usize>len * 4;
  const dBytes = <usize>dLen * 4;
  const rowTaps = kw * cout;
  for (let n = imageBegin; n < imageEnd; n++) {
    memory.fill(planes, 0, <usize>cinP * planeBytes);
    memory.fill(d, 0, <usize>cout * dBytes);
    nhwcToPlanes(dy + <usize>(n * outH * outW * cout) * 4, outH, outW, cout, d + <usize>m * 4, <usize>pw * 4, dBytes);
    // For one filter row ky, X[ci][p + ky·PW] += Σ_{kx,co} w[ky,kx,ci,co]·D[co][p − kx] over the
    // pixels p of the row's pass (D reads as zero left of its first pixel and past OW in a row).
    for (let b = 0; b < cinP / CB; b++) {
      const xBlock = planes + <usize>(b * CB) * planeBytes;
      for (let ky = 0; ky < kh; ky++) {
        const wRow = wp + <usize>((b * taps + ky * kw) * cout * CB) * 4;
        const xRow = xBlock + <usize>(ky * pw) * 4;
        for (let q0 = 0; q0 < vr; q0 += QB) {
          const o = xRow + (<usize>q0 << 2);
          if (ASC_FEATURE_SIMD) {
            let a00 = f32x4.splat(0), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00, a20 = a00, a21 = a00, a22 = a00;
            let wPtr = wRow;
            for (let kx = 0; kx < kw; kx++) {
              let e = d + <usize>(m + q0 - kx) * 4;
              for (let co = 0; co < cout; co++) {
                const e0 = v128.load(e), e1 = v128.load(e, 16), e2 = v128.load(e, 32);
                let w = v128.load32_splat(wPtr);
                a00 = maddF32x4(e0, w, a00); a01 = maddF32x4(e1, w, a01); a02 = maddF32x4(e2, w, a02);
                w = v128.load32_splat(wPtr, 4);
                a10 = maddF32x4(e0, w, a10); a11 = maddF32x4(e1, w, a11); a12 = maddF32x4(e2, w, a12);
                w = v128.load32_splat(wPtr, 8);
                a20 = maddF32x4(e0, w, a20); a21 = maddF32x4(e1, w, a21); a22 = maddF32x4(e2, w, a22);
                e += dBytes;
                wPtr += CB * 4;
              }
            }
            addInto(o, a00, a01, a02);
            addInto(o + planeBytes, a10, a11, a12);
            addInto(o + 2 * planeBytes, a20, a21, a22);
          } else {
            for (let j = 0; j < CB; j++) {
              for (let i = 0; i < QB; i++) {
                let s: f32 = 0;
                for (let t = 0; t < rowTaps; t++) {
                  const kx = t / cout, co = t % cout;
                  s += load<f32>(d + <usize>co * dBytes + <usize>(m + q0 + i - kx) * 4) * load<f32>(wRow + <usize>(t * CB + j) * 4);
                }
                const at = o + <usize>j * planeBytes + <usize>i * 4;
                store<f32>(at, load<f32>(at) + s);
              }
            }
          }
        }
      }
    }
    // Padded planes → NHWC dx of image n (only the image, not its padding).
    let dst = dx + <usize>(n * imageIn) * 4;
    for (let iy = 0; iy < inH; iy++) {
      for (let ix = 0; ix < inW; ix++) {
        let src = planes + <usize>((iy + pt) * pw + ix + pl) * 4;
        for (let ci = 0; ci < cin; ci++) {
          store<f32>(dst, load<f32>(src));
          dst += 4;
          src += planeBytes;
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function addInto(at: usize, a0: v128, a1: v128, a2: v128): void {
  v128.store(at, f32x4.add(v128.load(at), a0));
  v128.store(at, f32x4.add(v128.load(at, 16), a1), 16);
  v128.store(at, f32x4.add(v128.load(at, 32), a2), 32);
}

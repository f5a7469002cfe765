/**
 * 2-D pooling, f32, NHWC: x [N,H,W,C] → y [N,OH,OW,C], windows wh×ww with strides and
 * explicit padding top/left/bottom/right. Channels are contiguous, so the kernels run four
 * channels per f32x4 and the rest one by one.
 *
 *   max:  y = max over the window's real inputs (padding never wins; NaN propagates;
 *         a window of padding only gives −∞)
 *   avg:  y = Σ real inputs / count of real inputs (0/0 = NaN for a window of padding only)
 * Gradients: max routes dy to the first maximum of each window in (ky, kx) order (a NaN is a
 * maximum, a padding tap counts as −∞ and, if it wins, drops dy), as lec's composite (argmax)
 * does; avg spreads dy / count over the real inputs. Both zero dx first and add into it.
 * NaN semantics follow the composite (dx = Σ_windows oneHot(argmax)·dy): a NaN or infinite dy
 * also gives 0·dy = NaN at every other real tap of its window.
 *
 * Geometry comes as 14 i32 values at `geometry` (see the P_* offsets).
 */

const P_BATCH = 0, P_IN_H = 1, P_IN_W = 2, P_C = 3, P_OUT_H = 4, P_OUT_W = 5, P_WIN_H = 6, P_WIN_W = 7;
const P_STRIDE_H = 8, P_STRIDE_W = 9, P_PAD_TOP = 10, P_PAD_LEFT = 11;

/** Number of i32 values in a pooling geometry block. */
export const POOL2D_GEOMETRY_LENGTH: i32 = 14;

// @ts-ignore: decorator
@inline function g(geometry: usize, index: i32): i32 {
  return load<i32>(geometry + (<usize>index << 2));
}

/** max pooling forward. */
export function max_pool2d_f32_nhwc(geometry: usize, x: usize, y: usize): void {
  const batch = g(geometry, P_BATCH), inH = g(geometry, P_IN_H), inW = g(geometry, P_IN_W), C = g(geometry, P_C);
  const outH = g(geometry, P_OUT_H), outW = g(geometry, P_OUT_W), wh = g(geometry, P_WIN_H), ww = g(geometry, P_WIN_W);
  const sh = g(geometry, P_STRIDE_H), sw = g(geometry, P_STRIDE_W), pt = g(geometry, P_PAD_TOP), pl = g(geometry, P_PAD_LEFT);
  const pixelBytes = <usize>C * 4;
  if (ASC_FEATURE_SIMD && isPool2x2(C, inH, inW, outH, outW, wh, ww, sh, sw, pt, pl)) {
    maxPool2x2(batch, inH, inW, C, outH, outW, x, y);
    return;
  }
  let out = y;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const top = oy * sh - pt;
      const ky0 = max<i32>(0, -top), ky1 = min<i32>(wh, inH - top);
      for (let ox = 0; ox < outW; ox++) {
        const left = ox * sw - pl;
        const kx0 = max<i32>(0, -left), kx1 = min<i32>(ww, inW - left);
        let c = 0;
        if (ASC_FEATURE_SIMD) {
          for (; c + 4 <= C; c += 4) {
            let acc = f32x4.splat(-Infinity);
            for (let ky = ky0; ky < ky1; ky++) {
              let p = x + <usize>((n * inH + top + ky) * inW + left + kx0) * pixelBytes + (<usize>c << 2);
              for (let kx = kx0; kx < kx1; kx++) {
                acc = f32x4.max(acc, v128.load(p));
                p += pixelBytes;
              }
            }
            v128.store(out + (<usize>c << 2), acc);
          }
          // the last 1–3 channels as one more group that overlaps the previous one (it
          // stores the same values into the lanes they share)
          if (c < C && C >= 4) c = C - 4;
          for (; c + 4 <= C; c += 4) {
            let acc = f32x4.splat(-Infinity);
            for (let ky = ky0; ky < ky1; ky++) {
              let p = x + <usize>((n * inH + top + ky) * inW + left + kx0) * pixelBytes + (<usize>c << 2);
              for (let kx = kx0; kx < kx1; kx++) {
                acc = f32x4.max(acc, v128.load(p));
                p += pixelBytes;
              }
            }
            v128.store(out + (<usize>c << 2), acc);
          }
        }
        for (; c < C; c++) {
          let acc: f32 = -Infinity;
          for (let ky = ky0; ky < ky1; ky++) {
            let p = x + <usize>((n * inH + top + ky) * inW + left + kx0) * pixelBytes + (<usize>c << 2);
            for (let kx = kx0; kx < kx1; kx++) {
              acc = max<f32>(acc, load<f32>(p));
              p += pixelBytes;
            }
          }
          store<f32>(out + (<usize>c << 2), acc);
        }
        out += pixelBytes;
      }
    }
  }
}

/** 2×2 windows at stride 2 inside the input, no padding, ≥ 4 channels (LeNet's pools): the unrolled kernels. */
// @ts-ignore: decorator
@inline function isPool2x2(C: i32, inH: i32, inW: i32, outH: i32, outW: i32, wh: i32, ww: i32, sh: i32, sw: i32, pt: i32, pl: i32): bool {
  return C >= 4 && wh == 2 && ww == 2 && sh == 2 && sw == 2 && pt == 0 && pl == 0 && 2 * outH <= inH && 2 * outW <= inW;
}

/**
 * max_pool2d_f32_nhwc for isPool2x2: per output pixel, four channels at a time (the last 1–3
 * as a group overlapping the previous one), the max of the window's four pixels.
 */
function maxPool2x2(batch: i32, inH: i32, inW: i32, C: i32, outH: i32, outW: i32, x: usize, y: usize): void {
  const pixelBytes = <usize>C * 4;
  const rowBytes = <usize>inW * pixelBytes;
  let out = y;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      let p = x + <usize>((n * inH + 2 * oy) * inW) * pixelBytes;
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < C; c += 4) {
          const o = <usize>min<i32>(c, C - 4) << 2;
          const a = p + o;
          const top = f32x4.max(v128.load(a), v128.load(a + pixelBytes));
          const bottom = f32x4.max(v128.load(a + rowBytes), v128.load(a + rowBytes + pixelBytes));
          v128.store(out + o, f32x4.max(top, bottom));
        }
        p += 2 * pixelBytes;
        out += pixelBytes;
      }
    }
  }
}

/**
 * max_pool2d_backward_f32_nhwc for isPool2x2: the window's first maximum in (ky, kx) order (a
 * NaN wins and stops the search) gets 0 + dy, its other taps 0 + 0·dy, as maxPoolBackwardDisjoint.
 */
function maxPoolBackward2x2(batch: i32, inH: i32, inW: i32, C: i32, outH: i32, outW: i32, dy: usize, x: usize, dx: usize): void {
  const pixelBytes = <usize>C * 4;
  const rowBytes = <usize>inW * pixelBytes;
  const zero = f32x4.splat(0);
  let d = dy;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      let corner = <usize>((n * inH + 2 * oy) * inW) * pixelBytes;
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < C; c += 4) {
          const o = <usize>min<i32>(c, C - 4) << 2;
          const px = x + corner + o;
          const v0 = v128.load(px), v1 = v128.load(px + pixelBytes);
          const v2 = v128.load(px + rowBytes), v3 = v128.load(px + rowBytes + pixelBytes);
          // which tap is the first maximum: t1 = v1 wins over v0, and so on
          let done = f32x4.ne(v0, v0);
          let best = v0;
          let u = v128.andnot(v128.or(f32x4.gt(v1, best), f32x4.ne(v1, v1)), done);
          const w1 = u;
          best = v128.bitselect(v1, best, u);
          done = v128.or(done, f32x4.ne(v1, v1));
          u = v128.andnot(v128.or(f32x4.gt(v2, best), f32x4.ne(v2, v2)), done);
          const w2 = u;
          best = v128.bitselect(v2, best, u);
          done = v128.or(done, f32x4.ne(v2, v2));
          const w3 = v128.andnot(v128.or(f32x4.gt(v3, best), f32x4.ne(v3, v3)), done);
          // the winner: 3 if w3, else 2 if w2, else 1 if w1, else 0
          const is3 = w3;
          const is2 = v128.andnot(w2, w3);
          const is1 = v128.andnot(w1, v128.or(w2, w3));
          const is0 = v128.not(v128.or(w1, v128.or(w2, w3)));
          const g = v128.load(d + o);
          const hit = f32x4.add(zero, g);
          const miss = f32x4.add(zero, f32x4.mul(g, zero));
          const pdx = dx + corner + o;
          v128.store(pdx, v128.bitselect(hit, miss, is0));
          v128.store(pdx + pixelBytes, v128.bitselect(hit, miss, is1));
          v128.store(pdx + rowBytes, v128.bitselect(hit, miss, is2));
          v128.store(pdx + rowBytes + pixelBytes, v128.bitselect(hit, miss, is3));
        }
        corner += 2 * pixelBytes;
        d += pixelBytes;
      }
    }
  }
}

/** Value of tap t of the window at (top, left) for channel offset `cOff` bytes, −∞ for padding. */
// @ts-ignore: decorator
@inline function tapPixel(n: i32, top: i32, left: i32, t: i32, ww: i32, inH: i32, inW: i32): i32 {
  const iy = top + t / ww, ix = left + t % ww;
  return iy < 0 || iy >= inH || ix < 0 || ix >= inW ? -1 : (n * inH + iy) * inW + ix;
}

/** Gradient of max pooling: dx (zeroed here) gets dy at the first maximum of each window. */
export function max_pool2d_backward_f32_nhwc(geometry: usize, dy: usize, x: usize, dx: usize): void {
  const batch = g(geometry, P_BATCH), inH = g(geometry, P_IN_H), inW = g(geometry, P_IN_W), C = g(geometry, P_C);
  const outH = g(geometry, P_OUT_H), outW = g(geometry, P_OUT_W), wh = g(geometry, P_WIN_H), ww = g(geometry, P_WIN_W);
  const sh = g(geometry, P_STRIDE_H), sw = g(geometry, P_STRIDE_W), pt = g(geometry, P_PAD_TOP), pl = g(geometry, P_PAD_LEFT);
  const pixelBytes = <usize>C * 4;
  const taps = wh * ww;
  if (ASC_FEATURE_SIMD && C >= 4 && taps > 0 && sh >= wh && sw >= ww && pt == 0 && pl == 0 &&
      (outH - 1) * sh + wh <= inH && (outW - 1) * sw + ww <= inW) {
    // disjoint windows without padding (LeNet's 2×2 / 2): each input is a tap of at most one window
    if (sh != wh || sw != ww || outH * sh != inH || outW * sw != inW) memory.fill(dx, 0, <usize>(batch * inH * inW) * pixelBytes);
    if (isPool2x2(C, inH, inW, outH, outW, wh, ww, sh, sw, pt, pl)) {
      maxPoolBackward2x2(batch, inH, inW, C, outH, outW, dy, x, dx);
      return;
    }
    maxPoolBackwardDisjoint(batch, inH, inW, C, outH, outW, wh, ww, sh, sw, dy, x, dx);
    return;
  }
  memory.fill(dx, 0, <usize>(batch * inH * inW) * pixelBytes);
  if (taps == 0) return;
  let d = dy;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const top = oy * sh - pt;
      for (let ox = 0; ox < outW; ox++) {
        const left = ox * sw - pl;
        let c = 0;
        if (ASC_FEATURE_SIMD) {
          const negInf = f32x4.splat(-Infinity);
          for (; c + 4 <= C; c += 4) {
            const cOff = <usize>c << 2;
            const pix0 = tapPixel(n, top, left, 0, ww, inH, inW);
            let bestV = pix0 < 0 ? negInf : v128.load(x + <usize>pix0 * pixelBytes + cOff);
            let bestT = i32x4.splat(0);
            let done = f32x4.ne(bestV, bestV);
            for (let t = 1; t < taps; t++) {
              const pix = tapPixel(n, top, left, t, ww, inH, inW);
              const v = pix < 0 ? negInf : v128.load(x + <usize>pix * pixelBytes + cOff);
              const isNaN = f32x4.ne(v, v);
              const update = v128.andnot(v128.or(f32x4.gt(v, bestV), isNaN), done);
              bestV = v128.bitselect(v, bestV, update);
              bestT = v128.bitselect(i32x4.splat(t), bestT, update);
              done = v128.or(done, isNaN);
            }
            routeLane(i32x4.extract_lane(bestT, 0), taps, n, top, left, ww, inH, inW, dx, pixelBytes, cOff, load<f32>(d + cOff));
            routeLane(i32x4.extract_lane(bestT, 1), taps, n, top, left, ww, inH, inW, dx, pixelBytes, cOff + 4, load<f32>(d + cOff + 4));
            routeLane(i32x4.extract_lane(bestT, 2), taps, n, top, left, ww, inH, inW, dx, pixelBytes, cOff + 8, load<f32>(d + cOff + 8));
            routeLane(i32x4.extract_lane(bestT, 3), taps, n, top, left, ww, inH, inW, dx, pixelBytes, cOff + 12, load<f32>(d + cOff + 12));
          }
        }
        for (; c < C; c++) {
          const cOff = <usize>c << 2;
          const pix0 = tapPixel(n, top, left, 0, ww, inH, inW);
          let bestV: f32 = pix0 < 0 ? -Infinity : load<f32>(x + <usize>pix0 * pixelBytes + cOff);
          let best = 0;
          if (bestV == bestV) {
            for (let t = 1; t < taps; t++) {
              const pix = tapPixel(n, top, left, t, ww, inH, inW);
              const v: f32 = pix < 0 ? -Infinity : load<f32>(x + <usize>pix * pixelBytes + cOff);
              if (v != v) { best = t; break; }
              if (v > bestV) { best = t; bestV = v; }
            }
          }
          routeLane(best, taps, n, top, left, ww, inH, inW, dx, pixelBytes, cOff, load<f32>(d + cOff));
        }
        d += pixelBytes;
      }
    }
  }
}

/**
 * max_pool2d_backward_f32_nhwc for disjoint windows inside the input (stride ≥ window, no
 * padding), four channels per f32x4 (the last 1–3 as an overlapping group): every tap of a
 * window is written once, 0 + dy at its first maximum and 0 + 0·dy elsewhere (+0, or NaN for
 * a non-finite dy), which is what zeroing dx and routing dy as the general loop does gives.
 * Inputs outside every window are left to the caller (zeroed when there are any).
 */
function maxPoolBackwardDisjoint(batch: i32, inH: i32, inW: i32, C: i32, outH: i32, outW: i32, wh: i32, ww: i32, sh: i32, sw: i32, dy: usize, x: usize, dx: usize): void {
  const pixelBytes = <usize>C * 4;
  const rowBytes = <usize>inW * pixelBytes;
  const zero = f32x4.splat(0);
  let d = dy;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const corner = <usize>((n * inH + oy * sh) * inW + ox * sw) * pixelBytes;
        for (let c = 0; c < C; c += 4) {
          const cOff = <usize>min<i32>(c, C - 4) << 2;
          const px = x + corner + cOff;
          let bestV = v128.load(px);
          let bestT = i32x4.splat(0);
          let done = f32x4.ne(bestV, bestV);
          let t = 0;
          for (let ky = 0; ky < wh; ky++) {
            let p = px + <usize>ky * rowBytes;
            for (let kx = 0; kx < ww; kx++) {
              if (t > 0) {
                const v = v128.load(p);
                const isNaN = f32x4.ne(v, v);
                const update = v128.andnot(v128.or(f32x4.gt(v, bestV), isNaN), done);
                bestV = v128.bitselect(v, bestV, update);
                bestT = v128.bitselect(i32x4.splat(t), bestT, update);
                done = v128.or(done, isNaN);
              }
              p += pixelBytes;
              t++;
            }
          }
          const g = v128.load(d + cOff);
          const hit = f32x4.add(zero, g);
          const miss = f32x4.add(zero, f32x4.mul(g, zero));
          const pdx = dx + corner + cOff;
          t = 0;
          for (let ky = 0; ky < wh; ky++) {
            let p = pdx + <usize>ky * rowBytes;
            for (let kx = 0; kx < ww; kx++) {
              v128.store(p, v128.bitselect(hit, miss, i32x4.eq(bestT, i32x4.splat(t))));
              p += pixelBytes;
              t++;
            }
          }
        }
        d += pixelBytes;
      }
    }
  }
}

// @ts-ignore: decorator
@inline function routeLane(t: i32, taps: i32, n: i32, top: i32, left: i32, ww: i32, inH: i32, inW: i32, dx: usize, pixelBytes: usize, cOff: usize, value: f32): void {
  const pix = tapPixel(n, top, left, t, ww, inH, inW);
  if (pix >= 0) {
    const at = dx + <usize>pix * pixelBytes + cOff;
    store<f32>(at, load<f32>(at) + value);
  }
  // a non-finite dy: the composite's 0·dy at the other real taps is NaN (rare, so a plain loop)
  if (value - value != 0) {
    const nan = value * f32(0);
    for (let u = 0; u < taps; u++) {
      const other = tapPixel(n, top, left, u, ww, inH, inW);
      if (u == t || other < 0) continue;
      const at = dx + <usize>other * pixelBytes + cOff;
      store<f32>(at, load<f32>(at) + nan);
    }
  }
}

/** average pooling forward (padding excluded from the count). */
export function avg_pool2d_f32_nhwc(geometry: usize, x: usize, y: usize): void {
  const batch = g(geometry, P_BATCH), inH = g(geometry, P_IN_H), inW = g(geometry, P_IN_W), C = g(geometry, P_C);
  const outH = g(geometry, P_OUT_H), outW = g(geometry, P_OUT_W), wh = g(geometry, P_WIN_H), ww = g(geometry, P_WIN_W);
  const sh = g(geometry, P_STRIDE_H), sw = g(geometry, P_STRIDE_W), pt = g(geometry, P_PAD_TOP), pl = g(geometry, P_PAD_LEFT);
  const pixelBytes = <usize>C * 4;
  let out = y;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const top = oy * sh - pt;
      const ky0 = max<i32>(0, -top), ky1 = min<i32>(wh, inH - top);
      for (let ox = 0; ox < outW; ox++) {
        const left = ox * sw - pl;
        const kx0 = max<i32>(0, -left), kx1 = min<i32>(ww, inW - left);
        const count = <f32>(max<i32>(ky1 - ky0, 0) * max<i32>(kx1 - kx0, 0));
        let c = 0;
        if (ASC_FEATURE_SIMD) {
          const countV = f32x4.splat(count);
          for (; c + 4 <= C; c += 4) {
            let acc = f32x4.splat(0);
            for (let ky = ky0; ky < ky1; ky++) {
              let p = x + <usize>((n * inH + top + ky) * inW + left + kx0) * pixelBytes + (<usize>c << 2);
              for (let kx = kx0; kx < kx1; kx++) {
                acc = f32x4.add(acc, v128.load(p));
                p += pixelBytes;
              }
            }
            v128.store(out + (<usize>c << 2), f32x4.div(acc, countV));
          }
        }
        for (; c < C; c++) {
          let acc: f32 = 0;
          for (let ky = ky0; ky < ky1; ky++) {
            let p = x + <usize>((n * inH + top + ky) * inW + left + kx0) * pixelBytes + (<usize>c << 2);
            for (let kx = kx0; kx < kx1; kx++) {
              acc += load<f32>(p);
              p += pixelBytes;
            }
          }
          store<f32>(out + (<usize>c << 2), acc / count);
        }
        out += pixelBytes;
      }
    }
  }
}

/** Gradient of average pooling: dx (zeroed here) += dy / count over each window's real inputs. */
export function avg_pool2d_backward_f32_nhwc(geometry: usize, dy: usize, dx: usize): void {
  const batch = g(geometry, P_BATCH), inH = g(geometry, P_IN_H), inW = g(geometry, P_IN_W), C = g(geometry, P_C);
  const outH = g(geometry, P_OUT_H), outW = g(geometry, P_OUT_W), wh = g(geometry, P_WIN_H), ww = g(geometry, P_WIN_W);
  const sh = g(geometry, P_STRIDE_H), sw = g(geometry, P_STRIDE_W), pt = g(geometry, P_PAD_TOP), pl = g(geometry, P_PAD_LEFT);
  const pixelBytes = <usize>C * 4;
  memory.fill(dx, 0, <usize>(batch * inH * inW) * pixelBytes);
  let d = dy;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const top = oy * sh - pt;
      const ky0 = max<i32>(0, -top), ky1 = min<i32>(wh, inH - top);
      for (let ox = 0; ox < outW; ox++) {
        const left = ox * sw - pl;
        const kx0 = max<i32>(0, -left), kx1 = min<i32>(ww, inW - left);
        const count = <f32>(max<i32>(ky1 - ky0, 0) * max<i32>(kx1 - kx0, 0));
        for (let ky = ky0; ky < ky1; ky++) {
          let p = dx + <usize>((n * inH + top + ky) * inW + left + kx0) * pixelBytes;
          for (let kx = kx0; kx < kx1; kx++) {
            let c = 0;
            if (ASC_FEATURE_SIMD) {
              const countV = f32x4.splat(count);
              for (; c + 4 <= C; c += 4) {
                const o = <usize>c << 2;
                v128.store(p + o, f32x4.add(v128.load(p + o), f32x4.div(v128.load(d + o), countV)));
              }
            }
            for (; c < C; c++) {
              const o = <usize>c << 2;
              store<f32>(p + o, load<f32>(p + o) + load<f32>(d + o) / count);
            }
            p += pixelBytes;
          }
        }
        d += pixelBytes;
      }
    }
  }
}

/**
 * Plain-JavaScript kernels of the wasm backend, for any typed array (float32 or float64):
 * the float64 path of every fast path (float64 gradient checks run here), and the float32
 * path where JavaScript measured as fast as a wasm round trip (softmax cross-entropy). Sums
 * are taken in double precision. Each follows lec's composite definition exactly, NaN and
 * padding rules included, so the fast path and the composite agree.
 *
 * Layouts: images NHWC, filters [kh, kw, Cin, Cout], matrices row-major.
 */
import { ValueError, type Conv2dGeometry, type FusedActivation, type Pool2dGeometry, type TypedArray } from '@lec/tensor';

/** Applies bias[n] (when given) and the activation to the rows of a row-major [m, n] `c`, in place. */
export function biasActivationJs(c: TypedArray, m: number, n: number, bias: ArrayLike<number> | null, activation: FusedActivation): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      let v = c[row + j];
      if (bias !== null) v += bias[j];
      c[row + j] = activate(v, activation);
    }
  }
}

function activate(v: number, activation: FusedActivation): number {
  switch (activation) {
    case 'none':
      return v;
    case 'relu':
      return v > 0 ? v : v === v ? 0 : v;
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid': {
      if (v >= 0) return 1 / (1 + Math.exp(-v));
      const e = Math.exp(v);
      return e / (1 + e);
    }
  }
}

/** conv2d forward, direct loops: y [N,Ho,Wo,Cout] from x [N,H,W,Cin] and w [kh,kw,Cin,Cout]. */
export function conv2dJs(x: TypedArray, w: TypedArray, g: Conv2dGeometry, y: TypedArray): void {
  const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = g;
  const acc = new Float64Array(Co);
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        acc.fill(0);
        for (let ky = 0; ky < g.filterHeight; ky++) {
          const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < g.filterWidth; kx++) {
            const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
            if (ix < 0 || ix >= W) continue;
            const xBase = ((n * H + iy) * W + ix) * Ci;
            const wBase = (ky * g.filterWidth + kx) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++) {
              const xv = x[xBase + ci];
              const wRow = wBase + ci * Co;
              for (let co = 0; co < Co; co++) acc[co] += xv * w[wRow + co];
            }
          }
        }
        y.set(acc, ((n * Ho + oy) * Wo + ox) * Co);
      }
    }
  }
}

/** Gradient of conv2d w.r.t. its input: dx [N,H,W,Cin] from dy [N,Ho,Wo,Cout] and w. */
export function conv2dBackpropInputJs(dy: TypedArray, w: TypedArray, g: Conv2dGeometry, dx: TypedArray): void {
  const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = g;
  const acc = new Float64Array(dx.length);
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const dyBase = ((n * Ho + oy) * Wo + ox) * Co;
        for (let ky = 0; ky < g.filterHeight; ky++) {
          const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < g.filterWidth; kx++) {
            const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
            if (ix < 0 || ix >= W) continue;
            const xBase = ((n * H + iy) * W + ix) * Ci;
            const wBase = (ky * g.filterWidth + kx) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++) {
              let s = 0;
              const wRow = wBase + ci * Co;
              for (let co = 0; co < Co; co++) s += dy[dyBase + co] * w[wRow + co];
              acc[xBase + ci] += s;
            }
          }
        }
      }
    }
  }
  dx.set(acc);
}

/** Gradient of conv2d w.r.t. its filter: dw [kh,kw,Cin,Cout] from x and dy. */
export function conv2dBackpropFilterJs(x: TypedArray, dy: TypedArray, g: Conv2dGeometry, dw: TypedArray): void {
  const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co } = g;
  const acc = new Float64Array(dw.length);
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const dyBase = ((n * Ho + oy) * Wo + ox) * Co;
        for (let ky = 0; ky < g.filterHeight; ky++) {
          const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < g.filterWidth; kx++) {
            const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
            if (ix < 0 || ix >= W) continue;
            const xBase = ((n * H + iy) * W + ix) * Ci;
            const wBase = (ky * g.filterWidth + kx) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++) {
              const xv = x[xBase + ci];
              const wRow = wBase + ci * Co;
              for (let co = 0; co < Co; co++) acc[wRow + co] += xv * dy[dyBase + co];
            }
          }
        }
      }
    }
  }
  dw.set(acc);
}

/** Pixels (n·H + y)·W + x of every tap of window (n, oy, ox) in (ky, kx) order, −1 for padding. */
function windowPixels(g: Pool2dGeometry, n: number, oy: number, ox: number, out: Int32Array): void {
  let t = 0;
  for (let ky = 0; ky < g.windowHeight; ky++) {
    const iy = oy * g.strideHeight - g.padTop + ky;
    for (let kx = 0; kx < g.windowWidth; kx++, t++) {
      const ix = ox * g.strideWidth - g.padLeft + kx;
      out[t] = iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth ? -1 : (n * g.inHeight + iy) * g.inWidth + ix;
    }
  }
}

/** maxPool2d: the max of each window per channel; padding never wins; NaN propagates. */
export function maxPool2dJs(x: TypedArray, g: Pool2dGeometry, y: TypedArray): void {
  const C = g.channels;
  const taps = new Int32Array(g.windowHeight * g.windowWidth);
  let o = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++, o += C) {
        windowPixels(g, n, oy, ox, taps);
        for (let c = 0; c < C; c++) {
          let acc = -Infinity;
          for (let t = 0; t < taps.length; t++) {
            if (taps[t] < 0) continue;
            const v = x[taps[t] * C + c];
            if (v > acc || v !== v) {
              acc = v;
              if (v !== v) break;
            }
          }
          y[o + c] = acc;
        }
      }
    }
  }
}

/**
 * Gradient of maxPool2d: each dy goes to the first maximum of its window, ties and NaN as
 * argmax decides (first on ties, first NaN wins; a padding tap counts as −∞ and drops it).
 * A NaN or infinite dy also makes every other real tap of its window NaN (0·dy), as the
 * composite's oneHot(argmax)·dy does.
 */
export function maxPool2dBackwardJs(dy: TypedArray, x: TypedArray, g: Pool2dGeometry, dx: TypedArray): void {
  const C = g.channels;
  const taps = new Int32Array(g.windowHeight * g.windowWidth);
  const acc = new Float64Array(dx.length);
  let o = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++, o += C) {
        windowPixels(g, n, oy, ox, taps);
        for (let c = 0; c < C; c++) {
          let best = 0;
          let bestV = taps[0] < 0 ? -Infinity : x[taps[0] * C + c];
          if (bestV === bestV) {
            for (let t = 1; t < taps.length; t++) {
              const v = taps[t] < 0 ? -Infinity : x[taps[t] * C + c];
              if (v !== v) {
                best = t;
                break;
              }
              if (v > bestV) {
                best = t;
                bestV = v;
              }
            }
          }
          const d = dy[o + c];
          if (taps.length > 0 && taps[best] >= 0) acc[taps[best] * C + c] += d;
          // the composite's 0·dy at the other real taps: NaN when dy is NaN or infinite
          if (d - d !== 0) for (let t = 0; t < taps.length; t++) if (t !== best && taps[t] >= 0) acc[taps[t] * C + c] += d * 0;
        }
      }
    }
  }
  dx.set(acc);
}

/** Real (non-padding) inputs under window (oy, ox). */
function windowCount(g: Pool2dGeometry, oy: number, ox: number): number {
  const top = oy * g.strideHeight - g.padTop;
  const left = ox * g.strideWidth - g.padLeft;
  const rows = Math.min(top + g.windowHeight, g.inHeight) - Math.max(top, 0);
  const cols = Math.min(left + g.windowWidth, g.inWidth) - Math.max(left, 0);
  return Math.max(rows, 0) * Math.max(cols, 0);
}

/** avgPool2d: the mean of each window's real inputs (padding excluded from the count). */
export function avgPool2dJs(x: TypedArray, g: Pool2dGeometry, y: TypedArray): void {
  const C = g.channels;
  const taps = new Int32Array(g.windowHeight * g.windowWidth);
  const acc = new Float64Array(C);
  let o = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++, o += C) {
        windowPixels(g, n, oy, ox, taps);
        acc.fill(0);
        for (let t = 0; t < taps.length; t++) {
          if (taps[t] < 0) continue;
          const base = taps[t] * C;
          for (let c = 0; c < C; c++) acc[c] += x[base + c];
        }
        const count = windowCount(g, oy, ox);
        for (let c = 0; c < C; c++) y[o + c] = acc[c] / count;
      }
    }
  }
}

/** Gradient of avgPool2d: dy / count spread over each window's real inputs. */
export function avgPool2dBackwardJs(dy: TypedArray, g: Pool2dGeometry, dx: TypedArray): void {
  const C = g.channels;
  const taps = new Int32Array(g.windowHeight * g.windowWidth);
  const acc = new Float64Array(dx.length);
  let o = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++, o += C) {
        windowPixels(g, n, oy, ox, taps);
        const count = windowCount(g, oy, ox);
        for (let t = 0; t < taps.length; t++) {
          if (taps[t] < 0) continue;
          const base = taps[t] * C;
          for (let c = 0; c < C; c++) acc[base + c] += dy[o + c] / count;
        }
      }
    }
  }
  dx.set(acc);
}

/** Checks a CSR structure before a kernel trusts it. */
export function checkCsr(rowPtr: Int32Array, colIdx: Int32Array, values: ArrayLike<number>, rows: number, cols: number): void {
  const nnz = colIdx.length;
  if (rowPtr.length !== rows + 1)
    throw new ValueError('spmm', `argument 'rowPtr' expected length rows + 1 = ${rows + 1}, got ${rowPtr.length}`);
  if (values.length !== nnz)
    throw new ValueError('spmm', `arguments 'colIdx' (${nnz}) and 'values' (${values.length}) must have the same length`);
  if (rowPtr[0] !== 0 || rowPtr[rows] !== nnz)
    throw new ValueError('spmm', `argument 'rowPtr' must start at 0 and end at nnz = ${nnz}, got ${rowPtr[0]} .. ${rowPtr[rows]}`);
  for (let i = 0; i < rows; i++)
    if (rowPtr[i + 1] < rowPtr[i]) throw new ValueError('spmm', `argument 'rowPtr' must be non-decreasing (row ${i})`);
  for (let p = 0; p < nnz; p++)
    if (!(colIdx[p] >= 0 && colIdx[p] < cols))
      throw new ValueError('spmm', `argument 'colIdx' has ${colIdx[p]} at entry ${p}, outside [0, ${cols})`);
}

/**
 * Mean softmax cross-entropy of logits [n, c] against int32 labels: returns the loss and
 * writes d loss / d logits = (softmax − onehot) / n. A label outside [0, c) selects no class
 * (its row adds 0 to the loss), as oneHot does; NaN and ±∞ behave as in the composite
 * (−Σ onehot·logSoftmax, so any NaN in a row's log-softmax makes the loss NaN).
 */
export function softmaxCrossEntropyJs(logits: TypedArray, labels: Int32Array, n: number, c: number, dlogits: TypedArray): number {
  let total = 0;
  const e = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const row = i * c;
    let m = -Infinity;
    for (let j = 0; j < c; j++) {
      const v = logits[row + j];
      if (v > m || v !== v) {
        m = v;
        if (v !== v) break;
      }
    }
    let sum = 0;
    for (let j = 0; j < c; j++) {
      e[j] = Math.exp(logits[row + j] - m);
      sum += e[j];
    }
    const logSum = Math.log(sum);
    const label = labels[i];
    let rowLoss = 0;
    for (let j = 0; j < c; j++) {
      const hot = j === label ? 1 : 0;
      rowLoss -= hot * (logits[row + j] - m - logSum);
      dlogits[row + j] = (e[j] / sum - hot) / n;
    }
    total += rowLoss;
  }
  return total / n;
}

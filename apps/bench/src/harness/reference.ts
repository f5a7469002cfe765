/**
 * The float64 oracle: plain double loops, computed once per case. Deliberately naive and
 * independent of every library measured (including ours).
 */
import type { ConvProblem, GemmProblem } from './types.js';

/** C = op(A)·op(B) in float64. */
export function gemmRef(p: GemmProblem, a: Float32Array, b: Float32Array): Float64Array {
  const { m, n, k, transposeA, transposeB } = p;
  const c = new Float64Array(m * n);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let l = 0; l < k; l++) {
      const av = transposeA ? a[l * m + i] : a[i * k + l];
      if (av === 0) continue;
      if (transposeB) for (let j = 0; j < n; j++) row[j] += av * b[j * k + l];
      else {
        const off = l * n;
        for (let j = 0; j < n; j++) row[j] += av * b[off + j];
      }
    }
    c.set(row, i * n);
  }
  return c;
}

export interface ConvGeometry {
  oh: number;
  ow: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

/** Output size and padding the way TensorFlow resolves 'same' / 'valid'. */
export function convGeometry(p: ConvProblem): ConvGeometry {
  const s = p.stride;
  if (p.padding === 'valid') {
    return {
      oh: Math.floor((p.height - p.kernelHeight) / s) + 1,
      ow: Math.floor((p.width - p.kernelWidth) / s) + 1,
      padTop: 0,
      padLeft: 0,
      padBottom: 0,
      padRight: 0,
    };
  }
  const oh = Math.ceil(p.height / s);
  const ow = Math.ceil(p.width / s);
  const ph = Math.max(0, (oh - 1) * s + p.kernelHeight - p.height);
  const pw = Math.max(0, (ow - 1) * s + p.kernelWidth - p.width);
  return {
    oh,
    ow,
    padTop: Math.floor(ph / 2),
    padLeft: Math.floor(pw / 2),
    padBottom: ph - Math.floor(ph / 2),
    padRight: pw - Math.floor(pw / 2),
  };
}

/**
 * Visits every (output position, filter tap) pair with valid input: calls
 * fn(xIndexBase, wIndexBase, yIndexBase) where x, w, y offsets point at channel 0.
 */
function forEachTap(p: ConvProblem, fn: (xo: number, wo: number, yo: number) => void): void {
  const g = convGeometry(p);
  const { batch, height: H, width: W, inChannels: ci, outChannels: co, kernelHeight: kh, kernelWidth: kw, stride: s } = p;
  for (let n = 0; n < batch; n++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++) {
        const yo = ((n * g.oh + oy) * g.ow + ox) * co;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * s + ky - g.padTop;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * s + kx - g.padLeft;
            if (ix < 0 || ix >= W) continue;
            fn(((n * H + iy) * W + ix) * ci, (ky * kw + kx) * ci * co, yo);
          }
        }
      }
}

/** y[n,oy,ox,o] = Σ x[n,iy,ix,c]·w[ky,kx,c,o]. */
export function conv2dRef(p: ConvProblem, x: Float32Array, w: Float32Array): Float64Array {
  const g = convGeometry(p);
  const ci = p.inChannels;
  const co = p.outChannels;
  const y = new Float64Array(p.batch * g.oh * g.ow * co);
  forEachTap(p, (xo, wo, yo) => {
    for (let c = 0; c < ci; c++) {
      const xv = x[xo + c];
      const wr = wo + c * co;
      for (let o = 0; o < co; o++) y[yo + o] += xv * w[wr + o];
    }
  });
  return y;
}

/** dx[n,iy,ix,c] = Σ dy[n,oy,ox,o]·w[ky,kx,c,o]. */
export function conv2dBackpropInputRef(p: ConvProblem, dy: Float32Array, w: Float32Array): Float64Array {
  const ci = p.inChannels;
  const co = p.outChannels;
  const dx = new Float64Array(p.batch * p.height * p.width * ci);
  forEachTap(p, (xo, wo, yo) => {
    for (let c = 0; c < ci; c++) {
      const wr = wo + c * co;
      let acc = 0;
      for (let o = 0; o < co; o++) acc += dy[yo + o] * w[wr + o];
      dx[xo + c] += acc;
    }
  });
  return dx;
}

/** dw[ky,kx,c,o] = Σ x[n,iy,ix,c]·dy[n,oy,ox,o]. */
export function conv2dBackpropFilterRef(p: ConvProblem, x: Float32Array, dy: Float32Array): Float64Array {
  const ci = p.inChannels;
  const co = p.outChannels;
  const dw = new Float64Array(p.kernelHeight * p.kernelWidth * ci * co);
  forEachTap(p, (xo, wo, yo) => {
    for (let c = 0; c < ci; c++) {
      const xv = x[xo + c];
      const wr = wo + c * co;
      for (let o = 0; o < co; o++) dw[wr + o] += xv * dy[yo + o];
    }
  });
  return dw;
}

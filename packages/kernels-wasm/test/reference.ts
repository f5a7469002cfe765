/**
 * Float64 references and the float32 comparator of TESTING.md, shared by the kernel tests.
 */
import type { Conv2dShape } from '../src/conv2d-shape.js';
import { resolveConv2dShape } from '../src/conv2d-shape.js';

/** Deterministic uniform values in [-1, 1) (mulberry32), rounded to f32. */
export function randomF32(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** A seeded uniform generator in [0, 1) (mulberry32), for the randomized kernel tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The element count of a shape. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

/** rtol for a reduction of length K: max(1e-5, 4·sqrt(K)·2^-24). */
export function reductionRtol(k: number): number {
  return Math.max(1e-5, 4 * Math.sqrt(k) * 2 ** -24);
}

/** atol for a reduction of length K over values of size ~1: 1e-6·max(1, sqrt(K)). */
export function reductionAtol(k: number): number {
  return 1e-6 * Math.max(1, Math.sqrt(k));
}

/**
 * Checks |a − e| <= atol + rtol·|e| elementwise; NaN must meet NaN, ±Inf must meet the same
 * infinity. Returns '' when all match, else a report: mismatch count, largest absolute and
 * relative difference and where.
 */
export function compareToReference(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): string {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  let mismatches = 0;
  let first = -1;
  let worstAbs = 0,
    worstAbsAt = -1,
    worstRel = 0,
    worstRelAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i],
      e = expected[i];
    let ok: boolean;
    if (Number.isNaN(e) || !Number.isFinite(e)) ok = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
    else {
      const diff = Math.abs(a - e);
      ok = diff <= atol + rtol * Math.abs(e);
      if (diff > worstAbs || Number.isNaN(diff)) {
        worstAbs = diff;
        worstAbsAt = i;
      }
      const rel = diff / Math.max(Math.abs(e), Number.MIN_VALUE);
      if (rel > worstRel) {
        worstRel = rel;
        worstRelAt = i;
      }
    }
    if (!ok) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  if (mismatches === 0) return '';
  return (
    `${mismatches} of ${expected.length} mismatch (rtol ${rtol}, atol ${atol}); first at ${first}: got ${actual[first]}, expected ${expected[first]}; ` +
    `largest abs diff ${worstAbs} at ${worstAbsAt}, largest rel diff ${worstRel} at ${worstRelAt}`
  );
}

/** op(A)·op(B) (+ bias) then activation, in float64. */
export function gemmReference(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  bias?: Float32Array,
  activation = 'none',
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      }
      if (bias) sum += bias[j];
      c[i * n + j] = activate(sum, activation);
    }
  }
  return c;
}

export function activate(x: number, activation: string): number {
  switch (activation) {
    case 'relu':
      return Math.max(x, 0);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
    default:
      return x;
  }
}

/**
 * Visits every (output pixel, filter tap) pair of a conv2d; `x` index is -1 where the tap
 * falls in the zero padding (padding is real zeros: 0·Inf gives NaN, as in pad-then-conv).
 */
function forEachTap(shape: Conv2dShape, visit: (yIndex: number, xIndex: number, wIndex: number) => void): void {
  const s = resolveConv2dShape(shape);
  for (let n = 0; n < s.batch; n++)
    for (let oy = 0; oy < s.outHeight; oy++)
      for (let ox = 0; ox < s.outWidth; ox++) {
        for (let ky = 0; ky < s.filterHeight; ky++)
          for (let kx = 0; kx < s.filterWidth; kx++) {
            const iy = oy * s.strideHeight - s.padTop + ky * s.dilationHeight;
            const ix = ox * s.strideWidth - s.padLeft + kx * s.dilationWidth;
            const inside = iy >= 0 && iy < s.inHeight && ix >= 0 && ix < s.inWidth;
            for (let ci = 0; ci < s.inChannels; ci++)
              for (let co = 0; co < s.outChannels; co++) {
                visit(
                  ((n * s.outHeight + oy) * s.outWidth + ox) * s.outChannels + co,
                  inside ? ((n * s.inHeight + iy) * s.inWidth + ix) * s.inChannels + ci : -1,
                  ((ky * s.filterWidth + kx) * s.inChannels + ci) * s.outChannels + co,
                );
              }
          }
      }
}

export function conv2dReference(
  x: Float32Array,
  w: Float32Array,
  shape: Conv2dShape,
  bias?: Float32Array,
  activation = 'none',
): Float64Array {
  const s = resolveConv2dShape(shape);
  const y = new Float64Array(s.batch * s.outHeight * s.outWidth * s.outChannels);
  forEachTap(shape, (yi, xi, wi) => {
    y[yi] += (xi < 0 ? 0 : x[xi]) * w[wi];
  });
  for (let i = 0; i < y.length; i++) y[i] = activate(y[i] + (bias ? bias[i % s.outChannels] : 0), activation);
  return y;
}

export function conv2dBackpropInputReference(dy: Float32Array, w: Float32Array, shape: Conv2dShape): Float64Array {
  const dx = new Float64Array(shape.batch * shape.inHeight * shape.inWidth * shape.inChannels);
  forEachTap(shape, (yi, xi, wi) => {
    if (xi >= 0) dx[xi] += dy[yi] * w[wi];
  });
  return dx;
}

export function conv2dBackpropFilterReference(x: Float32Array, dy: Float32Array, shape: Conv2dShape): Float64Array {
  const dw = new Float64Array(shape.filterHeight * shape.filterWidth * shape.inChannels * shape.outChannels);
  forEachTap(shape, (yi, xi, wi) => {
    dw[wi] += (xi < 0 ? 0 : x[xi]) * dy[yi];
  });
  return dw;
}

import { ValueError } from '@lec/tensor';
import { fft } from './fft.js';

/** How to compute a discrete convolution. */
export type ConvolveMethod = 'auto' | 'direct' | 'fft';

function check(op: string, arg: string, p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) throw new ValueError(op, `argument '${arg}' has a non-finite value ${p[i]} at index ${i}`);
  }
}

/**
 * convolvePmf(p, q): the distribution of X + Y for independent X ~ p and Y ~ q, each a PMF on
 * 0, 1, 2, ...: (p ∗ q)(k) = Σ_m p(m)·q(k − m), of length p.length + q.length − 1. `method`
 * 'direct' is O(n·m); 'fft' is O((n + m) log(n + m)); 'auto' picks FFT for long inputs.
 * @example
 * ```ts
 * const die = new Array(6).fill(1 / 6); // faces 1..6, shifted to 0..5
 * const twoDice = convolvePmf(die, die); // sums 2..12 at indices 0..10
 * twoDice[5]; // 0.16666666666666666 (P(sum = 7) = 6/36)
 * ```
 */
export function convolvePmf(p: ArrayLike<number>, q: ArrayLike<number>, method: ConvolveMethod = 'auto'): Float64Array {
  check('convolvePmf', 'p', p);
  check('convolvePmf', 'q', q);
  if (method !== 'auto' && method !== 'fft' && method !== 'direct')
    throw new ValueError('convolvePmf', `argument 'method' expected 'auto', 'fft' or 'direct', got ${String(method)}`);
  if (p.length === 0 || q.length === 0) return new Float64Array(0);
  const n = p.length + q.length - 1;
  const useFft = method === 'fft' || (method === 'auto' && p.length * q.length > 4096 && Math.min(p.length, q.length) > 32);
  if (!useFft) {
    const out = new Float64Array(n);
    for (let i = 0; i < p.length; i++) {
      const pi = p[i];
      for (let j = 0; j < q.length; j++) out[i + j] += pi * q[j];
    }
    return out;
  }
  let size = 1;
  while (size < n) size <<= 1;
  const ar = new Float64Array(size);
  const ai = new Float64Array(size);
  const br = new Float64Array(size);
  const bi = new Float64Array(size);
  ar.set(p as ArrayLike<number>);
  br.set(q as ArrayLike<number>);
  fft(ar, ai);
  fft(br, bi);
  for (let k = 0; k < size; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    ai[k] = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r;
  }
  fft(ar, ai, true);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = ar[k] / size;
  return out;
}

/** A density sampled on an even grid: values f(start + i·step). */
export interface GridDensity {
  start: number;
  step: number;
  values: Float64Array;
}

/**
 * convolvePdf(f, g): the density of X + Y for independent continuous X, Y whose densities are
 * sampled on grids with the same step: (f ∗ g)(z) = ∫ f(x) g(z − x) dx ≈ step · Σ f·g, on the
 * grid starting at f.start + g.start.
 * @example
 * ```ts
 * const u = { start: 0, step: 0.01, values: new Float64Array(100).fill(1) }; // Uniform(0, 1)
 * const tri = convolvePdf(u, u); // triangular on [0, 2], peak 1 at z = 1
 * Math.round(tri.values[99] * 100) / 100; // 1
 * ```
 */
export function convolvePdf(f: GridDensity, g: GridDensity): GridDensity {
  if (!(Math.abs(f.step - g.step) <= 1e-12 * Math.max(Math.abs(f.step), 1))) {
    throw new ValueError('convolvePdf', `arguments 'f' and 'g' need the same grid step, got ${f.step} and ${g.step}`);
  }
  const values = convolvePmf(f.values, g.values);
  for (let i = 0; i < values.length; i++) values[i] *= f.step;
  return { start: f.start + g.start, step: f.step, values };
}

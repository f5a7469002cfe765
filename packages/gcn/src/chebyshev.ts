/**
 * Chebyshev approximation of a spectral filter (Hammond et al. 2011; Defferrard et al. 2016,
 * the polynomial ChebConv learns): on λ ∈ [0, λ_max], with x̃ = 2λ/λ_max − 1 ∈ [−1, 1],
 *   g(λ) ≈ p_K(λ) = Σ_{k=0..K} θ_k T_k(x̃),   T_0 = 1, T_1 = x̃, T_k = 2x̃ T_{k−1} − T_{k−2}
 *   θ_k = (2 − [k = 0]) / N · Σ_{j=0..N−1} g(λ_max (cos φ_j + 1) / 2) cos(k φ_j),   φ_j = π (j + ½) / N
 * (the truncated Chebyshev series, its integrals by Gauss–Chebyshev quadrature on N nodes).
 * Filtering a graph signal with p_K needs no eigenvectors, only K sparse products by
 * L̃ = 2L/λ_max − I: y = Σ θ_k T_k(L̃) x, each node mixing its K-hop neighbourhood.
 */
import { csrMatVec } from '@lec/linalg';
import { type CsrMatrix, ValueError } from '@lec/tensor';
import type { SpectralFilter } from './spectral.js';

/** A fitted Chebyshev approximation. */
export interface ChebyshevFit {
  /** θ_0 … θ_K. */
  coefficients: Float64Array;
  /** The interval's end: the fit holds on [0, lambdaMax]. */
  lambdaMax: number;
  /** max |g(λ) − p_K(λ)| over `samples` evenly spaced λ in [0, lambdaMax]. */
  maxError: number;
  /** p_K(λ). */
  evaluate(lambda: number): number;
}

function evaluateSeries(theta: Float64Array, lambdaMax: number, lambda: number): number {
  const x = (2 * lambda) / lambdaMax - 1;
  // Clenshaw's recurrence: b_k = θ_k + 2x b_{k+1} − b_{k+2}; p = θ_0 + x b_1 − b_2
  let b1 = 0;
  let b2 = 0;
  for (let k = theta.length - 1; k >= 1; k--) {
    const b = theta[k] + 2 * x * b1 - b2;
    b2 = b1;
    b1 = b;
  }
  return theta[0] + x * b1 - b2;
}

/**
 * chebyshevCoefficients(g, K, lambdaMax): the order-K Chebyshev coefficients θ_0…θ_K of the
 * filter g on [0, lambdaMax], with the approximation's largest error on that interval.
 * @example
 * ```ts
 * const fit = chebyshevCoefficients(heatKernel(1), 5, 2);
 * fit.coefficients.length; // 6
 * fit.maxError < 1e-3; // true
 * Math.abs(fit.evaluate(0.5) - Math.exp(-0.5)) < 1e-3; // true
 * ```
 */
export function chebyshevCoefficients(
  g: SpectralFilter,
  K: number,
  lambdaMax: number,
  options: { nodes?: number; samples?: number } = {},
): ChebyshevFit {
  const op = 'chebyshevCoefficients';
  if (typeof g !== 'function') throw new ValueError(op, `argument 'g' expected a function λ → g(λ), got ${typeof g}`);
  if (!Number.isSafeInteger(K) || K < 0 || K > 10_000)
    throw new ValueError(op, `argument 'K' expected an integer order in [0, 10000], got ${K}`);
  if (!(lambdaMax > 0) || !Number.isFinite(lambdaMax))
    throw new ValueError(op, `argument 'lambdaMax' expected a finite number > 0, got ${lambdaMax}`);
  const nodes = options.nodes ?? Math.max(256, 2 * (K + 1));
  const samples = options.samples ?? 1001;
  if (!Number.isSafeInteger(nodes) || nodes < K + 1 || nodes > 1e6)
    throw new ValueError(op, `argument 'nodes' expected an integer in [K + 1 = ${K + 1}, 1e6], got ${options.nodes}`);
  if (!Number.isSafeInteger(samples) || samples < 2 || samples > 1e7)
    throw new ValueError(op, `argument 'samples' expected an integer in [2, 1e7], got ${options.samples}`);
  const values = new Float64Array(nodes);
  for (let j = 0; j < nodes; j++) {
    const v = g((lambdaMax * (Math.cos((Math.PI * (j + 0.5)) / nodes) + 1)) / 2);
    if (!Number.isFinite(v)) throw new ValueError(op, `argument 'g' returned ${v} inside [0, ${lambdaMax}]; expected finite values`);
    values[j] = v;
  }
  const theta = new Float64Array(K + 1);
  for (let k = 0; k <= K; k++) {
    let s = 0;
    for (let j = 0; j < nodes; j++) s += values[j] * Math.cos((k * Math.PI * (j + 0.5)) / nodes);
    theta[k] = ((k === 0 ? 1 : 2) * s) / nodes;
  }
  let maxError = 0;
  for (let i = 0; i < samples; i++) {
    const lambda = (lambdaMax * i) / (samples - 1);
    maxError = Math.max(maxError, Math.abs(g(lambda) - evaluateSeries(theta, lambdaMax, lambda)));
  }
  return { coefficients: theta, lambdaMax, maxError, evaluate: (lambda) => evaluateSeries(theta, lambdaMax, lambda) };
}

/**
 * chebyshevFilter(L, fit, x): y = Σ θ_k T_k(L̃) x with L̃ = 2L/λ_max − I, by the three-term
 * recurrence (K sparse products, no eigenvectors). x is [n] or [n, c] row-major.
 * @example
 * ```ts
 * const graph = ringGraph(6);
 * const fit = chebyshevCoefficients(heatKernel(1), 10, 4); // a ring's λ_max is 4
 * const x = Float64Array.of(1, 0, 0, 0, 0, 0);
 * const exact = SpectralBasis.fromGraph(graph).filter(heatKernel(1), x);
 * const y = chebyshevFilter(laplacian(graph), fit, x);
 * Math.max(...y.map((v, i) => Math.abs(v - exact[i]))) < 1e-6; // true
 * ```
 */
export function chebyshevFilter(l: CsrMatrix, fit: Pick<ChebyshevFit, 'coefficients' | 'lambdaMax'>, x: ArrayLike<number>): Float64Array {
  const op = 'chebyshevFilter';
  const n = l.rows;
  if (l.cols !== n) throw new ValueError(op, `argument 'l' expected a square matrix, got [${l.rows}, ${l.cols}]`);
  const c = n === 0 ? 0 : x.length / n;
  if (!Number.isInteger(c) || c < 1)
    throw new ValueError(op, `argument 'x' expected ${n} or a multiple of ${n} values ([${n}, channels]), got ${x.length}`);
  const { coefficients: theta, lambdaMax } = fit;
  if (theta.length < 1 || !(lambdaMax > 0)) throw new ValueError(op, `argument 'fit' expected coefficients θ_0… and lambdaMax > 0`);
  const y = new Float64Array(n * c);
  for (let ch = 0; ch < c; ch++) {
    // L̃v = (2/λ_max) Lv − v, one channel at a time (csrMatVec works on vectors)
    const scaled = (v: Float64Array): Float64Array => {
      const lv = csrMatVec(l, v);
      for (let i = 0; i < n; i++) lv[i] = (2 / lambdaMax) * lv[i] - v[i];
      return lv;
    };
    let previous: Float64Array = Float64Array.from({ length: n }, (_, i) => x[i * c + ch]);
    let current = previous;
    const add = (t: Float64Array, w: number) => {
      for (let i = 0; i < n; i++) y[i * c + ch] += w * t[i];
    };
    add(previous, theta[0]);
    if (theta.length > 1) {
      current = scaled(previous);
      add(current, theta[1]);
    }
    for (let k = 2; k < theta.length; k++) {
      const next = scaled(current);
      for (let i = 0; i < n; i++) next[i] = 2 * next[i] - previous[i];
      previous = current;
      current = next;
      add(current, theta[k]);
    }
  }
  return y;
}

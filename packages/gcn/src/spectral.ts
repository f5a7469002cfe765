/**
 * Graph signal processing in the Laplacian eigenbasis L = U Λ Uᵀ (Shuman et al. 2013):
 *   graph Fourier transform   x̂ = Uᵀ x        inverse   x = U x̂
 *   spectral filter           y = U g(Λ) Uᵀ x  (applied exactly, no polynomial approximation)
 * Small eigenvalues are low frequencies (smooth signals: Σ_(i,j)∈E (x_i − x_j)² = xᵀLx is
 * small), large ones high frequencies. Signals are Float64Arrays of length n, or n·c for c
 * channels stored row-major [n, c].
 */
import { type Eigenpairs, eigh, lanczos } from '@lec/linalg';
import { ValueError } from '@lec/tensor';
import type { Graph } from './graph.js';
import { laplacian } from './laplacian.js';

/** A spectral response g(λ). */
export type SpectralFilter = (lambda: number) => number;

/** Options of `SpectralBasis.fromGraph`. */
export interface SpectralBasisOptions {
  /** Which symmetric Laplacian (default 'combinatorial'). */
  laplacian?: 'combinatorial' | 'symmetric';
  /**
   * Keep only the k lowest-frequency eigenvectors, computed by Lanczos (default: all, dense).
   * Filters then act on the span of those k vectors only.
   */
  k?: number;
}

/**
 * An orthonormal Laplacian eigenbasis with the graph Fourier transform and exact filters.
 * @example
 * ```ts
 * const basis = SpectralBasis.fromGraph(ringGraph(8));
 * const x = Float64Array.from({ length: 8 }, (_, i) => Math.cos((2 * Math.PI * i) / 8));
 * Array.from(basis.igft(basis.gft(x)), (v) => +v.toFixed(6))[0]; // 1
 * ```
 */
export class SpectralBasis {
  /** Eigenvalues (frequencies), ascending. */
  readonly values: Float64Array;
  /** Eigenvectors [n, k] row-major; column j ↔ values[j]. */
  readonly vectors: Float64Array;
  readonly n: number;
  readonly k: number;

  constructor(pairs: Eigenpairs) {
    this.values = pairs.values;
    this.vectors = pairs.vectors;
    this.n = pairs.n;
    this.k = pairs.k;
  }

  /**
   * The eigenbasis of a graph's combinatorial or symmetric normalised Laplacian (the
   * random-walk Laplacian is not symmetric: use 'symmetric', which has the same spectrum).
   * @example
   * ```ts
   * SpectralBasis.fromGraph(gridGraph(3, 3), { laplacian: 'symmetric' }).values.length; // 9
   * ```
   */
  static fromGraph(graph: Graph, options: SpectralBasisOptions = {}): SpectralBasis {
    const kind = options.laplacian ?? 'combinatorial';
    if (kind !== 'combinatorial' && kind !== 'symmetric')
      throw new ValueError(
        'SpectralBasis.fromGraph',
        `argument 'laplacian' expected 'combinatorial' or 'symmetric' (a symmetric matrix), got '${String(kind)}'`,
      );
    if (graph.directed)
      throw new ValueError(
        'SpectralBasis.fromGraph',
        `the graph is directed; the Fourier basis needs a symmetric Laplacian (build the graph undirected)`,
      );
    const l = laplacian(graph, kind);
    return new SpectralBasis(options.k === undefined ? eigh(l) : lanczos(l, options.k, { which: 'smallest' }));
  }

  /**
   * The graph Fourier transform x̂ = Uᵀx ([k] or [k, c] row-major).
   * @example
   * ```ts
   * Math.abs(SpectralBasis.fromGraph(ringGraph(4)).gft(Float64Array.of(1, 1, 1, 1))[0]); // 2 (an eigenvector's sign is arbitrary)
   * ```
   */
  gft(x: ArrayLike<number>): Float64Array {
    const c = this.#channels('gft', x, this.n);
    const out = new Float64Array(this.k * c);
    const { n, k, vectors: u } = this;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) {
        const uij = u[i * k + j];
        for (let ch = 0; ch < c; ch++) out[j * c + ch] += uij * x[i * c + ch];
      }
    return out;
  }

  /**
   * The inverse transform x = U x̂ ([n] or [n, c] row-major).
   * @example
   * ```ts
   * const b = SpectralBasis.fromGraph(ringGraph(4));
   * b.igft(Float64Array.of(0, 0, 0, 0)).length; // 4
   * ```
   */
  igft(xHat: ArrayLike<number>): Float64Array {
    const c = this.#channels('igft', xHat, this.k);
    const out = new Float64Array(this.n * c);
    const { n, k, vectors: u } = this;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) {
        const uij = u[i * k + j];
        for (let ch = 0; ch < c; ch++) out[i * c + ch] += uij * xHat[j * c + ch];
      }
    return out;
  }

  /**
   * Applies g exactly: y = U g(Λ) Uᵀ x.
   * @example
   * ```ts
   * const b = SpectralBasis.fromGraph(ringGraph(6));
   * const y = b.filter(lowPass(0.5), Float64Array.of(1, -1, 1, -1, 1, -1)); // the highest frequency
   * Math.max(...y.map(Math.abs)) < 1e-9; // true
   * ```
   */
  filter(g: SpectralFilter, x: ArrayLike<number>): Float64Array {
    const xHat = this.gft(x);
    const c = xHat.length / this.k;
    for (let j = 0; j < this.k; j++) {
      const gj = g(this.values[j]);
      for (let ch = 0; ch < c; ch++) xHat[j * c + ch] *= gj;
    }
    return this.igft(xHat);
  }

  #channels(op: string, x: ArrayLike<number>, rows: number): number {
    const c = rows === 0 ? 0 : x.length / rows;
    if (!Number.isInteger(c) || c < 1)
      throw new ValueError(
        `SpectralBasis.${op}`,
        `argument 'x' expected ${rows} or a multiple of ${rows} values ([${rows}, channels]), got ${x.length}`,
      );
    return c;
  }
}

/**
 * Ideal low-pass response: 1 for λ ≤ cutoff, else 0.
 * @example
 * ```ts
 * [lowPass(1)(0.5), lowPass(1)(2)]; // [1, 0]
 * ```
 */
export function lowPass(cutoff: number): SpectralFilter {
  return (lambda) => (lambda <= cutoff ? 1 : 0);
}

/**
 * Ideal high-pass response: 1 for λ > cutoff, else 0.
 * @example
 * ```ts
 * [highPass(1)(0.5), highPass(1)(2)]; // [0, 1]
 * ```
 */
export function highPass(cutoff: number): SpectralFilter {
  return (lambda) => (lambda > cutoff ? 1 : 0);
}

/**
 * Ideal band-pass response: 1 for low ≤ λ ≤ high, else 0.
 * @example
 * ```ts
 * [bandPass(1, 2)(0.5), bandPass(1, 2)(1.5)]; // [0, 1]
 * ```
 */
export function bandPass(low: number, high: number): SpectralFilter {
  if (!(low <= high)) throw new ValueError('bandPass', `expected low <= high, got ${low} > ${high}`);
  return (lambda) => (lambda >= low && lambda <= high ? 1 : 0);
}

/**
 * Heat kernel e^{−tλ}: diffusion for time t (smooth low-pass; t = 0 is the identity).
 * @example
 * ```ts
 * heatKernel(2)(0); // 1
 * ```
 */
export function heatKernel(t: number): SpectralFilter {
  if (!(t >= 0)) throw new ValueError('heatKernel', `argument 't' expected a non-negative time, got ${t}`);
  return (lambda) => Math.exp(-t * lambda);
}

/**
 * Batch PCA. For centred data Xc [n, d] with covariance C = Xcᵀ·Xc / (n − 1):
 *
 *   covariance  C = V·diag(λ)·Vᵀ              (symmetric eigendecomposition, O(n·d² + d³), d² memory)
 *   svd         Xc = U·diag(s)·Vᵀ, λ = s²/(n−1) (no d×d matrix; better conditioned; O(n·d·min(n,d)))
 *   randomized  Halko, Martinsson & Tropp (2011), Alg. 4.4 + 5.1: Y = Xc·Ω with Gaussian
 *               Ω [d, k + p], q power iterations re-orthonormalised by QR, Q = qr(Y),
 *               then the SVD of the small B = Qᵀ·Xc [k + p, d]. O(n·d·(k + p)·(2q + 2)).
 *
 * Components are the rows of V (sign fixed so each row's largest-magnitude entry is positive).
 */
import { type DType, Rng, ValueError } from '@lec/tensor';
import { type Mat, flipSigns, gemm, gram, orthonormalColumns, symmetricEigen, thinSvd, topRows, transpose } from '@lec/linalg';
import { columnMeans, columnSquaredDeviations, subtractRow } from './centering.js';
import { type MatrixInput, readMatrix } from './matrix-input.js';
import { PcaModel, componentsForThreshold } from './pca-model.js';

/** How `PCA.fit` decomposes the data. `auto`: `covariance` when n ≥ d, else `svd`. */
export type PcaMethod = 'auto' | 'covariance' | 'svd' | 'randomized';

/** Options of `PCA`. */
export interface PcaOptions {
  /** k, components to keep (default: all, min(n, d); required for `randomized`). */
  nComponents?: number;
  /**
   * Keep the smallest k whose cumulative explained-variance ratio reaches this value in
   * (0, 1]. With `randomized`, chosen among the `nComponents` computed.
   */
  varianceThreshold?: number;
  /** Default `auto`. */
  method?: PcaMethod;
  /** Scale projections to unit variance (default false). */
  whiten?: boolean;
  /** dtype of tensors made from array inputs (default float32). */
  dtype?: DType;
  /** Seed of the random test matrix Ω (`randomized`; default 0). */
  seed?: number;
  /** Extra random directions p beyond k (`randomized`; default 10). */
  oversamples?: number;
  /** Power iterations q (`randomized`; default 4, 7 when k < 0.1·min(n, d)). */
  powerIterations?: number;
}

/**
 * Principal component analysis fitted in one pass over a data matrix (rows = samples):
 * by eigendecomposition of the covariance, by SVD of the centred data, or by seeded
 * randomized SVD for large d. See `IncrementalPCA` for data that arrives in batches.
 * @example
 * ```ts
 * const pca = new PCA({ nComponents: 1 }).fit([[1, 2], [2, 4], [3, 6]]);
 * pca.explainedVarianceRatio; // [1]
 * pca.transform([[2, 4]]).toArray(); // [[0]]
 * ```
 */
export class PCA extends PcaModel {
  readonly options: Readonly<PcaOptions>;
  /** The method the last `fit` used (`auto` resolved). */
  methodUsed: Exclude<PcaMethod, 'auto'> | null = null;

  constructor(options: PcaOptions = {}) {
    super(options);
    const { nComponents, varianceThreshold, method = 'auto', oversamples, powerIterations, seed } = options;
    if (nComponents !== undefined && !(Number.isSafeInteger(nComponents) && nComponents >= 1)) {
      throw new ValueError('PCA', `option 'nComponents' expected a positive integer, got ${nComponents}`);
    }
    if (varianceThreshold !== undefined && !(varianceThreshold > 0 && varianceThreshold <= 1)) {
      throw new ValueError('PCA', `option 'varianceThreshold' expected a number in (0, 1], got ${varianceThreshold}`);
    }
    if (!['auto', 'covariance', 'svd', 'randomized'].includes(method)) {
      throw new ValueError('PCA', `option 'method' expected 'auto', 'covariance', 'svd' or 'randomized', got '${method}'`);
    }
    if (method === 'randomized' && nComponents === undefined) {
      throw new ValueError('PCA', `option 'nComponents' is required with method 'randomized' (it computes only the top k)`);
    }
    if (oversamples !== undefined && !(Number.isSafeInteger(oversamples) && oversamples >= 0)) {
      throw new ValueError('PCA', `option 'oversamples' expected a non-negative integer, got ${oversamples}`);
    }
    if (powerIterations !== undefined && !(Number.isSafeInteger(powerIterations) && powerIterations >= 0)) {
      throw new ValueError('PCA', `option 'powerIterations' expected a non-negative integer, got ${powerIterations}`);
    }
    if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
      throw new ValueError('PCA', `option 'seed' expected a non-negative safe integer, got ${seed}`);
    }
    this.options = { ...options, method };
  }

  /**
   * Fits the model to `x` [n, d] (n ≥ 2) and returns `this`.
   * @example
   * ```ts
   * new PCA({ method: 'svd' }).fit([[0, 1], [1, 0], [2, 2]]).nComponents; // 2
   * ```
   */
  fit(x: MatrixInput): this {
    const op = 'PCA.fit';
    const m = readMatrix(op, 'x', x);
    const { rows: n, cols: d } = m;
    if (n < 2) throw new ValueError(op, `argument 'x' expected at least 2 samples (rows), got ${n}`);
    if (d < 1) throw new ValueError(op, `argument 'x' expected at least 1 feature (column), got 0`);
    const r = Math.min(n, d);
    const { nComponents, varianceThreshold } = this.options;
    if (nComponents !== undefined && nComponents > r) {
      throw new ValueError(op, `option 'nComponents' is ${nComponents} but the data [${n}, ${d}] has at most min(n, d) = ${r} components`);
    }
    const method = this.options.method === 'auto' ? (n >= d ? 'covariance' : 'svd') : this.options.method!;
    const mean = columnMeans(m);
    const totalVariance = columnSquaredDeviations(m, mean).reduce((a, b) => a + b, 0) / (n - 1);
    subtractRow(m, mean);
    let values: Float64Array; // λ, descending
    let vectors: Mat; // rows
    if (method === 'covariance') {
      const c = gram(m);
      for (let i = 0; i < c.data.length; i++) c.data[i] /= n - 1;
      const eig = symmetricEigen(c);
      values = eig.values.map((v) => Math.max(v, 0));
      vectors = eig.vectors;
    } else if (method === 'svd') {
      const svd = thinSvd(m);
      values = svd.s.map((s) => (s * s) / (n - 1));
      vectors = svd.vt;
    } else {
      const svd = randomizedSvd(m, nComponents!, {
        oversamples: this.options.oversamples ?? 10,
        powerIterations: this.options.powerIterations ?? (nComponents! < 0.1 * r ? 7 : 4),
        seed: this.options.seed ?? 0,
      });
      values = svd.s.map((s) => (s * s) / (n - 1));
      vectors = svd.vt;
    }
    let k = nComponents ?? Math.min(r, vectors.rows);
    if (varianceThreshold !== undefined) {
      const ratios = values.map((v) => (totalVariance > 0 ? v / totalVariance : 0));
      k = Math.min(k, componentsForThreshold(ratios, varianceThreshold));
    }
    const components = topRows(vectors, k);
    flipSigns(components);
    const explainedVariance = values.slice(0, k);
    this.state = {
      mean,
      components,
      explainedVariance,
      singularValues: explainedVariance.map((v) => Math.sqrt(v * (n - 1))),
      totalVariance,
      nSamples: n,
    };
    this.methodUsed = method;
    return this;
  }

  /**
   * `fit(x)` then `transform(x)`: the [n, k] projections of the training data.
   * @example
   * ```ts
   * new PCA({ nComponents: 1 }).fitTransform([[1, 1], [3, 3]]).shape; // [2, 1]
   * ```
   */
  fitTransform(x: MatrixInput) {
    return this.fit(x).transform(x);
  }
}

/**
 * @internal Randomized truncated SVD of `x` [n, d] (already centred): the top `k` singular
 * values and right singular vectors (rows of vt), after Halko et al. (2011).
 */
export function randomizedSvd(
  x: Mat,
  k: number,
  options: { oversamples: number; powerIterations: number; seed: number },
): { s: Float64Array; vt: Mat } {
  const r = Math.min(x.rows, x.cols);
  const l = Math.min(k + options.oversamples, r);
  const omega: Mat = { rows: x.cols, cols: l, data: new Rng(options.seed).normal(x.cols * l) };
  let q = orthonormalColumns(gemm(x, omega)); // [n, l]
  for (let it = 0; it < options.powerIterations; it++) {
    const z = orthonormalColumns(gemm(x, q, true, false)); // [d, l]
    q = orthonormalColumns(gemm(x, z)); // [n, l]
  }
  const bt = gemm(x, q, true, false); // Bᵀ = Xᵀ·Q, [d, l]
  const { s, vt } = thinSvd(transpose(bt));
  return { s: s.slice(0, k), vt: topRows(vt, k) };
}

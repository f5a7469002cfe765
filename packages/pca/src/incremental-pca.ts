/**
 * Incremental PCA (Ross, Lim, Lin & Yang 2008, as in scikit-learn's IncrementalPCA). After
 * the samples seen so far (count m, mean μ, top-k components V with singular values s), a
 * new batch B [b, d] with mean μ_B updates the model by the thin SVD of
 *
 *   [ diag(s)·V                       ]   k rows      (the old data, summarised)
 *   [ B − μ_B                         ]   b rows      (the new batch, centred on itself)
 *   [ √(m·b/(m+b)) · (μ − μ_B)        ]   1 row       (the shift between the two means)
 *
 * whose top-k right singular vectors and singular values are the new V and s. The mean and
 * per-feature variances are merged with Chan et al.'s pairwise update. Memory is
 * O(d·(k + b)): the d×d covariance is never formed. The top-k SVD of the stacked matrix
 * goes through its small (k + b + 1)² Gram matrix and a Rayleigh–Ritz step (linalg.ts).
 */
import { type DType, ValueError } from '@lec/tensor';
import { type Mat, flipSigns, topRightSingular } from '@lec/linalg';
import { columnMeans, columnSquaredDeviations, subtractRow } from './centering.js';
import { type MatrixInput, readMatrix } from './matrix-input.js';
import { PcaModel } from './pca-model.js';

/** Options of `IncrementalPCA`. */
export interface IncrementalPcaOptions {
  /** k, components to keep. Each batch given to `partialFit` before the first needs ≥ k rows. */
  nComponents: number;
  /** Rows per batch when `fit` splits a whole matrix (default max(5·k, 100)). */
  batchSize?: number;
  /** Scale projections to unit variance (default false). */
  whiten?: boolean;
  /** dtype of tensors made from array inputs (default float32). */
  dtype?: DType;
}

/**
 * PCA learnt from batches in O(d·(k + batch)) memory. `partialFit` takes one batch at a
 * time (streams, data sets too large to hold); `fit` splits a matrix into batches.
 * @example
 * ```ts
 * const ipca = new IncrementalPCA({ nComponents: 1 });
 * ipca.partialFit([[0, 0], [1, 1]]).partialFit([[2, 2], [3, 3]]);
 * ipca.explainedVarianceRatio[0]; // ≈ 1
 * ```
 */
export class IncrementalPCA extends PcaModel {
  readonly options: Readonly<IncrementalPcaOptions>;
  /** Per-feature sums of squared deviations from the running mean. */
  #m2: Float64Array | null = null;

  constructor(options: IncrementalPcaOptions) {
    super(options);
    const { nComponents, batchSize } = options ?? ({} as IncrementalPcaOptions);
    if (!(Number.isSafeInteger(nComponents) && nComponents >= 1)) {
      throw new ValueError('IncrementalPCA', `option 'nComponents' expected a positive integer, got ${nComponents}`);
    }
    if (batchSize !== undefined && !(Number.isSafeInteger(batchSize) && batchSize >= nComponents)) {
      throw new ValueError('IncrementalPCA', `option 'batchSize' expected an integer >= nComponents (${nComponents}), got ${batchSize}`);
    }
    this.options = { ...options };
  }

  /** Rows per batch that `fit` uses. */
  get batchSize(): number {
    return this.options.batchSize ?? Math.max(5 * this.options.nComponents, 100);
  }

  /**
   * Updates the model with one batch [b, d] and returns `this`. The first batch needs at
   * least k rows (and 2); later batches any number ≥ 1, with the same d.
   * @example
   * ```ts
   * new IncrementalPCA({ nComponents: 2 }).partialFit([[1, 0], [0, 1], [1, 1]]).nSamples; // 3
   * ```
   */
  partialFit(batch: MatrixInput): this {
    const op = 'IncrementalPCA.partialFit';
    const b = readMatrix(op, 'batch', batch);
    const k = this.options.nComponents;
    const d = b.cols;
    const prev = this.state;
    if (prev === null) {
      if (b.rows < Math.max(k, 2))
        throw new ValueError(op, `the first batch needs at least max(nComponents, 2) = ${Math.max(k, 2)} rows, got ${b.rows}`);
      if (d < k) throw new ValueError(op, `option 'nComponents' is ${k} but the data has only ${d} features`);
    } else if (d !== prev.mean.length) {
      throw new ValueError(op, `argument 'batch' expected ${prev.mean.length} features (columns) like the earlier batches, got ${d}`);
    } else if (b.rows < 1) {
      return this;
    }
    const m = prev?.nSamples ?? 0;
    const nb = b.rows;
    const total = m + nb;
    const batchMean = columnMeans(b);
    const batchM2 = columnSquaredDeviations(b, batchMean);
    // Chan et al.: merge (m, μ, M2) with (b, μ_B, M2_B)
    const mean = new Float64Array(d);
    const m2 = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const oldMean = prev ? prev.mean[j] : 0;
      const delta = batchMean[j] - oldMean;
      mean[j] = oldMean + (delta * nb) / total;
      m2[j] = (this.#m2 ? this.#m2[j] : 0) + batchM2[j] + (delta * delta * m * nb) / total;
    }
    subtractRow(b, batchMean);
    let stacked: Mat;
    if (prev === null) {
      stacked = b;
    } else {
      const kPrev = prev.components.rows;
      stacked = { rows: kPrev + nb + 1, cols: d, data: new Float64Array((kPrev + nb + 1) * d) };
      for (let i = 0; i < kPrev; i++) {
        const s = prev.singularValues[i];
        for (let j = 0; j < d; j++) stacked.data[i * d + j] = s * prev.components.data[i * d + j];
      }
      stacked.data.set(b.data, kPrev * d);
      const c = Math.sqrt((m * nb) / total);
      const last = (kPrev + nb) * d;
      for (let j = 0; j < d; j++) stacked.data[last + j] = c * (prev.mean[j] - batchMean[j]);
    }
    const { s: singularValues, vt: components } = topRightSingular(stacked, k);
    flipSigns(components);
    this.#m2 = m2;
    this.state = {
      mean,
      components,
      singularValues,
      explainedVariance: singularValues.map((v) => (v * v) / (total - 1)),
      totalVariance: m2.reduce((a, v) => a + v, 0) / (total - 1),
      nSamples: total,
    };
    return this;
  }

  /**
   * Fits from scratch on `x` [n, d], taking `batchSize` rows at a time, and returns `this`.
   * A last batch shorter than k is merged into the one before it.
   * @example
   * ```ts
   * const x = Array.from({ length: 50 }, (_, i) => [i, 2 * i, i % 3]);
   * new IncrementalPCA({ nComponents: 2, batchSize: 10 }).fit(x).nSamples; // 50
   * ```
   */
  fit(x: MatrixInput): this {
    const all = readMatrix('IncrementalPCA.fit', 'x', x);
    this.state = null;
    this.#m2 = null;
    const size = this.batchSize;
    const k = this.options.nComponents;
    for (let start = 0; start < all.rows; ) {
      let end = Math.min(start + size, all.rows);
      if (all.rows - end < k) end = all.rows; // avoid a short last batch
      this.partialFit({ data: all.data.subarray(start * all.cols, end * all.cols), shape: [end - start, all.cols] });
      start = end;
    }
    if (this.state === null) throw new ValueError('IncrementalPCA.fit', `argument 'x' has no rows`);
    return this;
  }

  /**
   * `fit(x)` then `transform(x)`.
   * @example
   * ```ts
   * new IncrementalPCA({ nComponents: 1 }).fitTransform([[0, 0], [1, 1], [2, 2]]).shape; // [3, 1]
   * ```
   */
  fitTransform(x: MatrixInput) {
    return this.fit(x).transform(x);
  }
}

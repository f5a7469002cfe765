/**
 * What every fitted PCA shares, however it was fitted: the mean μ [d], the components V
 * [k, d] (orthonormal rows, by decreasing variance), the variances λ [k] along them, and
 *
 *   transform:        z = (x − μ)·Vᵀ            (whitened: z_i /= √λ_i, unit variance)
 *   inverseTransform: x̂ = z·V + μ              (whitened: z_i *= √λ_i first)
 *
 * Rows are samples. Numbers are float64 inside; see matrix-input.ts for what comes out.
 */
import { type DType, ShapeError, type Tensor, ValueError, getBackend } from '@lec/tensor';
import { type Mat, gemm } from '@lec/linalg';
import { addRow, subtractRow } from './centering.js';
import { type MatrixInput, placementOf, readMatrix, toTensor } from './matrix-input.js';

/** The fitted state of a PCA model, in float64. */
export interface PcaState {
  mean: Float64Array;
  /** [k, d], orthonormal rows. */
  components: Mat;
  /** λ_i = s_i² / (n − 1), descending. */
  explainedVariance: Float64Array;
  singularValues: Float64Array;
  /** Σ_j var(x_j) with ddof 1: the denominator of the explained-variance ratio. */
  totalVariance: number;
  nSamples: number;
}

/**
 * The fitted part shared by `PCA` and `IncrementalPCA`: projections and the variance figures.
 * Not constructed directly.
 */
export abstract class PcaModel {
  /** Divide projections by √λ so each component has unit variance. */
  readonly whiten: boolean;
  /** dtype of the tensors made from array inputs and of `components`/`mean` (default float32). */
  readonly dtype: DType;
  /** @internal */
  protected state: PcaState | null = null;

  protected constructor(options: { whiten?: boolean; dtype?: DType }) {
    this.whiten = options.whiten ?? false;
    this.dtype = options.dtype ?? 'float32';
    if (this.dtype === 'int32') throw new ValueError(this.constructor.name, `option 'dtype' expected float32 or float64, got int32`);
  }

  /** @internal The fitted state, or a clear error when not fitted yet. */
  protected fitted(op: string): PcaState {
    if (this.state === null) throw new ValueError(op, `the model is not fitted yet: call fit() first`);
    return this.state;
  }

  /** Whether `fit` (or `partialFit`) has run. */
  get isFitted(): boolean {
    return this.state !== null;
  }

  /** k, the number of components kept. */
  get nComponents(): number {
    return this.fitted('nComponents').components.rows;
  }

  /** d, the number of features seen in fit. */
  get nFeatures(): number {
    return this.fitted('nFeatures').mean.length;
  }

  /** n, the number of samples the model was fitted on. */
  get nSamples(): number {
    return this.fitted('nSamples').nSamples;
  }

  /** The components as a [k, d] tensor: one unit-length principal axis per row, by decreasing variance. */
  get components(): Tensor {
    return toTensor(this.fitted('components').components, { dtype: this.dtype, backend: getBackend() });
  }

  /** The components as plain arrays: k rows of d numbers. */
  componentsArray(): number[][] {
    const c = this.fitted('componentsArray').components;
    return Array.from({ length: c.rows }, (_, i) => Array.from(c.data.subarray(i * c.cols, (i + 1) * c.cols)));
  }

  /** The per-feature mean μ (length d). */
  get mean(): number[] {
    return Array.from(this.fitted('mean').mean);
  }

  /** λ_i: the variance of the data along component i (ddof 1), descending. */
  get explainedVariance(): number[] {
    return Array.from(this.fitted('explainedVariance').explainedVariance);
  }

  /** λ_i / Σ_j var(x_j): the share of the total variance each component explains. */
  get explainedVarianceRatio(): number[] {
    const s = this.fitted('explainedVarianceRatio');
    return Array.from(s.explainedVariance, (v) => (s.totalVariance > 0 ? v / s.totalVariance : 0));
  }

  /** Running sums of `explainedVarianceRatio`. */
  get cumulativeVarianceRatio(): number[] {
    let acc = 0;
    return this.explainedVarianceRatio.map((r) => (acc += r));
  }

  /** The singular values s_i of the centred data (λ_i = s_i² / (n − 1)). */
  get singularValues(): number[] {
    return Array.from(this.fitted('singularValues').singularValues);
  }

  /** Σ_j var(x_j) (ddof 1), the total variance of the training data. */
  get totalVariance(): number {
    return this.fitted('totalVariance').totalVariance;
  }

  /**
   * Projects rows of `x` [n, d] onto the components: z = (x − μ)·Vᵀ, [n, k] (divided by √λ
   * when whitening). A Tensor input gives a Tensor of its dtype on its backend; arrays give
   * `dtype` tensors on the current backend.
   * @example
   * ```ts
   * const pca = new PCA({ nComponents: 1 }).fit([[0, 0], [1, 1], [2, 2]]);
   * pca.transform([[3, 3]]).shape; // [1, 1]
   * ```
   */
  transform(x: MatrixInput): Tensor {
    return toTensor(this.transformMat(x, 'transform'), placementOf(x, this.dtype));
  }

  /** @internal transform in float64. */
  transformMat(x: MatrixInput, op = 'transform'): Mat {
    const s = this.fitted(op);
    const m = readMatrix(op, 'x', x);
    if (m.cols !== s.mean.length)
      throw new ShapeError(op, `argument 'x' expected ${s.mean.length} features (columns), got shape [${m.rows}, ${m.cols}]`);
    subtractRow(m, s.mean);
    const z = gemm(m, s.components, false, true);
    if (this.whiten) {
      const k = z.cols;
      for (let i = 0; i < z.rows; i++) {
        for (let j = 0; j < k; j++) {
          const lam = s.explainedVariance[j];
          if (lam > 0) z.data[i * k + j] /= Math.sqrt(lam);
        }
      }
    }
    return z;
  }

  /**
   * Maps projections z [n, k] back to feature space: x̂ = z·V + μ, [n, d] (z multiplied by
   * √λ first when whitening). The best rank-k approximation of the data in squared error.
   * @example
   * ```ts
   * const pca = new PCA({ nComponents: 1 }).fit([[0, 0], [1, 1], [2, 2]]);
   * pca.inverseTransform(pca.transform([[3, 3]])).toArray(); // ≈ [[3, 3]]
   * ```
   */
  inverseTransform(z: MatrixInput): Tensor {
    return toTensor(this.inverseTransformMat(z, 'inverseTransform'), placementOf(z, this.dtype));
  }

  /** @internal inverseTransform in float64. */
  inverseTransformMat(z: MatrixInput, op = 'inverseTransform'): Mat {
    const s = this.fitted(op);
    const m = readMatrix(op, 'z', z);
    const k = s.components.rows;
    if (m.cols !== k) throw new ShapeError(op, `argument 'z' expected ${k} columns (one per component), got shape [${m.rows}, ${m.cols}]`);
    if (this.whiten) {
      for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) m.data[i * k + j] *= Math.sqrt(Math.max(s.explainedVariance[j], 0));
    }
    const x = gemm(m, s.components);
    addRow(x, s.mean);
    return x;
  }

  /**
   * Mean squared error per element between `x` and its rank-k reconstruction
   * inverseTransform(transform(x)).
   * @example
   * ```ts
   * new PCA({ nComponents: 1 }).fit([[0, 0], [1, 1], [2, 2]]).reconstructionError([[1, 2]]); // 0.25
   * ```
   */
  reconstructionError(x: MatrixInput): number {
    const original = readMatrix('reconstructionError', 'x', x);
    const back = this.inverseTransformMat(this.transformMatAsInput(x), 'reconstructionError');
    let sum = 0;
    for (let i = 0; i < original.data.length; i++) {
      const e = original.data[i] - back.data[i];
      sum += e * e;
    }
    return original.data.length > 0 ? sum / original.data.length : 0;
  }

  private transformMatAsInput(x: MatrixInput): MatrixInput {
    const z = this.transformMat(x, 'reconstructionError');
    return { data: z.data, shape: [z.rows, z.cols] };
  }
}

/**
 * @internal The smallest k whose cumulative explained-variance ratio reaches `threshold`
 * (at most ratios.length).
 */
export function componentsForThreshold(ratios: ArrayLike<number>, threshold: number): number {
  let acc = 0;
  for (let i = 0; i < ratios.length; i++) {
    acc += ratios[i];
    if (acc >= threshold - 1e-12) return i + 1;
  }
  return ratios.length;
}

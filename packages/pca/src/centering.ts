/**
 * Column statistics and centring of row-major float64 matrices (samples are rows), the
 * PCA-specific steps around @lec/linalg's decompositions.
 */
import type { Mat } from '@lec/linalg';

/** @internal Column means of `x`: a length-cols vector. */
export function columnMeans(x: Mat): Float64Array {
  const { rows, cols, data } = x;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) mean[j] += data[off + j];
  }
  if (rows > 0) for (let j = 0; j < cols; j++) mean[j] /= rows;
  return mean;
}

/** @internal Per-column sums of squared deviations from `mean` (M2 in Chan et al.'s notation). */
export function columnSquaredDeviations(x: Mat, mean: Float64Array): Float64Array {
  const { rows, cols, data } = x;
  const m2 = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[off + j] - mean[j];
      m2[j] += v * v;
    }
  }
  return m2;
}

/** @internal Subtracts `mean` from every row of `x`, in place. */
export function subtractRow(x: Mat, mean: Float64Array): void {
  const { rows, cols, data } = x;
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) data[off + j] -= mean[j];
  }
}

/** @internal Adds `v` to every row of `x`, in place. */
export function addRow(x: Mat, v: Float64Array): void {
  const { rows, cols, data } = x;
  for (let i = 0; i < rows; i++) {
    const off = i * cols;
    for (let j = 0; j < cols; j++) data[off + j] += v[j];
  }
}

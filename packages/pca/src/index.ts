/**
 * @lec/pca: principal component analysis. `PCA` (covariance eigendecomposition, SVD or
 * seeded randomized SVD), `IncrementalPCA` (batches, O(d·k) memory) and `principalAngles`
 * between subspaces. Inputs: a rank-2 Tensor, number[][] or `{ data, shape }` (rows are
 * samples); matrices come back as Tensors, vectors of numbers as number[].
 * The linear algebra runs in float64 on the CPU (@lec/linalg for the decompositions).
 * @packageDocumentation
 */
export { PCA, type PcaMethod, type PcaOptions } from './pca.js';
export { IncrementalPCA, type IncrementalPcaOptions } from './incremental-pca.js';
export { PcaModel } from './pca-model.js';
export { principalAngles, type PrincipalAnglesOptions } from './principal-angles.js';
export type { MatrixInput } from './matrix-input.js';

/**
 * @lec/linalg: dense float64 linear algebra for lec's model packages (PCA, spectral graph
 * methods). Row-major `Mat` matrices; `symmetricEigen`/`eigh` (every eigenpair, tred2/tql2),
 * `thinSvd`/`topRightSingular` (ml-matrix's SVD; Gram + Rayleigh–Ritz for the top k of a wide
 * matrix), `orthonormalColumns` (thin QR's Q), `lanczos` (k extreme eigenpairs of a sparse
 * symmetric matrix), and the products `gemm`/`gram`.
 *
 * Double precision on the CPU whatever the tensor backend is: the eigenvalues of a
 * 784-dimensional covariance must agree with a float64 reference to 1e-6, which float32
 * accumulation over 10,000 rows does not give.
 * @packageDocumentation
 */
export { type Mat, gemm, gram, mat, topRows, transpose } from './mat.js';
export { type Eigenpairs, type SymmetricEigenOptions, eigh, symmetricEigen } from './symmetric-eigen.js';
export { flipSigns, thinSvd, topRightSingular } from './svd.js';
export { orthonormalColumns } from './qr.js';
export { type LanczosOptions, csrMatVec, lanczos } from './lanczos.js';

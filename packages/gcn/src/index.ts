/**
 * @lec/gcn: graphs, graph datasets and graph convolutional networks.
 * - `Graph` (CSR; weighted or not, directed or not), `sbm` (stochastic block model).
 * - Loaders: `loadPlanetoid` (Cora, Citeseer, Pubmed from the original files through
 *   @lec/datasets), `loadPlanetoidText` (the text copies), `loadKarate` (shipped data),
 *   `loadEdgeList`, and the string-based `parse*` twins for browsers.
 * - Layers and models (@lec/nn `Module`s): `GCNConv`, `GCN`, `ChebConv`, `trainGCN`,
 *   `nodeCoordinates`, and the `gcnLayers` registry for nn's `saveModel`/`loadModel`.
 * - Spectral graph theory: `laplacian`, `eigh`, `lanczos`, `SpectralBasis` (graph Fourier
 *   transform, exact spectral filters), `lowPass`/`highPass`/`bandPass`/`heatKernel`.
 * @packageDocumentation
 */
export { DataFormatError, GraphError, NodeIdError } from './errors.js';
export { Graph, type AdjacencyOptions, type DuplicatePolicy, type GraphOptions } from './graph.js';
export { SparseFeatures, csrMatrix, denseToCsr, density, rowNormalize, transposePattern, type CsrTransposePattern } from './csr.js';
export { dropDecisions, maskedDropout } from './dropout.js';
export { sbm, type SbmGraph, type SbmOptions } from './sbm.js';
export {
  loadPlanetoid,
  loadPlanetoidText,
  parsePlanetoid,
  type PlanetoidDataset,
  type PlanetoidFiles,
  type PlanetoidName,
  type PlanetoidOptions,
  type Split,
} from './planetoid.js';
export { EDGE_LIST_MAX_NODES, loadEdgeList, loadKarate, parseEdgeList, type EdgeListOptions, type KarateClub } from './edge-list.js';
export { GCNConv, glorot, type GraphInput, type GraphLayerOptions } from './gcn-conv.js';
export { GCN, nodeCoordinates, type GCNOptions } from './gcn.js';
export { SPARSE_DENSITY, trainGCN, type EpochRecord, type TrainGCNOptions, type TrainGCNResult } from './train.js';
export { ChebConv, scaledLaplacian, type ChebConvOptions } from './cheb-conv.js';
export { gcnLayers } from './registry.js';
export { laplacian, csrMatVec, type LaplacianKind } from './laplacian.js';
export { eigh, lanczos, type Eigenpairs, type LanczosOptions } from '@lec/linalg';
export { SpectralBasis, bandPass, heatKernel, highPass, lowPass, type SpectralBasisOptions, type SpectralFilter } from './spectral.js';
export { chebyshevCoefficients, chebyshevFilter, type ChebyshevFit } from './chebyshev.js';
export { gridGraph, ringGraph } from './generators.js';
export { benchmarkEpochs, trainKarate, type BenchmarkEpochsOptions, type KarateResult } from './experiments.js';

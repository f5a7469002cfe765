export { loadKernels, type LoadKernelsOptions } from './load-kernels.js';
export {
  WasmKernels,
  ResidentCsr,
  ResidentF32,
  MIN_FLOPS_PER_THREAD,
  type Activation,
  type GemmOptions,
  type MatmulShape,
  type ThreadingOptions,
} from './wasm-kernels.js';
export { wasmBackend, type WasmBackend, type WasmBackendOptions } from './wasm-backend.js';
export {
  DEFAULT_KERNEL_TUNING,
  CALIBRATION_BUDGET_MS,
  type KernelTuning,
  type KernelTuningInput,
  type GemmTuning,
  type ConvTuning,
  type TuningRequest,
  type TuningReport,
  type TuningCandidate,
} from './kernels/tuning.js';
export { ThreadPool, threadSupport, type KernelJob } from './thread-pool.js';
export { WasmArena, WasmOutOfMemoryError, WASM_PAGE_BYTES } from './wasm-arena.js';
export { chooseKernelFeature, type KernelFeature, type FeatureChoice } from './feature-detection.js';
export { kernelBinary } from './kernel-binary.js';
export { KERNEL_EXPORT_NAMES, PEAK_FLOPS_PER_ITERATION, type KernelExports } from './kernel-exports.js';
export {
  conv2dOutputSize,
  resolveConv2dShape,
  conv2dGeometryBlock,
  CONV2D_GEOMETRY_BLOCK,
  type Conv2dShape,
  type ResolvedConv2dShape,
} from './conv2d-shape.js';

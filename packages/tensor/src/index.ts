/**
 * @lec/tensor: tensors, ops with gradients, autograd, the Backend interface v1 and the two
 * reference backends (`js`, `f64`). No runtime dependencies.
 * @packageDocumentation
 */
export type {
  AdamStepParams,
  SgdStepParams,
  RmspropStepParams,
  Backend,
  BackendInfo,
  BackendV1,
  BinaryArgs,
  BinaryOp,
  Conv2dGeometry,
  FastPath,
  FastPathFunction,
  FastPathKind,
  FastPaths,
  FusedActivation,
  GatherArgs,
  GemmDims,
  Handle,
  LstmCellForward,
  LstmSequenceDims,
  LstmSequenceForward,
  MatmulDims,
  Operand,
  Pool2dGeometry,
  ReduceOp,
  ScatterAddArgs,
  SpmmArgs,
  UnaryOp,
  ArithmeticOp,
  CompareOp,
  WhereArgs,
} from './backend/v1.js';
export { FAST_PATH_FUNCTIONS, FAST_PATH_KINDS, FAST_PATHS, fastPathMembers, fastPathNames, wrapFastPaths } from './backend/v1.js';
export {
  CpuBackend,
  type CpuBackendOptions,
  type Float32Storage,
  type CpuHandle,
  type CpuStore,
  f64Backend,
  jsBackend,
} from './backend/cpu-backend.js';
export { cpuAdam } from './backend/cpu/adam.js';
export { cpuBiasActivation } from './backend/cpu/bias-activation.js';
export { cpuMse } from './backend/cpu/mse.js';
export { cpuSgd } from './backend/cpu/sgd.js';
export { cpuRmsprop } from './backend/cpu/rmsprop.js';
export { cpuLstm, lstmSequenceLayout } from './backend/cpu/lstm.js';
export { cpuSpmm } from './backend/cpu/spmm.js';
export { jsFastPaths } from './backend/cpu/js-fast-paths.js';
export { requiredPrimitives, type RequiredPrimitives } from './backend/compose.js';
export { type DType, type TypedArray, DTYPES, isFloat, bytesPerElement } from './dtype.js';
export { BackendError, DTypeError, DisposedError, LecError, OutOfMemoryError, ShapeError, ValueError, fmtShape } from './errors.js';
export { getBackend, isRecording, keep, setBackend, tidy, withBackend } from './engine.js';
export { Tensor, isTensor, type NestedArray } from './tensor.js';
export {
  arange,
  bernoulli,
  eye,
  full,
  emptyArray,
  linspace,
  ones,
  onesLike,
  rand,
  randn,
  tensor,
  uniform,
  zeros,
  zerosLike,
  type CreateOptions,
  type TensorOptions,
  type RandomOptions,
} from './creation.js';
export { Rng, setSeed, type RngState } from './random.js';
export {
  grad,
  noGrad,
  valueAndGrad,
  variableGrads,
  type GradOptions,
  type GradsAndAux,
  type ValueAndGrads,
  type ValueAuxAndGrads,
} from './autograd.js';
export { Variable } from './variable.js';
export { CsrMatrix } from './sparse.js';
export { broadcastShapes, checkAllocation, sizeOf } from './shape.js';
export { toBackend } from './to-backend.js';
export * from './ops/index.js';

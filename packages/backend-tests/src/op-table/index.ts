/**
 * The conformance table: every public function of @lec/tensor that computes or makes a
 * tensor has an entry (forward cases against the f64 reference, gradient cases or the reason
 * there are none, and error cases). Everything else @lec/tensor exports is listed in
 * NON_OP_EXPORTS with what it is; the suite fails when an export is in neither.
 */
import { CONV } from './conv.js';
import { CREATION } from './creation.js';
import { BINARY, UNARY } from './elementwise.js';
import { LINALG } from './linalg.js';
import { MOVEMENT } from './movement.js';
import { OPTIM } from './optim.js';
import { REDUCTIONS } from './reductions.js';
import { HOSTILE_ERRORS, NO_BAD_INPUT } from './error-inputs.js';
import { NON_FINITE_CASES } from './non-finite.js';
import type { OpEntry } from './types.js';

/** Every entry, with its NaN/±∞ cases (non-finite.ts) added to its forward cases. */
export const OP_TABLE: readonly OpEntry[] = [
  ...UNARY,
  ...BINARY,
  ...REDUCTIONS,
  ...MOVEMENT,
  ...LINALG,
  ...CONV,
  ...CREATION,
  ...OPTIM,
].map((e) => ({
  ...e,
  forward: [...e.forward, ...(NON_FINITE_CASES[e.op] ?? [])],
  errors: [...(e.errors ?? []), ...(HOSTILE_ERRORS[e.op] ?? [])],
}));

export { HOSTILE_ERRORS, NO_BAD_INPUT };

/** Function exports of @lec/tensor that are not ops, and why. */
export const NON_OP_EXPORTS: Readonly<Record<string, string>> = {
  // backends and engine state
  CpuBackend: 'class behind jsBackend/f64Backend',
  jsBackend: 'backend factory',
  f64Backend: 'backend factory (the reference)',
  jsFastPaths: 'fast-path record of the js backend (checked by the fast-paths section)',
  cpuAdam: 'CPU fast-path module (checked by the fast-paths section)',
  cpuSgd: 'CPU fast-path module (checked by the fast-paths section)',
  cpuBiasActivation: 'CPU fast-path module (checked by the fast-paths section)',
  cpuMse: 'CPU fast-path module (checked by the fast-paths section)',
  cpuRmsprop: 'CPU fast-path module (checked by the fast-paths section)',
  cpuLstm: 'CPU fast-path module (checked by the fast-paths section)',
  cpuSpmm: 'CPU fast-path module (checked by the fast-paths section)',
  lstmSequenceLayout: 'layout of the lstmSequence saved buffer (backend plumbing)',
  requiredPrimitives: 'backend composition helper',
  fastPathNames: 'fast-path names of a record (reports, info())',
  fastPathMembers: 'the member functions of one fast-path entry with their public names',
  wrapFastPaths: 'a fast-path record with every function wrapped (call counting, error naming)',
  getBackend: 'engine state',
  setBackend: 'engine state',
  withBackend: 'engine state',
  tidy: 'memory scope (checked around every case)',
  keep: 'memory scope',
  isRecording: 'autograd state',
  // autograd
  grad: 'autograd (used by every gradient case)',
  valueAndGrad: 'autograd (used by every gradient case)',
  variableGrads: 'autograd (unit-tested in @lec/tensor)',
  noGrad: 'autograd (used by gradCheck)',
  Variable: 'parameter holder class',
  // values and helpers
  Tensor: 'the tensor class',
  isTensor: 'type guard',
  CsrMatrix: 'sparse matrix class (spmm has the entry)',
  Rng: 'random generator class (unit-tested in @lec/tensor)',
  setSeed: 'global generator state',
  isFloat: 'dtype predicate',
  bytesPerElement: 'dtype size',
  broadcastShapes: 'shape arithmetic (checked through every broadcasting case)',
  sizeOf: 'shape arithmetic',
  checkAllocation: 'size check (overflow-safe, against the backend limit) that creation ops run; error cases through them',
  // errors
  LecError: 'error class',
  ShapeError: 'error class',
  DTypeError: 'error class',
  BackendError: 'error class',
  ValueError: 'error class',
  DisposedError: 'error class',
  OutOfMemoryError: 'error class',
  fmtShape: 'formats a shape for error messages',
};

export type { CaseContext, CaseFn, ErrorCase, ForwardCase, GradCase, NotDifferentiable, OpEntry } from './types.js';

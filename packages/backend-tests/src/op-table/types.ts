/** The shape of the conformance table: one entry per public function of @lec/tensor. */
import type { BackendV1, LecError, Tensor } from '@lec/tensor';
import type { InputSpec } from '../inputs.js';
import type { ToleranceKind } from '../tolerances.js';

export type FloatDType = 'float32' | 'float64';

/** What a case function gets besides its inputs. */
export interface CaseContext {
  /** The float dtype of this run (float inputs were created in it). */
  dtype: FloatDType;
  /** The backend the case runs on (also the current backend while it runs). */
  backend: BackendV1;
}

export type CaseFn = (xs: Tensor[], c: CaseContext) => Tensor | readonly Tensor[];

/** A forward case: the op on the backend under test against the f64 reference. */
export interface ForwardCase {
  name: string;
  inputs: readonly InputSpec[];
  fn: CaseFn;
  /** Default: the entry's. */
  tol?: ToleranceKind;
  /**
   * Run the reference in the dtype under test instead of float64 (ops whose values depend on
   * the dtype, like uniform's 24 or 53 random bits).
   */
  refSameDtype?: boolean;
  /** Uses float64 tensors whatever the run's dtype (skipped, with the reason, on a backend without float64). */
  needsFloat64?: boolean;
  /** Frees what the case's fn cached outside tidy (a CsrMatrix's backend copies). */
  cleanup?: () => void;
}

/** A gradient case: gradCheck in float64, and the float32 backward pass against the reference. */
export interface GradCase {
  name: string;
  inputs: readonly InputSpec[];
  fn: CaseFn;
  /** Inputs to differentiate (default: the float ones). */
  wrt?: readonly number[];
  /** Finite-difference step override, e.g. for cast through float32 (say why). */
  eps?: number;
  /** The float32 backward tolerance (default the vjp row). */
  tol?: ToleranceKind;
  cleanup?: () => void;
}

export type ErrorClass = abstract new (...args: never[]) => LecError;

/** Bad input must raise `error` with a message that names `op` and the argument `arg`. */
export interface ErrorCase {
  name: string;
  fn: (c: CaseContext) => unknown;
  error: ErrorClass;
  arg: string;
  /** The op the message starts with (default: the entry's). */
  op?: string;
}

/** Marks an op without gradients, saying why. */
export interface NotDifferentiable {
  notDifferentiable: string;
}

/** One public function of @lec/tensor and everything the suite checks about it. */
export interface OpEntry {
  op: string;
  /** Default tolerance row of its cases. */
  tol: ToleranceKind;
  forward: readonly ForwardCase[];
  grad: readonly GradCase[] | NotDifferentiable;
  errors?: readonly ErrorCase[];
}

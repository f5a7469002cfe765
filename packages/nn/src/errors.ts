/**
 * Typed errors of @lec/nn. Both extend tensor's `LecError`, so `err.op` names the function that
 * raised them and `instanceof LecError` catches everything lec throws.
 */
import { LecError } from '@lec/tensor';

/**
 * A saved model or weights file is malformed, unsafe or does not fit the model (bad header,
 * offsets out of bounds, a polluting key, an unknown layer type, a size over the budget).
 * @example
 * ```ts
 * readSafetensors(new Uint8Array(3)); // throws FormatError
 * ```
 */
export class FormatError extends LecError {}

/**
 * A training step produced a NaN or infinite loss, gradient or updated parameter. The
 * parameters and the optimizer state are left as they were before the step.
 * @example
 * ```ts
 * const e = new NonFiniteError('trainStep', 'loss is NaN', { epoch: 2, batch: 7, what: 'loss' });
 * e.epoch; // 2
 * ```
 */
export class NonFiniteError extends LecError {
  /** Epoch (0-based) of the failed step, when known. */
  readonly epoch: number | undefined;
  /** Batch (0-based, within the epoch) of the failed step, when known. */
  readonly batch: number | undefined;
  /**
   * Which value was not finite: `'loss'`, `'gradient'`, or `'parameter'` (the update would make
   * a parameter or its optimizer state non-finite, e.g. Adam's moments overflowing).
   */
  readonly what: 'loss' | 'gradient' | 'parameter';
  constructor(op: string, message: string, details: { epoch?: number; batch?: number; what: 'loss' | 'gradient' | 'parameter' }) {
    super(op, message);
    this.epoch = details.epoch;
    this.batch = details.batch;
    this.what = details.what;
  }
}

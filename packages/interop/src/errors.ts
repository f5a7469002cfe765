/**
 * Typed errors of @lec/interop. Both extend @lec/nn's `FormatError` (and so tensor's
 * `LecError`): `err.op` names the function that raised them.
 */
import { FormatError } from '@lec/nn';

/**
 * Weights from another tool do not fit the model: missing or extra keys, wrong shapes, a
 * layer with no counterpart. `problems` lists every one (the message shows them all); the
 * model was not changed.
 * @example
 * ```ts
 * const e = new MismatchError('fromTorchStateDict', ["missing key '0.weight'", "unexpected key 'fc.bias'"]);
 * e.problems.length; // 2
 * ```
 */
export class MismatchError extends FormatError {
  /** Every problem found, one line each. */
  readonly problems: readonly string[];
  constructor(op: string, problems: readonly string[]) {
    super(op, `${problems.length} problem${problems.length === 1 ? '' : 's'}; the model was not changed:\n  - ${problems.join('\n  - ')}`);
    this.problems = [...problems];
  }
}

/**
 * A layer, layer class or option has no equivalent in the other format (e.g. a Keras layer
 * class this reader does not know, or a GRU with the reset gate before the product for PyTorch).
 * @example
 * ```ts
 * new UnsupportedLayerError('fromTfjsLayers', "layer class 'Conv3D' is not supported").message; // "fromTfjsLayers: layer class 'Conv3D' is not supported"
 * ```
 */
export class UnsupportedLayerError extends FormatError {}

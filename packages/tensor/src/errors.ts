/**
 * Typed errors. Every message names the op, the argument, what was expected and what came,
 * e.g. `matmul: argument 'b' expected shape [3, n] (inner dimensions must agree), got [4, 2]`.
 */
export class LecError extends Error {
  /** The op or function that raised it (`matmul`, `conv2d`, `loadSafetensors`, ...). */
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
    this.op = op;
  }
}

/** A tensor's shape (rank or a dimension) is not what the op needs. */
export class ShapeError extends LecError {}

/** A tensor's dtype is not what the op needs, or two dtypes do not match. */
export class DTypeError extends LecError {}

/** A backend is missing, cannot run the request, or tensors from two backends were mixed. */
export class BackendError extends LecError {}

/** A scalar argument is out of range or of the wrong kind (a negative size, a bad axis). */
export class ValueError extends LecError {}

/** A tensor was used after `dispose()`. */
export class DisposedError extends LecError {}

/**
 * Formats a shape the way messages print it: `[2, 3]`.
 * @example
 * ```ts
 * fmtShape([2, 3]); // '[2, 3]'
 * ```
 */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

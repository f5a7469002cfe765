/**
 * Typed errors. Every message names the op, the argument, what was expected and what came,
 * e.g. `matmul: argument 'b' expected shape [3, n] (inner dimensions must agree), got [4, 2]`.
 */
export class LecError extends Error {
  /** The op or function that raised it (`matmul`, `conv2d`, `loadSafetensors`, ...). */
  readonly op: string;
  constructor(op: string, message: string, options?: { cause?: unknown }) {
    super(`${op}: ${message}`, options);
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
 * A tensor would not fit: its byte size overflows, exceeds the backend's limit, or the
 * backend ran out of memory allocating it. Raised before anything is allocated where the
 * size is known up front (the op checks it), and by the backend otherwise; either way the
 * message names the op, the bytes asked for, and the option that raises the limit
 * (`wasmBackend({ maximumBytes })` on the wasm backend).
 * @example
 * ```ts
 * const e = new OutOfMemoryError('zeros', 'asked for 4e12 bytes', { requestedBytes: 4e12, limitBytes: 2 ** 30 });
 * e.requestedBytes; // 4000000000000
 * ```
 */
export class OutOfMemoryError extends LecError {
  /** Bytes the failed allocation asked for. */
  readonly requestedBytes: number;
  /** The limit it ran into, in bytes (Infinity where only the host's memory limits it). */
  readonly limitBytes: number;
  /** Bytes already in use when it failed, where the backend knows. */
  readonly inUseBytes: number | undefined;
  /** The option that raises the limit, e.g. `wasmBackend({ maximumBytes })`, where there is one. */
  readonly option: string | undefined;
  constructor(op: string, message: string, details: { requestedBytes: number; limitBytes: number; inUseBytes?: number; option?: string }) {
    super(op, message);
    this.requestedBytes = details.requestedBytes;
    this.limitBytes = details.limitBytes;
    this.inUseBytes = details.inUseBytes;
    this.option = details.option;
  }
}

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

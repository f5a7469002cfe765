/**
 * What a CPU fast-path module needs from the backend it is composed into: the typed array
 * behind a handle, fresh (or recycled) arrays, and a way to wrap an array as a counted handle.
 * `CpuBackend` is one; a backend that keeps CPU storage (the wasm backend) hands its
 * `CpuBackend` to the same modules.
 */
import type { DType, TypedArray } from '../../dtype.js';

/** A handle of the CPU backends: a typed array and whether it was disposed. */
export interface CpuHandle {
  data: TypedArray;
  disposed: boolean;
}

/** Typed-array storage with handle counting (see `CpuBackend`). */
export interface CpuStore {
  /** The typed array behind a handle (throws after dispose). */
  get(handle: CpuHandle): TypedArray;
  /** A zeroed array of `size` for `dtype`'s storage. */
  array(dtype: DType, size: number): TypedArray;
  /** As `array`, for a caller that writes every element before anyone reads it (not zeroed). */
  arrayToOverwrite(dtype: DType, size: number): TypedArray;
  /** Wraps a typed array as a counted handle. */
  make(data: TypedArray): CpuHandle;
}

/**
 * Element types. `float32` is the default; `float64` is for the reference backend and
 * gradient checks; `int32` holds indices, labels and comparison masks.
 */
export type DType = 'float32' | 'float64' | 'int32';

/** The typed array a dtype is stored in on CPU backends. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Every dtype lec knows, in a fixed order. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/**
 * Whether a dtype is a floating-point type (and so differentiable).
 * @example
 * ```ts
 * isFloat('float64'); // true
 * isFloat('int32'); // false
 * ```
 */
export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/**
 * Bytes one element of `dtype` takes.
 * @example
 * ```ts
 * bytesPerElement('float64'); // 8
 * bytesPerElement('int32'); // 4
 * ```
 */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/** A new zero-filled typed array for `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
  }
}

/** The dtype whose typed array `data` is. */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'float32';
}

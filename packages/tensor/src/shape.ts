import type { BackendV1 } from './backend/v1.js';
import { type DType, bytesPerElement } from './dtype.js';
import { OutOfMemoryError, ShapeError, ValueError, fmtShape } from './errors.js';

/**
 * Number of elements of a shape (1 for a scalar `[]`).
 * @example
 * ```ts
 * sizeOf([2, 3, 4]); // 24
 * sizeOf([]); // 1
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Checks that every entry is a non-negative safe integer. */
export function checkShape(op: string, arg: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(op, `argument '${arg}' expected a shape of non-negative integers, got ${fmtShape(shape)}`);
    }
  }
}

/**
 * The numpy broadcast of two shapes, or a ShapeError naming the op and the two arguments
 * (`names`, default 'a' and 'b').
 * @example
 * ```ts
 * broadcastShapes('add', [2, 1], [3]); // [2, 3]
 * ```
 */
export function broadcastShapes(
  op: string,
  a: readonly number[],
  b: readonly number[],
  names: readonly [string, string] = ['a', 'b'],
): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `arguments '${names[0]}' ${fmtShape(a)} and '${names[1]}' ${fmtShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against a rank. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ValueError(op, `argument 'axis' expected an integer in [${-rank}, ${Math.max(rank - 1, 0)}], got ${axis}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves a list of axes (or all axes when undefined), sorted and without repeats. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) {
    throw new ValueError(op, `argument 'axis' has a repeated axis: [${list.join(', ')}]`);
  }
  return out.sort((x, y) => x - y);
}

/** Whether two shapes are equal. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The largest typed array Node 20 (V8) makes: one tensor's elements on the CPU backends. */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32 - 1;

/**
 * Checks, before anything is allocated, that a tensor of `shape` and `dtype` can exist on
 * `backend`: every dimension a non-negative safe integer (ShapeError), the element count and
 * byte size computed without overflow, and at most the backend's `memoryLimit` (or the host's
 * largest typed array) (OutOfMemoryError naming the bytes and the option that raises the
 * limit). Returns the element count.
 * @example
 * ```ts
 * checkAllocation('zeros', 'shape', [2, 3], 'float32', jsBackend()); // 6
 * checkAllocation('zeros', 'shape', [1e6, 1e6], 'float32', jsBackend()); // throws OutOfMemoryError
 * ```
 */
export function checkAllocation(op: string, arg: string, shape: readonly number[], dtype: DType, backend: BackendV1): number {
  checkShape(op, arg, shape);
  let n = 1;
  for (const d of shape) if (d === 0) return 0;
  for (const d of shape) {
    // overflow-safe: n·d stays exact while it is below 2^53
    if (n > Number.MAX_SAFE_INTEGER / d) throw new ShapeError(op, `argument '${arg}' ${fmtShape(shape)} holds more than 2^53 elements`);
    n *= d;
  }
  const bytes = n * bytesPerElement(dtype);
  const limit = backend.memoryLimit;
  if (limit !== undefined && bytes > limit.bytes)
    throw new OutOfMemoryError(
      op,
      `argument '${arg}' ${fmtShape(shape)} (${dtype}) needs ${bytes} bytes, over the ${backend.name} backend's limit of ${limit.bytes} bytes (raise it with ${limit.option})`,
      { requestedBytes: bytes, limitBytes: limit.bytes, option: limit.option },
    );
  if (n > MAX_TYPED_ARRAY_LENGTH)
    throw new OutOfMemoryError(
      op,
      `argument '${arg}' ${fmtShape(shape)} (${dtype}) needs ${n} elements (${bytes} bytes), over the largest typed array (${MAX_TYPED_ARRAY_LENGTH} elements)`,
      { requestedBytes: bytes, limitBytes: MAX_TYPED_ARRAY_LENGTH * bytesPerElement(dtype) },
    );
  return n;
}

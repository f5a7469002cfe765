/**
 * Making tensors: from nested arrays or typed arrays, constant fills, ranges, and seeded
 * random ones. All are created on the current backend (`getBackend()`) unless one is given.
 */
import type { BackendV1 } from './backend/v1.js';
import { type DType, type TypedArray, allocArray, dtypeOfArray } from './dtype.js';
import { getBackend } from './engine.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors.js';
import { type Rng, resolveRng } from './random.js';
import { checkAllocation, checkShape, sizeOf } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

/** Options every creation function takes. */
export interface CreateOptions {
  dtype?: DType;
  /** Backend to create on (default: the current one). */
  backend?: BackendV1;
}

/** Options of `tensor`. */
export interface TensorOptions extends CreateOptions {
  /**
   * Hand a typed array over to the backend instead of copying it, where the backend can keep
   * it as its storage (the js and f64 backends, when the array type is the one they store the
   * dtype in: Float32Array for float32 on js); elsewhere it is copied as usual. After the
   * call the array belongs to the tensor: do not write to it again (reads see the tensor's
   * values until it is disposed). Ignored for nested arrays. Default false.
   */
  transfer?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Seed for a fresh generator (reproducible). */
  seed?: number;
  /** A generator to draw from (advances it). */
  rng?: Rng;
}

/** int32 holds integers in [−2^31, 2^31): anything else would be truncated or wrapped silently. */
function checkInt32(op: string, arg: string, v: number, index?: number): void {
  if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
    throw new ValueError(
      op,
      `argument '${arg}' expected integers in [-2^31, 2^31) for dtype int32, got ${v}${index === undefined ? '' : ` at flat index ${index}`}`,
    );
}

function inferShape(op: string, values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flatten(op: string, values: NestedArray, shape: readonly number[], out: number[], dim = 0): void {
  if (dim === shape.length) {
    if (typeof values !== 'number')
      throw new ShapeError(
        op,
        `argument 'values' is ragged: expected a number at depth ${dim}, got ${Array.isArray(values) ? 'an array' : typeof values}`,
      );
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new ShapeError(
      op,
      `argument 'values' is ragged: expected ${shape[dim]} entries at depth ${dim}, got ${Array.isArray(values) ? values.length : typeof values}`,
    );
  }
  for (const v of values) flatten(op, v, shape, out, dim + 1);
}

/** @internal Wraps raw data into a tensor on `backend`. */
export function makeTensor(
  data: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
  backend: BackendV1 = getBackend(),
  transfer = false,
): Tensor {
  if (!backend.dtypes.includes(dtype))
    throw new DTypeError(
      'tensor',
      `backend '${backend.name}' does not support dtype '${dtype}' (it supports ${backend.dtypes.join(', ')})`,
    );
  const adopted = transfer && ArrayBuffer.isView(data) ? (backend.adoptArray?.(data as TypedArray, dtype) ?? null) : null;
  return new Tensor(adopted ?? backend.fromArray(data, dtype), shape, dtype, backend);
}

/**
 * A typed array of `size` elements for `dtype` from the backend's own storage, to fill and
 * then hand over with `tensor(array, shape, { dtype, backend, transfer: true })`: no copy is
 * made on the js, f64 and wasm backends (on wasm the array is a view of linear memory, where
 * kernels read it in place). Its contents are unspecified (a recycled array keeps old
 * values): write every element. Backends without storage of their own give a fresh array.
 * @example
 * ```ts
 * const a = emptyArray(4);
 * a.set([1, 2, 3, 4]);
 * tensor(a, [2, 2], { transfer: true }).toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function emptyArray(size: number, options: CreateOptions = {}): TypedArray {
  const backend = options.backend ?? getBackend();
  const dtype = options.dtype ?? 'float32';
  if (!backend.dtypes.includes(dtype))
    throw new DTypeError(
      'emptyArray',
      `backend '${backend.name}' does not support dtype '${dtype}' (it supports ${backend.dtypes.join(', ')})`,
    );
  const n = checkAllocation('emptyArray', 'size', [size], dtype, backend);
  return backend.arrayToFill?.(dtype, n) ?? allocArray(dtype, n);
}

/**
 * A tensor from a number, nested arrays or a typed array (flat, row-major, with `shape`).
 * The dtype defaults to float32 (int32 for an Int32Array, float64 for a Float64Array).
 * @example
 * ```ts
 * tensor([[1, 2, 3], [4, 5, 6]]).shape; // [2, 3]
 * tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).shape; // [2, 2]
 * tensor([1, 2], undefined, { dtype: 'int32' }).dtype; // 'int32'
 * tensor(new Float32Array(784), [28, 28], { transfer: true }).size; // 784 (no copy on js)
 * ```
 */
export function tensor(
  values: NestedArray | TypedArray | readonly number[],
  shape?: readonly number[],
  options: TensorOptions = {},
): Tensor {
  const op = 'tensor';
  if (ArrayBuffer.isView(values)) {
    const data = values as TypedArray;
    const s = shape ?? [data.length];
    checkShape(op, 'shape', s);
    if (sizeOf(s) !== data.length)
      throw new ShapeError(op, `argument 'shape' ${fmtShape(s)} holds ${sizeOf(s)} elements but 'values' has ${data.length}`);
    if (options.dtype === 'int32' && !(data instanceof Int32Array))
      for (let i = 0; i < data.length; i++) checkInt32(op, 'values', data[i], i);
    if (options.transfer !== undefined && typeof options.transfer !== 'boolean')
      throw new ValueError(op, `option 'transfer' expected a boolean, got ${typeof options.transfer}`);
    return makeTensor(data, s, options.dtype ?? dtypeOfArray(data), options.backend, options.transfer === true);
  }
  const inferred = inferShape(op, values as NestedArray);
  const flat: number[] = [];
  flatten(op, values as NestedArray, inferred, flat);
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== 'number')
      throw new ValueError(op, `argument 'values' expected numbers, got ${typeof flat[i]} at flat index ${i}`);
  }
  const s = shape ?? inferred;
  checkShape(op, 'shape', s);
  if (sizeOf(s) !== flat.length)
    throw new ShapeError(op, `argument 'shape' ${fmtShape(s)} holds ${sizeOf(s)} elements but 'values' has ${flat.length}`);
  if (options.dtype === 'int32') for (let i = 0; i < flat.length; i++) checkInt32(op, 'values', flat[i], i);
  return makeTensor(flat, s, options.dtype ?? 'float32', options.backend);
}

/**
 * A tensor of `shape` filled with `value`.
 * @example
 * ```ts
 * full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 * ```
 */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

function checkLike(op: string, t: Tensor): void {
  if (!(t instanceof Tensor)) throw new ValueError(op, `argument 't' expected a Tensor, got ${t === null ? 'null' : typeof t}`);
}

function filled(op: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  const backend = options.backend ?? getBackend();
  const dtype = options.dtype ?? 'float32';
  const n = checkAllocation(op, 'shape', shape, dtype, backend);
  if (typeof value !== 'number') throw new ValueError(op, `argument 'value' expected a number, got ${typeof value}`);
  if (dtype === 'int32') checkInt32(op, 'value', value);
  // allocated in the target dtype: a float32 tensor never passes through a float64 copy
  const data = allocArray(dtype, n);
  if (value !== 0) data.fill(value);
  return makeTensor(data, shape, dtype, backend);
}

/**
 * Zeros of `shape`.
 * @example
 * ```ts
 * zeros([3]).toArray(); // [0, 0, 0]
 * ```
 */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/**
 * Ones of `shape`.
 * @example
 * ```ts
 * ones([2]).toArray(); // [1, 1]
 * ```
 */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/**
 * Zeros with the shape, dtype and backend of `t`.
 * @example
 * ```ts
 * zerosLike(tensor([1, 2])).toArray(); // [0, 0]
 * ```
 */
export function zerosLike(t: Tensor): Tensor {
  checkLike('zerosLike', t);
  return filled('zerosLike', t.shape, 0, { dtype: t.dtype, backend: t.backend });
}

/**
 * Ones with the shape, dtype and backend of `t`.
 * @example
 * ```ts
 * onesLike(tensor([5, 6])).toArray(); // [1, 1]
 * ```
 */
export function onesLike(t: Tensor): Tensor {
  checkLike('onesLike', t);
  return filled('onesLike', t.shape, 1, { dtype: t.dtype, backend: t.backend });
}

/**
 * Numbers from `start` (inclusive) to `stop` (exclusive) by `step`, like numpy's arange.
 * @example
 * ```ts
 * arange(0, 5).toArray(); // [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25).size; // 4
 * ```
 */
export function arange(start: number, stop: number, step = 1, options: CreateOptions = {}): Tensor {
  if (!Number.isFinite(start)) throw new ValueError('arange', `argument 'start' expected a finite number, got ${start}`);
  if (!Number.isFinite(stop)) throw new ValueError('arange', `argument 'stop' expected a finite number, got ${stop}`);
  if (step === 0 || !Number.isFinite(step))
    throw new ValueError('arange', `argument 'step' expected a finite non-zero number, got ${step}`);
  const backend = options.backend ?? getBackend();
  const dtype = options.dtype ?? 'float32';
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (!Number.isSafeInteger(count))
    throw new ShapeError('arange', `arguments 'start', 'stop', 'step' give ${count} elements, more than 2^53`);
  const n = checkAllocation('arange', 'stop', [count], dtype, backend);
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return makeTensor(data, [n], dtype, backend);
}

/**
 * `num` evenly spaced numbers from `start` to `stop`, both included.
 * @example
 * ```ts
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num: number, options: CreateOptions = {}): Tensor {
  if (!Number.isSafeInteger(num) || num < 0) throw new ValueError('linspace', `argument 'num' expected a non-negative integer, got ${num}`);
  const backend = options.backend ?? getBackend();
  const dtype = options.dtype ?? 'float32';
  checkAllocation('linspace', 'num', [num], dtype, backend);
  const data = allocArray(dtype, num);
  for (let i = 0; i < num; i++) data[i] = num === 1 ? start : start + ((stop - start) * i) / (num - 1);
  return makeTensor(data, [num], dtype, backend);
}

/**
 * The n×m identity matrix (m defaults to n).
 * @example
 * ```ts
 * eye(2).toArray(); // [[1, 0], [0, 1]]
 * ```
 */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  const backend = options.backend ?? getBackend();
  const dtype = options.dtype ?? 'float32';
  checkAllocation('eye', 'n', [n, m], dtype, backend);
  const data = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return makeTensor(data, [n, m], dtype, backend);
}

function floatDtype(op: string, dtype: DType | undefined): DType {
  const d = dtype ?? 'float32';
  if (d === 'int32') throw new DTypeError(op, `argument 'dtype' expected float32 or float64, got int32`);
  return d;
}

/**
 * Uniform random numbers in [low, high). `low` and `high` are finite numbers with
 * low ≤ high (options go fourth: `uniform(shape, 0, 1, { seed })`; `rand(shape, options)`
 * is [0, 1)); anything else is a ValueError naming the argument, before anything is allocated.
 * @example
 * ```ts
 * uniform([2, 2], -1, 1, { seed: 0 }).shape; // [2, 2]
 * ```
 */
export function uniform(shape: readonly number[], low = 0, high = 1, options: RandomOptions = {}): Tensor {
  const op = 'uniform';
  for (const [name, v] of [
    ['low', low],
    ['high', high],
  ] as const)
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValueError(
        op,
        `argument '${name}' expected a finite number, got ${typeof v === 'number' ? v : typeof v}${typeof v === 'object' && v !== null ? ' (options go fourth: uniform(shape, low, high, options), or rand(shape, options))' : ''}`,
      );
  if (!(low <= high)) throw new ValueError(op, `argument 'high' expected at least low = ${low}, got ${high}`);
  if (!Number.isFinite(high - low)) throw new ValueError(op, `argument 'high' gives a range high - low that overflows to ${high - low}`);
  if (options === null || typeof options !== 'object')
    throw new ValueError(op, `argument 'options' expected an object, got ${options === null ? 'null' : typeof options}`);
  return uniformAs(op, shape, low, high, options);
}

function uniformAs(op: string, shape: readonly number[], low: number, high: number, options: RandomOptions): Tensor {
  const dtype = floatDtype(op, options.dtype);
  checkAllocation(op, 'shape', shape, dtype, options.backend ?? getBackend());
  const u = resolveRng(options).uniform(sizeOf(shape), dtype === 'float32' ? 24 : 53);
  for (let i = 0; i < u.length; i++) u[i] = low + (high - low) * u[i];
  return makeTensor(u, shape, dtype, options.backend);
}

/**
 * Uniform random numbers in [0, 1).
 * @example
 * ```ts
 * rand([3], { seed: 1 }).size; // 3
 * ```
 */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return uniformAs('rand', shape, 0, 1, options);
}

/**
 * Normal random numbers with the given mean and standard deviation.
 * @example
 * ```ts
 * randn([1000], { seed: 2 }).shape; // [1000]
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const dtype = floatDtype('randn', options.dtype);
  checkAllocation('randn', 'shape', shape, dtype, options.backend ?? getBackend());
  const z = resolveRng(options).normal(sizeOf(shape));
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  for (let i = 0; i < z.length; i++) z[i] = mean + std * z[i];
  return makeTensor(z, shape, dtype, options.backend);
}

/**
 * 1 with probability `p`, else 0.
 * @example
 * ```ts
 * bernoulli([4], 1, { seed: 0 }).toArray(); // [1, 1, 1, 1]
 * ```
 */
export function bernoulli(shape: readonly number[], p: number, options: RandomOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError('bernoulli', `argument 'p' expected a probability in [0, 1], got ${p}`);
  checkAllocation('bernoulli', 'shape', shape, options.dtype ?? 'float32', options.backend ?? getBackend());
  const u = resolveRng(options).uniform(sizeOf(shape), 24);
  for (let i = 0; i < u.length; i++) u[i] = u[i] < p ? 1 : 0;
  return makeTensor(u, shape, options.dtype ?? 'float32', options.backend);
}

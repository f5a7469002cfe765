/**
 * The plain-JavaScript CPU backends: `js` (float32 in Float32Array) and `f64` (the reference:
 * every float dtype held and computed in Float64Array). Both are the same class with a
 * different storage policy, written for clarity first: `CpuBackend` holds the storage and the
 * required primitives, and its `fastPaths` record is composed from outside. The `js` backend
 * gets `jsFastPaths` (LSTM, spmm, Adam, SGD, RMSprop, the dense epilogue gradient and MSE from `cpu/`); the f64 reference gets none, so every
 * op runs its composite there, which is exactly what the conformance suite needs from a
 * reference.
 *
 * Tensors are ordinary typed arrays here: no dispose is needed, the garbage collector frees
 * them. `liveBuffers()` still counts handles made minus handles disposed so leak tests can
 * prove an op sequence disposes what it makes (which matters on device backends).
 */
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { BackendError, DTypeError, ValueError } from '../errors.js';
import { sizeOf, stridesOf } from '../shape.js';
import { jsFastPaths } from './cpu/js-fast-paths.js';
import type { CpuHandle, CpuStore } from './cpu/store.js';
import type {
  BackendInfo,
  BackendV1,
  BinaryArgs,
  BinaryOp,
  FastPaths,
  GatherArgs,
  MatmulDims,
  ReduceOp,
  ScatterAddArgs,
  UnaryOp,
  WhereArgs,
} from './v1.js';

export type { CpuHandle, CpuStore } from './cpu/store.js';

/** How a CPU backend stores each dtype. */
type StoragePolicy = 'native' | 'float64';

/** Copies `shape`-many elements from src (with strides) into dst (with strides). */
function stridedCopy(
  src: ArrayLike<number>,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[dstOffset] = src[srcOffset];
    return;
  }
  if (sizeOf(shape) === 0) return;
  const last = rank - 1;
  const n = shape[last];
  const ss = srcStrides[last];
  const ds = dstStrides[last];
  const idx = new Array<number>(rank).fill(0);
  let s = srcOffset;
  let d = dstOffset;
  for (;;) {
    for (let i = 0; i < n; i++) dst[d + i * ds] = src[s + i * ss];
    // advance the outer counter (odometer), keeping s and d in step
    let dim = last - 1;
    while (dim >= 0) {
      idx[dim]++;
      s += srcStrides[dim];
      d += dstStrides[dim];
      if (idx[dim] < shape[dim]) break;
      s -= srcStrides[dim] * shape[dim];
      d -= dstStrides[dim] * shape[dim];
      idx[dim] = 0;
      dim--;
    }
    if (dim < 0) return;
  }
}

/** Strides of `shape` broadcast to `outShape` (0 on broadcast dimensions). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const offset = outShape.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[offset + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function applyUnary(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case 'sign':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v > 0 ? 1 : v < 0 ? -1 : v;
      }
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case 'expm1':
      for (let i = 0; i < n; i++) out[i] = Math.expm1(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = 1 / x[i];
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      // Two branches keep exp's argument non-positive: no overflow for large |x|.
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return;
    // relu and step are written without data-dependent branches (a branch on the sign of
    // activations mispredicts half the time and costs ~4× the loop); the rare values the
    // arithmetic gets wrong (−∞ for relu: −∞·0 is NaN; NaN for step) are counted and fixed
    // in a second pass that only runs when there are any
    case 'relu': {
      let negInf = 0;
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v * +(v > 0) + 0; // + 0 turns −0 into 0; NaN stays NaN
        negInf += +(v === Number.NEGATIVE_INFINITY);
      }
      if (negInf > 0) for (let i = 0; i < n; i++) if (x[i] === Number.NEGATIVE_INFINITY) out[i] = 0;
      return;
    }
    case 'step': {
      let nan = 0;
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = +(v > 0);
        nan += +(v !== v);
      }
      if (nan > 0) for (let i = 0; i < n; i++) if (x[i] !== x[i]) out[i] = x[i];
      return;
    }
    case 'floor':
      for (let i = 0; i < n; i++) out[i] = Math.floor(x[i]);
      return;
    case 'ceil':
      for (let i = 0; i < n; i++) out[i] = Math.ceil(x[i]);
      return;
    // round half to even, like numpy and PyTorch
    case 'round':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        const r = Math.round(v);
        out[i] = Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
      }
      return;
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
      return;
  }
}

/** Same-shape binary loop (a and b already broadcast to out's length). */
function applyBinary(op: BinaryOp, a: ArrayLike<number>, b: ArrayLike<number>, out: TypedArray): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return;
    case 'div':
      if (out instanceof Int32Array) for (let i = 0; i < n; i++) out[i] = Math.floor(a[i] / b[i]);
      else for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      return;
    case 'pow':
      for (let i = 0; i < n; i++) out[i] = a[i] ** b[i];
      return;
    // NaN propagates through maximum/minimum (like numpy's maximum, unlike Math.max's -0 rule)
    case 'maximum':
      for (let i = 0; i < n; i++) {
        const x = a[i],
          y = b[i];
        out[i] = x !== x || y !== y ? NaN : x > y ? x : y;
      }
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) {
        const x = a[i],
          y = b[i];
        out[i] = x !== x || y !== y ? NaN : x < y ? x : y;
      }
      return;
    case 'equal':
      for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0;
      return;
    case 'notEqual':
      for (let i = 0; i < n; i++) out[i] = a[i] !== b[i] ? 1 : 0;
      return;
    case 'less':
      for (let i = 0; i < n; i++) out[i] = a[i] < b[i] ? 1 : 0;
      return;
    case 'lessEqual':
      for (let i = 0; i < n; i++) out[i] = a[i] <= b[i] ? 1 : 0;
      return;
    case 'greater':
      for (let i = 0; i < n; i++) out[i] = a[i] > b[i] ? 1 : 0;
      return;
    case 'greaterEqual':
      for (let i = 0; i < n; i++) out[i] = a[i] >= b[i] ? 1 : 0;
      return;
  }
}

/** The arithmetic ops `applyBinaryRepeat` runs without materialising a broadcast. */
const ARITH4 = new Set<BinaryOp>(['add', 'sub', 'mul', 'div']);

/**
 * Whether `shape` broadcast to `outShape` only repeats along leading dimensions: after
 * dropping leading 1s it equals a suffix of `outShape` (a scalar, or a bias [C] against
 * [N, H, W, C]). Its data then repeats every `size(shape)` elements of the output.
 */
function isTrailing(shape: readonly number[], outShape: readonly number[]): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const rest = shape.length - start;
  if (rest > outShape.length) return false;
  for (let i = 0; i < rest; i++) if (shape[start + i] !== outShape[outShape.length - rest + i]) return false;
  return true;
}

/**
 * add/sub/mul/div where one operand is full-size and the other repeats with a period
 * dividing the output's length (see isTrailing; a scalar is period 1): out[i] =
 * a[i] op b[i % b.length] or a[i % a.length] op b[i]. A short period is tiled to about
 * 1024 values first so the inner loops stay long.
 */
function applyBinaryRepeat(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray): void {
  const n = out.length;
  const aFull = a.length === n;
  if (aFull && b.length === 1) {
    const y = b[0];
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = a[i] + y;
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = a[i] - y;
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = a[i] * y;
    else for (let i = 0; i < n; i++) out[i] = a[i] / y;
    return;
  }
  if (!aFull && a.length === 1) {
    const x = a[0];
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = x + b[i];
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = x - b[i];
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = x * b[i];
    else for (let i = 0; i < n; i++) out[i] = x / b[i];
    return;
  }
  const short = aFull ? b : a;
  const p = short.length;
  const reps = Math.max(1, Math.floor(1024 / p));
  let t = short;
  if (reps > 1) {
    t = new (short.constructor as new (length: number) => TypedArray)(reps * p);
    for (let r = 0; r < reps; r++) t.set(short, r * p);
  }
  const period = t.length;
  for (let o = 0; o < n; o += period) {
    const m = Math.min(period, n - o);
    if (aFull) {
      if (op === 'add') for (let j = 0; j < m; j++) out[o + j] = a[o + j] + t[j];
      else if (op === 'sub') for (let j = 0; j < m; j++) out[o + j] = a[o + j] - t[j];
      else if (op === 'mul') for (let j = 0; j < m; j++) out[o + j] = a[o + j] * t[j];
      else for (let j = 0; j < m; j++) out[o + j] = a[o + j] / t[j];
    } else {
      if (op === 'add') for (let j = 0; j < m; j++) out[o + j] = t[j] + b[o + j];
      else if (op === 'sub') for (let j = 0; j < m; j++) out[o + j] = t[j] - b[o + j];
      else if (op === 'mul') for (let j = 0; j < m; j++) out[o + j] = t[j] * b[o + j];
      else for (let j = 0; j < m; j++) out[o + j] = t[j] / b[o + j];
    }
  }
}

/** Arrays shorter than this are not recycled (the allocator handles small ones well). */
const RECYCLE_MIN = 4096;
/**
 * At most this many free arrays of one dtype and length, and this many bytes in all, or as
 * many as the largest working set seen (the most bytes of recyclable arrays alive at once)
 * when that is larger: a training step whose intermediates outgrow the floor (a GCN epoch on
 * a 10^6-edge graph disposes ~250 MB at once) then reuses all of them instead of paying a
 * page fault per 4 KiB of fresh arrays every step, while a small workload keeps the floor.
 */
const RECYCLE_PER_SIZE = 8;
const RECYCLE_MAX_BYTES = 64 * 1024 * 1024;

function dtypeOfArray(a: TypedArray): DType {
  return a instanceof Float32Array ? 'float32' : a instanceof Float64Array ? 'float64' : 'int32';
}

const COMPARE_OPS = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);

/** Options of a `CpuBackend`. */
export interface CpuBackendOptions {
  /** Short name (`js`, `f64`, or the name of a backend composed over this storage). */
  name: string;
  /** `native`: each dtype in its own typed array; `float64`: floats in Float64Array (the reference). */
  storage: StoragePolicy;
  /** Builds the fast-path record over this storage (default: none). */
  fastPaths?: (store: CpuStore) => FastPaths<CpuHandle>;
  /**
   * Where `native` float32 arrays come from when not from the JavaScript heap (the wasm
   * backend: blocks of its linear memory); default: ordinary Float32Arrays.
   */
  float32Storage?: Float32Storage;
}

/**
 * A source of float32 arrays a composed backend manages itself (e.g. views over wasm linear
 * memory). `CpuBackend` asks it first for every float32 array and tells it which handles
 * share each of its arrays; arrays it declines come from the JavaScript heap as usual.
 */
export interface Float32Storage {
  /** An array of `size` floats (any contents), or undefined to use an ordinary Float32Array. */
  take(size: number): Float32Array | undefined;
  /** A new handle shares `data`; false when `data` is not one of this storage's arrays. */
  adopt(data: Float32Array): boolean;
  /** A handle sharing `data` was disposed; false when `data` is not one of this storage's arrays. */
  release(data: Float32Array): boolean;
}

/**
 * Typed-array storage and the required primitives of Backend v1, plus the fast-path record
 * its options compose (`jsBackend()` and `f64Backend()` make the two reference backends). A
 * faster backend over the same storage does not subclass it: it keeps one as its store,
 * spreads its required primitives (`requiredPrimitives`) and its own record over
 * `jsFastPaths(store)` (see the wasm backend).
 * @example
 * ```ts
 * const b = new CpuBackend({ name: 'mine', storage: 'native', fastPaths: jsFastPaths });
 * Object.keys(b.fastPaths).length; // 8
 * ```
 */
export class CpuBackend implements BackendV1<CpuHandle>, CpuStore {
  readonly apiVersion = 1 as const;
  readonly dtypes: readonly DType[] = ['float32', 'float64', 'int32'];
  readonly name: string;
  readonly fastPaths: FastPaths<CpuHandle>;
  private readonly policy: StoragePolicy;
  private live = 0;
  readonly #float32: Float32Storage | undefined;

  constructor(options: CpuBackendOptions) {
    this.name = options.name;
    this.policy = options.storage;
    this.#float32 = options.storage === 'native' ? options.float32Storage : undefined;
    this.fastPaths = options.fastPaths?.(this) ?? {};
  }

  info(): BackendInfo {
    return {
      name: this.name,
      storage: this.policy === 'float64' ? 'every float dtype in Float64Array (reference)' : 'one typed array per dtype',
      threads: 1,
    };
  }

  // ---- storage ----
  /** A zeroed array of `size` for `dtype`'s storage (recycled when one of that length is free). */
  array(dtype: DType, size: number): TypedArray {
    return this.#take(dtype, size, true);
  }

  /**
   * As `array`, for a caller that writes every element before anyone reads it: a recycled
   * array is handed out as it is, without zeroing it first (a wasted pass over a large one).
   */
  arrayToOverwrite(dtype: DType, size: number): TypedArray {
    return this.#take(dtype, size, false);
  }

  #take(dtype: DType, size: number, zero: boolean): TypedArray {
    const storage: DType = this.policy === 'float64' && dtype !== 'int32' ? 'float64' : dtype;
    if (storage === 'float32' && this.#float32 !== undefined) {
      const managed = this.#float32.take(size);
      if (managed !== undefined) return zero ? managed.fill(0) : managed;
    }
    if (size >= RECYCLE_MIN) {
      const reused = this.#free.get(`${storage}:${size}`)?.pop();
      if (reused !== undefined) {
        this.#freeBytes -= reused.byteLength;
        return zero ? reused.fill(0) : reused;
      }
    }
    return allocArray(storage, size);
  }

  /**
   * Arrays of disposed tensors, by dtype and length, handed out again by `array` (zeroed):
   * a training loop that disposes its intermediates (tidy) then allocates no fresh memory
   * for them (fresh large typed arrays cost page faults and garbage collection). Only arrays
   * that own their whole buffer and that no live handle still shares are kept.
   */
  readonly #free = new Map<string, TypedArray[]>();
  #freeBytes = 0;
  /** Live handles per buffer (views share one; a buffer is reused only when none is left). */
  readonly #refs = new WeakMap<ArrayBufferLike, number>();
  /** Bytes of the buffers in #refs (alive), and the most there have been at once. */
  #liveBytes = 0;
  #peakLiveBytes = 0;

  /** Wraps a typed array as a counted handle (for fast-path modules and composed backends). */
  make(data: TypedArray): CpuHandle {
    this.live++;
    if (this.#float32 !== undefined && data instanceof Float32Array && this.#float32.adopt(data)) return { data, disposed: false };
    if (data.length >= RECYCLE_MIN) {
      const refs = this.#refs.get(data.buffer) ?? 0;
      if (refs === 0) {
        this.#liveBytes += data.buffer.byteLength;
        if (this.#liveBytes > this.#peakLiveBytes) this.#peakLiveBytes = this.#liveBytes;
      }
      this.#refs.set(data.buffer, refs + 1);
    }
    return { data, disposed: false };
  }

  #recycle(data: TypedArray): void {
    const refs = (this.#refs.get(data.buffer) ?? 0) - 1;
    if (refs > 0) {
      this.#refs.set(data.buffer, refs);
      return;
    }
    this.#refs.delete(data.buffer);
    if (refs === 0) this.#liveBytes -= data.buffer.byteLength;
    const maxBytes = Math.max(RECYCLE_MAX_BYTES, this.#peakLiveBytes);
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength || this.#freeBytes + data.byteLength > maxBytes) return;
    const key = `${dtypeOfArray(data)}:${data.length}`;
    const list = this.#free.get(key);
    if (list === undefined) this.#free.set(key, [data]);
    else if (list.length < RECYCLE_PER_SIZE) list.push(data);
    else return;
    this.#freeBytes += data.byteLength;
  }

  /** The typed array behind a handle. */
  get(handle: CpuHandle): TypedArray {
    if (handle.disposed) throw new BackendError(this.name, 'a tensor was used after dispose()');
    return handle.data;
  }

  fromArray(data: ArrayLike<number>, dtype: DType): CpuHandle {
    if (!this.dtypes.includes(dtype)) throw new DTypeError(this.name, `dtype '${dtype}' is not supported`);
    const arr = this.arrayToOverwrite(dtype, data.length);
    arr.set(data as ArrayLike<number>);
    return this.make(arr);
  }

  adoptArray(data: TypedArray, dtype: DType): CpuHandle | null {
    if (!this.dtypes.includes(dtype)) throw new DTypeError(this.name, `dtype '${dtype}' is not supported`);
    const storage: DType = this.policy === 'float64' && dtype !== 'int32' ? 'float64' : dtype;
    const type = storage === 'float32' ? Float32Array : storage === 'float64' ? Float64Array : Int32Array;
    return data instanceof type ? this.make(data) : null;
  }

  arrayToFill(dtype: DType, size: number): TypedArray {
    if (!this.dtypes.includes(dtype)) throw new DTypeError(this.name, `dtype '${dtype}' is not supported`);
    return this.arrayToOverwrite(dtype, size);
  }

  read(h: CpuHandle, dtype: DType): TypedArray {
    const out = allocArray(dtype, this.get(h).length);
    out.set(this.get(h));
    return out;
  }

  dispose(handle: CpuHandle): void {
    if (handle.disposed) return;
    handle.disposed = true;
    this.live--;
    if (this.#float32 !== undefined && handle.data instanceof Float32Array && this.#float32.release(handle.data)) return;
    if (handle.data.length >= RECYCLE_MIN) this.#recycle(handle.data);
  }

  liveBuffers(): number {
    return this.live;
  }

  view(h: CpuHandle): CpuHandle {
    return this.make(this.get(h));
  }

  // ---- primitives ----
  unary(op: UnaryOp, x: CpuHandle, size: number, dtype: DType): CpuHandle {
    const data = this.get(x);
    // applyUnary writes every element of an output as long as its input
    const out = data.length === size ? this.arrayToOverwrite(dtype, size) : this.array(dtype, size);
    applyUnary(op, data, out);
    return this.make(out);
  }

  /** Materialises `h` (of `shape`) broadcast to `outShape`, or returns it as is. */
  private broadcast(h: CpuHandle, shape: readonly number[], outShape: readonly number[], dtype: DType): TypedArray {
    const data = this.get(h);
    if (sameShape(shape, outShape)) return data;
    const out = this.array(dtype, sizeOf(outShape));
    stridedCopy(data, 0, broadcastStrides(shape, outShape), out, 0, stridesOf(outShape), outShape);
    return out;
  }

  broadcastTo(x: CpuHandle, shape: readonly number[], outShape: readonly number[], dtype: DType): CpuHandle {
    const data = this.broadcast(x, shape, outShape, dtype);
    return this.make(data === this.get(x) ? data.slice() : data);
  }

  binary({ op, a: { handle: a, shape: aShape }, b: { handle: b, shape: bShape }, outShape, dtype }: BinaryArgs<CpuHandle>): CpuHandle {
    const outDtype = COMPARE_OPS.has(op) ? 'int32' : dtype;
    const out = this.arrayToOverwrite(outDtype, sizeOf(outShape)); // both loops write every element
    if (outDtype !== 'int32' && out.length > 0 && ARITH4.has(op)) {
      // no materialised broadcast when one operand is a scalar or repeats along leading dimensions
      const A = this.get(a);
      const B = this.get(b);
      const aFull = A.length === out.length && sameShape(aShape, outShape);
      const bFull = B.length === out.length && sameShape(bShape, outShape);
      if (aFull !== bFull && (aFull ? isTrailing(bShape, outShape) : isTrailing(aShape, outShape))) {
        applyBinaryRepeat(op, A, B, out);
        return this.make(out);
      }
    }
    applyBinary(op, this.broadcast(a, aShape, outShape, dtype), this.broadcast(b, bShape, outShape, dtype), out);
    return this.make(out);
  }

  where({
    cond: { handle: cond, shape: condShape },
    a: { handle: a, shape: aShape },
    b: { handle: b, shape: bShape },
    outShape,
    dtype,
  }: WhereArgs<CpuHandle>): CpuHandle {
    const c = this.broadcast(cond, condShape, outShape, 'int32');
    const x = this.broadcast(a, aShape, outShape, dtype);
    const y = this.broadcast(b, bShape, outShape, dtype);
    const out = this.array(dtype, sizeOf(outShape));
    for (let i = 0; i < out.length; i++) out[i] = c[i] !== 0 ? x[i] : y[i];
    return this.make(out);
  }

  /** Moves `axes` to the end (materialised); returns the data and the outer/inner sizes. */
  private axesLast(
    x: CpuHandle,
    shape: readonly number[],
    axes: readonly number[],
    dtype: DType,
  ): { data: TypedArray; outer: number; inner: number } {
    const keep = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...keep, ...axes];
    const inner = sizeOf(axes.map((a) => shape[a]));
    const outer = sizeOf(keep.map((a) => shape[a]));
    const isIdentity = perm.every((p, i) => p === i);
    const data = isIdentity ? this.get(x) : (this.get(this.transpose(x, shape, perm, dtype, false)) as TypedArray);
    return { data, outer, inner };
  }

  reduce(op: ReduceOp, x: CpuHandle, shape: readonly number[], axes: readonly number[], dtype: DType): CpuHandle {
    // sum over leading axes (a bias gradient: [N, H, W, C] → [C]) without moving them last;
    // float64 accumulators, like the general loop's JS-number accumulator
    if (op === 'sum' && axes.length > 0 && axes.length < shape.length && axes.every((a, i) => a === i)) {
      const data = this.get(x);
      const inner = sizeOf(shape.slice(axes.length));
      const outer = inner === 0 ? 0 : data.length / inner;
      // a short row (6 channels) is summed `reps` rows at a time so the inner loop stays long
      const reps = Math.max(1, Math.min(outer, Math.floor(1024 / Math.max(1, inner))));
      const span = reps * inner;
      const acc = new Float64Array(span);
      const whole = Math.floor(outer / reps) * span;
      for (let base = 0; base < whole; base += span) for (let j = 0; j < span; j++) acc[j] += data[base + j];
      for (let j = 0; j < data.length - whole; j++) acc[j] += data[whole + j];
      const out = this.array(dtype, inner);
      for (let j = 0; j < inner; j++) {
        let t = 0;
        for (let r = 0; r < reps; r++) t += acc[r * inner + j];
        out[j] = t;
      }
      return this.make(out);
    }
    const { data, outer, inner } = this.axesLast(x, shape, axes, dtype);
    const out = this.array(dtype, outer);
    for (let o = 0; o < outer; o++) {
      const base = o * inner;
      if (op === 'sum') {
        let acc = 0;
        for (let i = 0; i < inner; i++) acc += data[base + i];
        out[o] = acc;
      } else {
        if (inner === 0) throw new ValueError(op, 'cannot reduce an empty axis (no identity for max/min)');
        let acc = data[base];
        for (let i = 1; i < inner; i++) {
          const v = data[base + i];
          if (v !== v) {
            acc = v;
            break;
          }
          if (op === 'max' ? v > acc : v < acc) acc = v;
        }
        out[o] = acc;
      }
    }
    return this.make(out);
  }

  argReduce(op: 'argmax' | 'argmin', x: CpuHandle, shape: readonly number[], axis: number, dtype: DType): CpuHandle {
    const { data, outer, inner } = this.axesLast(x, shape, [axis], dtype);
    if (inner === 0) throw new ValueError(op, `cannot take ${op} over an empty axis`);
    const out = new Int32Array(outer);
    for (let o = 0; o < outer; o++) {
      const base = o * inner;
      let best = 0;
      let bestV = data[base];
      if (bestV === bestV) {
        for (let i = 1; i < inner; i++) {
          const v = data[base + i];
          if (v !== v) {
            best = i;
            break;
          }
          if (op === 'argmax' ? v > bestV : v < bestV) {
            best = i;
            bestV = v;
          }
        }
      }
      out[o] = best;
    }
    return this.make(out);
  }

  transpose(x: CpuHandle, shape: readonly number[], perm: readonly number[], dtype: DType, _count = true): CpuHandle {
    const outShape = perm.map((p) => shape[p]);
    const strides = stridesOf(shape);
    const out = this.array(dtype, sizeOf(shape));
    stridedCopy(
      this.get(x),
      0,
      perm.map((p) => strides[p]),
      out,
      0,
      stridesOf(outShape),
      outShape,
    );
    return _count ? this.make(out) : { data: out, disposed: false };
  }

  slice(x: CpuHandle, shape: readonly number[], begin: readonly number[], size: readonly number[], dtype: DType): CpuHandle {
    const strides = stridesOf(shape);
    let offset = 0;
    for (let i = 0; i < shape.length; i++) offset += begin[i] * strides[i];
    const out = this.array(dtype, sizeOf(size));
    stridedCopy(this.get(x), offset, strides, out, 0, stridesOf(size), size);
    return this.make(out);
  }

  concat(xs: readonly CpuHandle[], shapes: readonly (readonly number[])[], axis: number, dtype: DType): CpuHandle {
    const outShape = [...shapes[0]];
    outShape[axis] = shapes.reduce((s, sh) => s + sh[axis], 0);
    const outStrides = stridesOf(outShape);
    const out = this.array(dtype, sizeOf(outShape));
    let offset = 0;
    xs.forEach((h, i) => {
      stridedCopy(this.get(h), 0, stridesOf(shapes[i]), out, offset * outStrides[axis], outStrides, shapes[i]);
      offset += shapes[i][axis];
    });
    return this.make(out);
  }

  pad(x: CpuHandle, shape: readonly number[], paddings: readonly (readonly [number, number])[], value: number, dtype: DType): CpuHandle {
    const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    const outStrides = stridesOf(outShape);
    const out = this.array(dtype, sizeOf(outShape));
    if (value !== 0) out.fill(value);
    let offset = 0;
    for (let i = 0; i < shape.length; i++) offset += paddings[i][0] * outStrides[i];
    stridedCopy(this.get(x), 0, stridesOf(shape), out, offset, outStrides, shape);
    return this.make(out);
  }

  gather({ x, shape, indices, indexCount, axis, dtype }: GatherArgs<CpuHandle>): CpuHandle {
    const data = this.get(x);
    const idx = this.get(indices);
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const dim = shape[axis];
    const out = this.array(dtype, outer * indexCount * inner);
    for (let i = 0; i < indexCount; i++) {
      if (!(idx[i] >= 0 && idx[i] < dim))
        throw new ValueError('gather', `argument 'indices' expected values in [0, ${dim}), got ${idx[i]} at position ${i}`);
    }
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < indexCount; i++) {
        const src = (o * dim + idx[i]) * inner;
        const dst = (o * indexCount + i) * inner;
        for (let j = 0; j < inner; j++) out[dst + j] = data[src + j];
      }
    }
    return this.make(out);
  }

  scatterAdd({ outShape, indices, indexCount, updates, axis, dtype }: ScatterAddArgs<CpuHandle>): CpuHandle {
    const upd = this.get(updates);
    const idx = this.get(indices);
    const outer = sizeOf(outShape.slice(0, axis));
    const inner = sizeOf(outShape.slice(axis + 1));
    const dim = outShape[axis];
    for (let i = 0; i < indexCount; i++) {
      if (!(idx[i] >= 0 && idx[i] < dim))
        throw new ValueError('scatterAdd', `argument 'indices' expected values in [0, ${dim}), got ${idx[i]} at position ${i}`);
    }
    // accumulate in float64 so repeated indices do not round at every step
    const acc = new Float64Array(sizeOf(outShape));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < indexCount; i++) {
        const dst = (o * dim + idx[i]) * inner;
        const src = (o * indexCount + i) * inner;
        for (let j = 0; j < inner; j++) acc[dst + j] += upd[src + j];
      }
    }
    const out = this.array(dtype, acc.length);
    out.set(acc);
    return this.make(out);
  }

  matmul(a: CpuHandle, b: CpuHandle, dims: MatmulDims, dtype: DType): CpuHandle {
    const { batch, aBatch, bBatch, m, n, k, transposeA, transposeB } = dims;
    const A = this.get(a);
    const B = this.get(b);
    const out = this.array(dtype, batch * m * n);
    // Four rows of C at a time, accumulated in float64: each row of op(B) is loaded once per
    // four output rows. op(B) is made contiguous [k, n] first when B is stored transposed.
    const acc = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const bT = transposeB ? new Float64Array(k * n) : null;
    for (let t = 0; t < batch; t++) {
      const aOff = (aBatch === 1 ? 0 : t) * m * k;
      let bData: ArrayLike<number> = B;
      let bOff = (bBatch === 1 ? 0 : t) * k * n;
      if (bT) {
        if (t === 0 || bBatch !== 1) {
          for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bT[p * n + j] = B[bOff + j * k + p];
        }
        bData = bT;
        bOff = 0;
      }
      // element (i, p) of op(A) is A[aOff + i·rowStride + p·colStride]
      const rowStride = transposeA ? 1 : k;
      const colStride = transposeA ? m : 1;
      for (let i0 = 0; i0 < m; i0 += 4) {
        const rows = Math.min(4, m - i0);
        const [c0, c1, c2, c3] = acc;
        for (let r = 0; r < rows; r++) acc[r].fill(0);
        if (rows === 4) {
          const base = aOff + i0 * rowStride;
          for (let p = 0; p < k; p++) {
            const ap = base + p * colStride;
            const a0 = A[ap];
            const a1 = A[ap + rowStride];
            const a2 = A[ap + 2 * rowStride];
            const a3 = A[ap + 3 * rowStride];
            const bp = bOff + p * n;
            for (let j = 0; j < n; j++) {
              const bv = bData[bp + j];
              c0[j] += a0 * bv;
              c1[j] += a1 * bv;
              c2[j] += a2 * bv;
              c3[j] += a3 * bv;
            }
          }
        } else {
          for (let r = 0; r < rows; r++) {
            const c = acc[r];
            const base = aOff + (i0 + r) * rowStride;
            for (let p = 0; p < k; p++) {
              const av = A[base + p * colStride];
              const bp = bOff + p * n;
              for (let j = 0; j < n; j++) c[j] += av * bData[bp + j];
            }
          }
        }
        for (let r = 0; r < rows; r++) out.set(acc[r], (t * m + i0 + r) * n);
      }
    }
    return this.make(out);
  }

  cast(x: CpuHandle, size: number, _from: DType, to: DType): CpuHandle {
    const src = this.get(x);
    const out = this.array(to, size);
    if (to === 'int32') for (let i = 0; i < size; i++) out[i] = Math.trunc(src[i]);
    else out.set(src);
    return this.make(out);
  }
}

/**
 * The `js` backend: float32 in Float32Array, plain JavaScript loops.
 * @example
 * ```ts
 * jsBackend().name; // 'js'
 * withBackend(jsBackend(), () => tensor([1.1]).dataSync()); // Float32Array [1.1]
 * ```
 */
export function jsBackend(): CpuBackend {
  return new CpuBackend({ name: 'js', storage: 'native', fastPaths: jsFastPaths });
}

/**
 * The `f64` reference backend: every float tensor is held and computed in Float64Array, so a
 * float32 program run here computes every op in double precision with no rounding between ops;
 * reading a float32 tensor back (dataSync, toArray, item) rounds it to float32 once, at the end.
 * For the double-precision values themselves, use float64 tensors. The oracle for tests.
 * @example
 * ```ts
 * f64Backend().name; // 'f64'
 * withBackend(f64Backend(), () => tensor([1, 2], undefined, { dtype: 'float64' }).dataSync()); // Float64Array [1, 2]
 * ```
 */
export function f64Backend(): CpuBackend {
  return new CpuBackend({ name: 'f64', storage: 'float64' });
}

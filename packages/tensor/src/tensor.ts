import type { BackendV1, Handle } from './backend/v1.js';
import type { DType, TypedArray } from './dtype.js';
import { trackTensor } from './engine.js';
import { DisposedError, ValueError, fmtShape } from './errors.js';
import { sizeOf } from './shape.js';

let nextId = 1;

/** Nested arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/**
 * An immutable n-dimensional array: a shape, a dtype and storage owned by a backend.
 * Create one with `tensor()`, `zeros()`, `randn()`, ...; ops return new tensors.
 * Layouts: images NHWC, filters [kh, kw, cin, cout], sequences [batch, time, features].
 */
export class Tensor {
  /** Unique per tensor made in this process. */
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  readonly backend: BackendV1;
  /** @internal Marker used instead of instanceof (works across duplicated installs). */
  readonly isLecTensor = true;
  #handle: Handle;
  #disposed = false;

  /** @internal Use the creation functions instead. */
  constructor(handle: Handle, shape: readonly number[], dtype: DType, backend: BackendV1) {
    this.id = nextId++;
    this.#handle = handle;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.backend = backend;
    trackTensor(this);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** @internal The backend storage handle. */
  get handle(): Handle {
    if (this.#disposed) throw new DisposedError('Tensor', `tensor #${this.id} ${fmtShape(this.shape)} was used after dispose()`);
    return this.#handle;
  }

  /** Whether `dispose()` was called. */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /**
   * Frees the storage (needed on device backends; optional on CPU ones). Idempotent.
   * @example
   * ```ts
   * const t = tensor([1, 2]);
   * t.dispose();
   * t.isDisposed; // true
   * ```
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.backend.dispose(this.#handle);
  }

  /**
   * A copy of the values as a flat typed array (row-major).
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).dataSync(); // Float32Array [1, 2, 3, 4]
   * ```
   */
  dataSync(): TypedArray {
    return this.backend.read(this.handle, this.dtype);
  }

  /**
   * The values, read asynchronously (device backends download without blocking).
   * @example
   * ```ts
   * await tensor([1, 2]).data(); // Float32Array [1, 2]
   * ```
   */
  async data(): Promise<TypedArray> {
    const h = this.handle;
    return this.backend.readAsync ? this.backend.readAsync(h, this.dtype) : this.backend.read(h, this.dtype);
  }

  /**
   * The values as nested arrays (a number for a scalar).
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   * ```
   */
  toArray(): NestedArray {
    const data = this.dataSync();
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return data[offset];
      const inner = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * inner));
    };
    return build(0, 0);
  }

  /**
   * The single value of a one-element tensor.
   * @example
   * ```ts
   * tensor(3).item(); // 3
   * ```
   */
  item(): number {
    if (this.size !== 1) throw new ValueError('item', `expected a tensor with one element, got shape ${fmtShape(this.shape)}`);
    return this.dataSync()[0];
  }

  /**
   * A readable rendering, numpy-style: the values (columns aligned; a tensor of more than
   * 1000 elements shows the first and last 3 entries of each dimension around `...`), then
   * the shape, dtype and backend. `console.log(t)` in Node prints the same.
   * @example
   * ```ts
   * String(tensor([1, 2])); // 'tensor([1, 2], shape=[2], dtype=float32, backend=js)'
   * String(tensor([[1.5, -2], [3, 4]])); // 'tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.0000]], shape=[2, 2], dtype=float32, backend=js)'
   * ```
   */
  toString(): string {
    const meta = `shape=${fmtShape(this.shape)}, dtype=${this.dtype}, backend=${this.backend.name}`;
    if (this.#disposed) return `tensor(<disposed>, ${meta})`;
    return `tensor(${formatValues(this.dataSync(), this.shape, 'tensor('.length)}, ${meta})`;
  }
}

/** Elide a dimension when the tensor has more than this many elements (numpy's threshold). */
const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

function formatValues(data: ArrayLike<number>, shape: readonly number[], indent: number): string {
  const summarise = sizeOf(shape) > SUMMARY_THRESHOLD;
  const shownIndices = (n: number) =>
    summarise && n > 2 * EDGE_ITEMS
      ? [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i)]
      : Array.from({ length: n }, (_, i) => i);
  // first pass: the values that will be shown decide one format for all of them
  const shown: number[] = [];
  const collect = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      shown.push(data[offset]);
      return;
    }
    const inner = sizeOf(shape.slice(dim + 1));
    for (const i of shownIndices(shape[dim])) if (i >= 0) collect(dim + 1, offset + i * inner);
  };
  collect(0, 0);
  const finite = shown.filter((v) => Number.isFinite(v));
  const integral = finite.every((v) => Number.isInteger(v));
  const largest = Math.max(0, ...finite.map(Math.abs));
  const smallest = Math.min(Infinity, ...finite.filter((v) => v !== 0).map(Math.abs));
  const scientific = !integral && (largest >= 1e8 || smallest < 1e-4);
  const fmt = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (integral) return String(v);
    return scientific ? v.toExponential(4) : v.toFixed(4);
  };
  const width = Math.max(0, ...shown.map((v) => fmt(v).length));
  const render = (dim: number, offset: number): string => {
    if (dim === shape.length) return fmt(data[offset]).padStart(width);
    const inner = sizeOf(shape.slice(dim + 1));
    const parts = shownIndices(shape[dim]).map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * inner)));
    const lineBreaks = '\n'.repeat(Math.max(1, shape.length - dim - 1));
    const sep = dim === shape.length - 1 ? ', ' : `,${lineBreaks}${' '.repeat(indent + dim + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  return render(0, 0);
}

// Node's console.log/util.inspect call this (a registered symbol, so no import of node:util).
Object.defineProperty(Tensor.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: Tensor): string {
    return this.toString();
  },
});

/**
 * Whether `v` is a lec Tensor.
 * @example
 * ```ts
 * isTensor(tensor([1])); // true
 * isTensor([1]); // false
 * ```
 */
export function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && (v as { isLecTensor?: unknown }).isLecTensor === true;
}

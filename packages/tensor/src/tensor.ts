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
   * A readable rendering: dtype, shape and values (long dimensions elided).
   * @example
   * ```ts
   * String(tensor([1, 2])); // 'Tensor(float32, [2]) [1, 2]'
   * ```
   */
  toString(): string {
    if (this.#disposed) return `Tensor(${this.dtype}, ${fmtShape(this.shape)}) <disposed>`;
    const data = this.dataSync();
    const fmt = (v: number) => (this.dtype === 'int32' ? String(v) : Number.isInteger(v) ? String(v) : v.toPrecision(4));
    const render = (dim: number, offset: number, indent: string): string => {
      if (dim === this.shape.length) return fmt(data[offset]);
      const n = this.shape[dim];
      const inner = sizeOf(this.shape.slice(dim + 1));
      const show = n > 8 ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
      const parts = show.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * inner, `${indent} `)));
      const sep = dim === this.shape.length - 1 ? ', ' : `,\n${indent} `;
      return `[${parts.join(sep)}]`;
    };
    return `Tensor(${this.dtype}, ${fmtShape(this.shape)}) ${render(0, 0, '')}`;
  }
}

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

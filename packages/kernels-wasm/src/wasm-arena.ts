/**
 * A bump allocator over WebAssembly linear memory. Kernels get their operands, outputs and
 * scratch space from here; callers take a `mark()` before a kernel call and `release()` it
 * after, so the arena is reused call after call (LIFO, like a stack).
 *
 * The memory grows on demand up to an explicit maximum. Growing detaches every typed-array
 * view of the old buffer, so views must be re-derived after any allocation: use `f32(ptr, n)`
 * each time instead of keeping one.
 */

/** WebAssembly page size in bytes. */
export const WASM_PAGE_BYTES = 65536;

/** Thrown when an allocation would take the arena past its maximum. Nothing is allocated. */
export class WasmOutOfMemoryError extends Error {
  override readonly name = 'WasmOutOfMemoryError';
  constructor(
    /** Bytes the failed allocation asked for. */
    readonly requestedBytes: number,
    /** Bytes of the arena in use when it failed. */
    readonly inUseBytes: number,
    /** The arena's maximum size in bytes (linear memory above the module's static data). */
    readonly limitBytes: number,
  ) {
    super(
      `kernels-wasm arena: out of memory: asked for ${requestedBytes} bytes with ${inUseBytes} ` +
        `in use, limit ${limitBytes} bytes (raise maximumBytes in loadKernels)`,
    );
  }
}

export class WasmArena {
  readonly #memory: WebAssembly.Memory;
  readonly #base: number;
  readonly #maximumBytes: number;
  #top: number;

  /**
   * @param memory       the module's linear memory
   * @param base         first usable byte (the module's heap base)
   * @param maximumBytes total linear-memory bytes the arena may grow the memory to
   */
  constructor(memory: WebAssembly.Memory, base: number, maximumBytes: number) {
    this.#memory = memory;
    this.#base = alignUp(base, 64);
    this.#maximumBytes = maximumBytes;
    this.#top = this.#base;
  }

  /** Bytes handed out and not yet released. */
  get usedBytes(): number {
    return this.#top - this.#base;
  }

  /** The most bytes the arena can ever hand out. */
  get limitBytes(): number {
    return this.#maximumBytes - this.#base;
  }

  /** Current size of linear memory in bytes. */
  get memoryBytes(): number {
    return this.#memory.buffer.byteLength;
  }

  /**
   * Reserves `bytes` bytes aligned to `alignment` (a power of two, default 64 so SIMD rows
   * start on a cache line) and returns the byte pointer. Grows memory when needed.
   * @throws WasmOutOfMemoryError past the maximum; the arena is unchanged then.
   * @example
   * const mark = arena.mark();
   * const ptr = arena.alloc(16);
   * arena.f32(ptr, 4).set([1, 2, 3, 4]);
   * arena.release(mark);
   */
  alloc(bytes: number, alignment = 64): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`kernels-wasm arena: alloc: bytes must be a non-negative safe integer, got ${bytes}`);
    }
    const start = alignUp(this.#top, alignment);
    const end = start + bytes;
    if (end > this.#maximumBytes) {
      throw new WasmOutOfMemoryError(bytes, this.usedBytes, this.limitBytes);
    }
    const have = this.#memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / WASM_PAGE_BYTES);
      try {
        this.#memory.grow(pages);
      } catch {
        // The engine refused (e.g. the process is out of address space).
        throw new WasmOutOfMemoryError(bytes, this.usedBytes, this.limitBytes);
      }
    }
    this.#top = end;
    return start;
  }

  /** Allocates room for `length` f32 values and copies `values` (if given) into it. */
  allocF32(length: number, values?: ArrayLike<number>): number {
    const ptr = this.alloc(length * 4);
    if (values !== undefined) this.f32(ptr, length).set(values);
    return ptr;
  }

  /** A fresh Float32Array view of `length` floats at byte pointer `ptr` (4-byte aligned). */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.#memory.buffer, ptr, length);
  }

  /** A fresh Int32Array view of `length` ints at byte pointer `ptr` (4-byte aligned). */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.#memory.buffer, ptr, length);
  }

  /** The current top, to hand back to `release`. */
  mark(): number {
    return this.#top;
  }

  /** Frees everything allocated since `mark` was taken. */
  release(mark: number): void {
    if (mark < this.#base || mark > this.#top) {
      throw new RangeError(`kernels-wasm arena: release: mark ${mark} is not between ${this.#base} and ${this.#top}`);
    }
    this.#top = mark;
  }

  /** Frees everything. */
  reset(): void {
    this.#top = this.#base;
  }
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

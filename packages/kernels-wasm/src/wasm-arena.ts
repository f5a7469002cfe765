/**
 * A bump allocator over WebAssembly linear memory. Kernels get their operands, outputs and
 * scratch space from here; callers take a `mark()` before a kernel call and `release()` it
 * after, so the arena is reused call after call (LIFO, like a stack).
 *
 * The memory grows on demand up to an explicit maximum. Growing detaches every typed-array
 * view of the old buffer, so views must be re-derived after any allocation: use `f32(ptr, n)`
 * each time instead of keeping one.
 *
 * Below the stack lies a resident region for data that outlives one kernel call (e.g. a
 * sparse matrix used by every spmm of a training run): `allocResident` / `freeResident`
 * manage it first-fit, and it can grow or shrink only while the stack is empty (between
 * kernel calls), so the stack simply starts where the resident region ends.
 */

import { OutOfMemoryError } from '@lec/tensor';

/** WebAssembly page size in bytes. */
export const WASM_PAGE_BYTES = 65536;

/** The option that raises the wasm backend's memory limit, named in every out-of-memory message. */
export const MAXIMUM_BYTES_OPTION = 'wasmBackend({ maximumBytes }) (or loadKernels({ maximumBytes })), at most 4 GiB';

/**
 * Thrown when an allocation would take the arena past its maximum. Nothing is allocated. An
 * `OutOfMemoryError` (a `LecError`) of @lec/tensor: `op` is the arena here, and the wasm
 * backend re-raises it naming the backend primitive that allocated (`matmul`, `conv2d`, ...).
 * @example
 * ```ts
 * const e = new WasmOutOfMemoryError(2 ** 20, 0, 65536);
 * e.requestedBytes; // 1048576
 * e instanceof OutOfMemoryError; // true
 * ```
 */
export class WasmOutOfMemoryError extends OutOfMemoryError {
  constructor(
    /** Bytes the failed allocation asked for. */
    requestedBytes: number,
    /** Bytes of the arena in use when it failed. */
    inUseBytes: number,
    /** The arena's maximum size in bytes (linear memory above the module's static data). */
    limitBytes: number,
    /** The op that allocated (default: the arena itself). */
    op = 'kernels-wasm arena',
  ) {
    super(
      op,
      `out of memory: asked for ${requestedBytes} bytes with ${inUseBytes} in use, limit ${limitBytes} bytes ` +
        `(raise it with ${MAXIMUM_BYTES_OPTION})`,
      { requestedBytes, inUseBytes, limitBytes, option: 'wasmBackend({ maximumBytes })' },
    );
  }

  /** The same error, naming `op` (the backend primitive that allocated). */
  naming(op: string): WasmOutOfMemoryError {
    return new WasmOutOfMemoryError(this.requestedBytes, this.inUseBytes ?? 0, this.limitBytes, op);
  }
}

/** A block of the resident region (free or in use), in address order. */
interface ResidentBlock {
  ptr: number;
  bytes: number;
  free: boolean;
}

export class WasmArena {
  readonly #memory: WebAssembly.Memory;
  /** First usable byte: the start of the resident region. */
  readonly #origin: number;
  /** The start of the stack (the end of the resident region). */
  #base: number;
  readonly #maximumBytes: number;
  #top: number;
  /** The resident region [origin, base) as consecutive blocks. */
  readonly #resident: ResidentBlock[] = [];
  #residentBytes = 0;
  /** Free blocks in #resident (first fit scans only when there are some). */
  #freeResidentBlocks = 0;
  /** Tensor blocks freed and kept for reuse, by size class (bytes) → pointers. */
  readonly #cached = new Map<number, number[]>();
  #cachedBytes = 0;

  /**
   * @param memory       the module's linear memory
   * @param base         first usable byte (the module's heap base)
   * @param maximumBytes total linear-memory bytes the arena may grow the memory to
   */
  constructor(memory: WebAssembly.Memory, base: number, maximumBytes: number) {
    this.#memory = memory;
    this.#origin = alignUp(base, 64);
    this.#base = this.#origin;
    this.#maximumBytes = maximumBytes;
    this.#top = this.#base;
  }

  /** Bytes of the stack handed out and not yet released (the resident region not included). */
  get usedBytes(): number {
    return this.#top - this.#base;
  }

  /** The most bytes the arena can ever hand out (stack and resident region together). */
  get limitBytes(): number {
    return this.#maximumBytes - this.#origin;
  }

  /** Bytes of resident blocks in use (see `allocResident`). */
  get residentBytes(): number {
    return this.#residentBytes;
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
   * ```ts
   * const mark = arena.mark();
   * const ptr = arena.alloc(16);
   * arena.f32(ptr, 4).set([1, 2, 3, 4]);
   * arena.f32(ptr, 4); // Float32Array [1, 2, 3, 4]
   * arena.release(mark); // what was allocated after the mark is free again
   * ```
   */
  alloc(bytes: number, alignment = 64): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`kernels-wasm arena: alloc: bytes must be a non-negative safe integer, got ${bytes}`);
    }
    const start = alignUp(this.#top, alignment);
    const end = start + bytes;
    this.#reach(end, bytes);
    this.#top = end;
    return start;
  }

  /** Grows memory so that bytes up to `end` exist; `bytes` is the request, for the error. */
  #reach(end: number, bytes: number): void {
    if (end > this.#maximumBytes) {
      throw new WasmOutOfMemoryError(bytes, this.usedBytes + this.#residentBytes, this.limitBytes);
    }
    const have = this.#memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / WASM_PAGE_BYTES);
      try {
        this.#memory.grow(pages);
      } catch {
        // The engine refused (e.g. the process is out of address space).
        throw new WasmOutOfMemoryError(bytes, this.usedBytes + this.#residentBytes, this.limitBytes);
      }
    }
  }

  /**
   * Reserves `bytes` bytes (64-byte aligned) that stay valid until `freeResident`, across
   * kernel calls. Only while the stack is empty (no mark outstanding).
   * @throws RangeError while stack allocations are live; WasmOutOfMemoryError past the maximum.
   * @example
   * ```ts
   * const ptr = arena.allocResident(1024);
   * arena.i32(ptr, 3).set([7, 1, 5]);
   * // ... any number of kernel calls reading ptr ...
   * arena.i32(ptr, 3); // Int32Array [7, 1, 5]
   * arena.freeResident(ptr);
   * ```
   */
  allocResident(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`kernels-wasm arena: allocResident: bytes must be a non-negative safe integer, got ${bytes}`);
    }
    if (this.#top !== this.#base) {
      throw new RangeError(
        `kernels-wasm arena: allocResident: ${this.usedBytes} bytes of the stack are in use; allocate resident memory between kernel calls`,
      );
    }
    this.#trim();
    const size = Math.max(64, alignUp(bytes, 64));
    const blocks = this.#resident;
    // first fit among the free blocks (after #trim the last block is in use)
    for (let i = 0; this.#freeResidentBlocks > 0 && i < blocks.length; i++) {
      const b = blocks[i];
      if (!b.free || b.bytes < size) continue;
      if (b.bytes > size) blocks.splice(i + 1, 0, { ptr: b.ptr + size, bytes: b.bytes - size, free: true });
      else this.#freeResidentBlocks--;
      b.bytes = size;
      b.free = false;
      this.#residentBytes += size;
      return b.ptr;
    }
    const ptr = this.#base;
    this.#reach(ptr + size, bytes);
    blocks.push({ ptr, bytes: size, free: false });
    this.#base = this.#top = ptr + size;
    this.#residentBytes += size;
    return ptr;
  }

  /**
   * Frees a block from `allocResident` (freeing one twice, or a pointer that is not one,
   * throws). The region shrinks now, or at the next `release` that empties the stack.
   */
  freeResident(ptr: number): void {
    const blocks = this.#resident;
    const i = blocks.findIndex((b) => b.ptr === ptr && !b.free);
    if (i < 0) throw new RangeError(`kernels-wasm arena: freeResident: ${ptr} is not a resident block in use`);
    const b = blocks[i];
    b.free = true;
    this.#freeResidentBlocks++;
    this.#residentBytes -= b.bytes;
    const next = blocks[i + 1];
    if (next?.free) {
      b.bytes += next.bytes;
      blocks.splice(i + 1, 1);
      this.#freeResidentBlocks--;
    }
    const prev = blocks[i - 1];
    if (prev?.free) {
      prev.bytes += b.bytes;
      blocks.splice(i, 1);
      this.#freeResidentBlocks--;
    }
    this.#trim();
  }

  /** Drops free blocks at the end of the resident region while the stack is empty. */
  #trim(): void {
    if (this.#top !== this.#base) return;
    const blocks = this.#resident;
    while (blocks.length > 0 && blocks[blocks.length - 1].free) {
      blocks.pop();
      this.#freeResidentBlocks--;
    }
    const last = blocks[blocks.length - 1];
    this.#base = this.#top = last === undefined ? this.#origin : last.ptr + last.bytes;
  }

  /**
   * A block of at least `bytes` for a tensor (64-byte aligned, a whole size class: see
   * `blockBytes`), reused from the blocks `releaseBlock` cached for that class, else carved
   * from the resident region; -1 when that would take the region (cached blocks included)
   * past `softLimitBytes` even after handing the cached blocks back, when the stack is in
   * use (the region grows only between kernel calls), or past the maximum. Never throws for
   * lack of memory: the caller falls back to ordinary JavaScript memory.
   */
  takeBlock(bytes: number, softLimitBytes: number): number {
    const size = blockBytes(bytes);
    const list = this.#cached.get(size);
    if (list !== undefined && list.length > 0) {
      this.#cachedBytes -= size;
      return list.pop() as number;
    }
    if (this.#top !== this.#base) return -1;
    if (this.#residentBytes + size > softLimitBytes || this.#residentBytes + size > this.limitBytes) {
      this.dropCachedBlocks();
      if (this.#residentBytes + size > softLimitBytes) return -1;
    }
    try {
      return this.allocResident(size);
    } catch (e) {
      if (!(e instanceof WasmOutOfMemoryError)) throw e;
      return -1;
    }
  }

  /** Hands a block of `takeBlock` back (`bytes` as asked for): cached for its size class. */
  releaseBlock(ptr: number, bytes: number): void {
    const size = blockBytes(bytes);
    const list = this.#cached.get(size);
    if (list === undefined) this.#cached.set(size, [ptr]);
    else list.push(ptr);
    this.#cachedBytes += size;
  }

  /** Frees every cached tensor block to the resident region (it coalesces, and shrinks when the stack is empty). */
  dropCachedBlocks(): void {
    for (const list of this.#cached.values()) for (const ptr of list) this.freeResident(ptr);
    this.#cached.clear();
    this.#cachedBytes = 0;
  }

  /** Bytes of tensor blocks cached for reuse (part of `residentBytes`). */
  get cachedBytes(): number {
    return this.#cachedBytes;
  }

  /**
   * Finds where an array already lives in this memory (set by the wasm backend's tensor heap:
   * a heap array's block address, else -1).
   */
  residentPointer: (values: Float32Array) => number = () => -1;

  /** A float32 operand's address: where it lives when it is in this memory, else a stack copy. */
  operandF32(values: Float32Array): number {
    const ptr = this.residentPointer(values);
    return ptr >= 0 ? ptr : this.allocF32(values.length, values);
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
    if (mark === this.#base && this.#resident.length > 0 && this.#resident[this.#resident.length - 1].free) this.#trim();
  }

  /** Frees the whole stack (resident blocks stay). */
  reset(): void {
    this.#top = this.#base;
    this.#trim();
  }
}

/**
 * The size class of a block of `bytes`: whole 64-byte lines up to 64 KiB, then steps of an
 * eighth of the power of two below (at most 12.5 % unused), so the shapes of a training step
 * map onto few classes and a freed block fits the next tensor of about its size.
 */
export function blockBytes(bytes: number): number {
  const lines = Math.max(64, alignUp(bytes, 64));
  if (lines <= 65536) return lines;
  const step = 2 ** (Math.floor(Math.log2(lines)) - 3);
  return alignUp(lines, step);
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

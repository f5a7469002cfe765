/**
 * Where the wasm backend's float32 tensors live: blocks of the kernels' linear memory (the
 * arena's resident region, reused by size class), handed to `CpuBackend` as its
 * `float32Storage`. A tensor's array is a Float32Array view of its block, so kernels read
 * their operands in place and write into fresh blocks.
 *
 * Views and memory growth: only over a shared WebAssembly.Memory. Growing a shared memory
 * never detaches a view (the old SharedArrayBuffer keeps its length, and a block lies below
 * it), so no view anywhere goes stale. Growing an unshared memory detaches every view, so
 * over one (the scalar build, or a page that is not cross-origin isolated) the heap is off:
 * tensors are ordinary Float32Arrays and kernels copy them in and out, as before.
 *
 * Freeing: a block returns to its size class when the last handle sharing it is disposed, or
 * when its array is garbage-collected (FinalizationRegistry). The collector does not see wasm
 * memory, and finalizers never run inside one synchronous loop, so the heap has a soft limit:
 * past it, the cached free blocks go back to the region and, if that is not enough, new
 * tensors are ordinary Float32Arrays (the garbage collector sees those; kernels copy them)
 * until finalizers or disposes bring the heap back under the limit. A loop that never
 * disposes therefore never runs wasm memory out; it only runs slower while over the limit.
 */
import type { Float32Storage } from '@lec/tensor';
import type { WasmKernels } from '../wasm-kernels.js';

/** One block and the handles sharing its array. */
interface Block {
  ptr: number;
  bytes: number;
  refs: number;
  freed: boolean;
}

/** Default soft limit on the heap: a quarter of the maximum, at most 256 MiB, at least 16 MiB (or the maximum). */
export function defaultSoftLimit(maximumBytes: number): number {
  return Math.min(maximumBytes, Math.max(16 << 20, Math.min(256 << 20, Math.floor(maximumBytes / 4))));
}

export class TensorHeap implements Float32Storage {
  readonly #kernels: WasmKernels;
  readonly #blocks = new WeakMap<Float32Array, Block>();
  readonly #registry: FinalizationRegistry<Block>;
  /** Whether tensors live in linear memory (the memory is shared: see above). */
  readonly enabled: boolean;
  /** Most bytes of blocks (live and cached) before new tensors spill to JavaScript memory. */
  readonly softLimitBytes: number;
  #liveBytes = 0;
  #peakBytes = 0;
  #liveBlocks = 0;
  #spilled = 0;
  #counting = true;
  #collected = 0;

  constructor(kernels: WasmKernels, softLimitBytes: number) {
    this.#kernels = kernels;
    this.enabled = typeof SharedArrayBuffer !== 'undefined' && kernels.exports.memory.buffer instanceof SharedArrayBuffer;
    this.softLimitBytes = softLimitBytes;
    if (this.enabled) kernels.arena.residentPointer = (values) => this.pointer(values);
    this.#registry = new FinalizationRegistry((block) => {
      if (block.freed) return;
      this.#collected++;
      this.#free(block);
    });
  }

  /** Bytes of blocks held by live arrays. */
  get liveBytes(): number {
    return this.#liveBytes;
  }

  /** The most `liveBytes` there have been. */
  get peakBytes(): number {
    return this.#peakBytes;
  }

  /** Blocks held by live arrays. */
  get liveBlocks(): number {
    return this.#liveBlocks;
  }

  /** Tensors that went to JavaScript memory because the heap was at its soft limit (each once). */
  get spilled(): number {
    return this.#spilled;
  }

  /** Blocks freed by the garbage collector (their handles were never disposed). */
  get collected(): number {
    return this.#collected;
  }

  /** Whether `data` is the array of a live block (its elements are at `pointer(data)`). */
  has(data: Float32Array): boolean {
    const b = this.#blocks.get(data);
    return b !== undefined && !b.freed;
  }

  /** Byte address of the first element of a heap array, or -1 for any other array. */
  pointer(data: Float32Array): number {
    const b = this.#blocks.get(data);
    return b === undefined || b.freed ? -1 : b.ptr;
  }

  take(size: number): Float32Array | undefined {
    if (!this.enabled || size === 0) return undefined;
    const bytes = size * 4;
    const arena = this.#kernels.arena;
    const ptr = arena.takeBlock(bytes, this.softLimitBytes);
    if (ptr < 0) {
      if (this.#counting) this.#spilled++;
      return undefined;
    }
    const data = new Float32Array(this.#kernels.exports.memory.buffer, ptr, size);
    const block: Block = { ptr, bytes, refs: 0, freed: false };
    this.#blocks.set(data, block);
    this.#registry.register(data, block, block);
    this.#liveBytes += bytes;
    this.#liveBlocks++;
    if (this.#liveBytes > this.#peakBytes) this.#peakBytes = this.#liveBytes;
    return data;
  }

  /**
   * Runs `make` without counting its spills: for arrays that are no tensor (yet), an op's
   * scratch and `emptyArray`'s arrays, which count when `transfer: true` hands them over.
   */
  uncounted<T>(make: () => T): T {
    const counting = this.#counting;
    this.#counting = false;
    try {
      return make();
    } finally {
      this.#counting = counting;
    }
  }

  adopt(data: Float32Array): boolean {
    const b = this.#blocks.get(data);
    if (b === undefined) return false;
    b.refs++;
    return true;
  }

  release(data: Float32Array): boolean {
    const b = this.#blocks.get(data);
    if (b === undefined) return false;
    if (--b.refs === 0) {
      this.#registry.unregister(b);
      this.#free(b);
    }
    return true;
  }

  /**
   * Frees a block no handle was made of (a kernel's scratch output that went unused); the
   * array must not be used afterwards.
   */
  discard(data: Float32Array): void {
    const b = this.#blocks.get(data);
    if (b === undefined || b.refs > 0) return;
    this.#registry.unregister(b);
    this.#free(b);
  }

  #free(b: Block): void {
    if (b.freed) return;
    b.freed = true;
    this.#liveBytes -= b.bytes;
    this.#liveBlocks--;
    this.#kernels.arena.releaseBlock(b.ptr, b.bytes);
  }
}

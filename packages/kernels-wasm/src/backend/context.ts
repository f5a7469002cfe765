/**
 * What the wasm fast-path modules share (`WasmContext`): the CPU store the tensors live in,
 * the kernels, the tensor heap in linear memory, and the JavaScript record they fall back to
 * for float64.
 *
 * How a module runs a kernel on handles, in place:
 * ```ts
 * return context.run(() => {
 *   const { handle, ptr } = context.allocF32(size); // the output block (allocate outputs first)
 *   const px = context.pointerOf(x);                // where x's floats are
 *   context.exports.my_kernel(px, ptr, size);       // the current exports
 *   return handle;
 * });
 * ```
 * `pointerOf` and `allocF32` work only inside `run`: a handle whose array is not in linear
 * memory (float32 spilled past the heap's soft limit, a slice, or every tensor when the
 * memory is not shared: see backend/tensor-heap.ts) is copied in for the scope, and an output
 * that could not get a block is written to scratch memory and copied into its array when
 * `fn` returns. If `fn` throws, the outputs it allocated are disposed and nothing leaks.
 * Pointers are byte addresses, 64-byte aligned for blocks; they stay valid while memory grows
 * (views are re-derived from `exports.memory.buffer` when needed: use `view(ptr, n)`).
 */
import { BackendError, type CpuBackend, type CpuHandle, type DType, type FastPaths, type TypedArray } from '@lec/tensor';
import type { KernelExports } from '../kernel-exports.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { ResidentCsrs } from './resident-csr.js';
import type { TensorHeap } from './tensor-heap.js';

/** One `run` scope: its stack mark (-1: the stack was empty, and the heap may have grown since), heap temporaries, outputs to copy out, handles to dispose on failure. */
interface Scope {
  mark: number;
  temps: Float32Array[];
  copyOut: { ptr: number; data: Float32Array }[];
  made: CpuHandle[];
}

export class WasmContext {
  /** The CPU store every handle of the backend belongs to. */
  readonly store: CpuBackend;
  readonly kernels: WasmKernels;
  /** Where float32 tensors live (see backend/tensor-heap.ts). */
  readonly heap: TensorHeap;
  /** The js backend's record over `store` (what wasm spreads and overrides). */
  readonly js: FastPaths<CpuHandle>;
  /** The sparse matrices spmm has checked (and their resident copies). */
  readonly csrs: ResidentCsrs;
  /** Handles a kernel found all finite as it wrote them (handles are immutable), so checks skip them. */
  readonly knownFinite = new WeakSet<CpuHandle>();
  readonly #scopes: Scope[] = [];

  constructor(store: CpuBackend, kernels: WasmKernels, heap: TensorHeap, js: FastPaths<CpuHandle>) {
    this.store = store;
    this.kernels = kernels;
    this.heap = heap;
    this.js = js;
    this.csrs = new ResidentCsrs(store, kernels);
  }

  /** The kernels' exports (call them with pointers from `pointerOf` / `allocF32`). */
  get exports(): KernelExports {
    return this.kernels.exports;
  }

  /** A fresh Float32Array view of `length` floats at byte address `ptr` (of the current buffer). */
  view(ptr: number, length: number): Float32Array {
    return this.kernels.arena.f32(ptr, length);
  }

  /**
   * Runs `fn` as one kernel scope (see the file comment): scratch memory taken inside is
   * freed, outputs are complete, when it returns. Scopes nest.
   */
  run<T>(fn: () => T): T {
    const arena = this.kernels.arena;
    const scope: Scope = { mark: arena.usedBytes === 0 ? -1 : arena.mark(), temps: [], copyOut: [], made: [] };
    this.#scopes.push(scope);
    let ok = false;
    try {
      const result = fn();
      for (const { ptr, data } of scope.copyOut) data.set(arena.f32(ptr, data.length));
      ok = true;
      return result;
    } finally {
      this.#scopes.pop();
      if (!ok) for (const h of scope.made) this.store.dispose(h);
      for (const t of scope.temps) this.heap.discard(t);
      if (scope.mark < 0) arena.reset();
      else arena.release(scope.mark);
    }
  }

  #scope(what: string): Scope {
    const scope = this.#scopes[this.#scopes.length - 1];
    if (scope === undefined) throw new Error(`WasmContext.${what}: only inside context.run(() => ...)`);
    return scope;
  }

  /** Scratch floats for this scope: a heap block when one is free, else the arena stack. */
  #scratch(scope: Scope, length: number): number {
    const temp = this.heap.uncounted(() => this.heap.take(length));
    if (temp !== undefined) {
      scope.temps.push(temp);
      return this.heap.pointer(temp);
    }
    return this.kernels.arena.alloc(length * 4);
  }

  /**
   * Byte address of a float32 handle's elements in linear memory: the handle's own block, or
   * (for an array that is not in linear memory) a copy made for this `run` scope.
   */
  pointerOf(h: CpuHandle): number {
    const scope = this.#scope('pointerOf');
    const data = this.store.get(h);
    if (!(data instanceof Float32Array)) throw new BackendError('wasm', 'pointerOf: the handle is not float32');
    const ptr = this.heap.pointer(data);
    if (ptr >= 0) return ptr;
    const copy = this.#scratch(scope, data.length);
    this.kernels.arena.f32(copy, data.length).set(data);
    return copy;
  }

  /**
   * A fresh float32 output of `size` floats (any contents: the kernel writes all of it) and
   * the byte address to write it at. The handle is counted like any other; return it (or
   * dispose it).
   */
  allocF32(size: number): { handle: CpuHandle; ptr: number } {
    const scope = this.#scope('allocF32');
    const data = this.store.arrayToOverwrite('float32', size) as Float32Array;
    const handle = this.store.make(data);
    scope.made.push(handle);
    let ptr = this.heap.pointer(data);
    if (ptr < 0) {
      ptr = this.#scratch(scope, size);
      scope.copyOut.push({ ptr, data });
    }
    return { handle, ptr };
  }
}

/** The Float32Array behind a handle. */
export function f32(context: WasmContext, h: CpuHandle): Float32Array {
  return context.store.get(h) as Float32Array;
}

/** A float32 output array of `size` for a kernel that writes all of it (recycled, not zeroed, when one fits). */
export function out32(context: WasmContext, size: number): Float32Array {
  return context.store.arrayToOverwrite('float32', size) as Float32Array;
}

/** Runs a JavaScript kernel into a fresh array of `dtype` (float32 or float64). */
export function runJs(context: WasmContext, dtype: DType, size: number, run: (out: TypedArray) => void): CpuHandle {
  if (dtype === 'int32') throw new BackendError('wasm', `dtype 'int32' is not supported by this kernel (float32 or float64 only)`);
  const out = context.store.array(dtype, size);
  run(out);
  return context.store.make(out);
}

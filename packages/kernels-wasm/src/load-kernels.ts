import { chooseKernelFeature, type KernelFeature } from './feature-detection.js';
import { kernelBinary } from './kernel-binary.js';
import { KERNEL_EXPORT_NAMES, type KernelExports } from './kernel-exports.js';
import { ThreadPool, threadSupport } from './thread-pool.js';
import { WASM_PAGE_BYTES, WasmArena } from './wasm-arena.js';
import { WasmKernels } from './wasm-kernels.js';

/** Options of `loadKernels`. */
export interface LoadKernelsOptions {
  /** Which build to run; 'auto' (default) picks relaxed SIMD, else SIMD128, else scalar. */
  feature?: 'auto' | KernelFeature;
  /**
   * In Node 20, allow setting the process-wide V8 flag --experimental-wasm-relaxed-simd to
   * enable the relaxed build. Default true.
   */
  allowV8Flag?: boolean;
  /** Most bytes linear memory may grow to; default 1 GiB, at most 4 GiB. */
  maximumBytes?: number;
  /** Bytes of linear memory to start with; default 16 MiB (capped by maximumBytes). */
  initialBytes?: number;
  /**
   * Threads to split large gemm/conv calls over (the calling thread counts as one); default 1.
   * More than one needs shared memory and workers; where they are unavailable the kernels run
   * on one thread and `threadsReason` says why (also logged once with console.warn).
   */
  threads?: number;
  /**
   * Run over a shared WebAssembly.Memory even on one thread (the threaded build, no workers),
   * where the engine allows it: growing shared memory never detaches views of it, so the
   * wasm backend can keep tensors there as views (default false).
   */
  sharedMemory?: boolean;
}

const DEFAULT_MAXIMUM_BYTES = 1 << 30;
const DEFAULT_INITIAL_BYTES = 16 << 20;
const MAX_WASM32_PAGES = 65536;

/**
 * Compiles and instantiates the kernels module over a fresh linear memory.
 * The result says which build runs (`feature`) and why (`reason`).
 * @example
 * ```ts
 * const kernels = await loadKernels({ feature: 'auto' });
 * console.log(kernels.feature, kernels.reason);
 * kernels.gemm(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 1, 2); // Float32Array [11]
 * ```
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<WasmKernels> {
  const choice = chooseKernelFeature(options.feature ?? 'auto', options.allowV8Flag ?? true);
  const maximumBytes = options.maximumBytes ?? DEFAULT_MAXIMUM_BYTES;
  const maximumPages = Math.floor(maximumBytes / WASM_PAGE_BYTES);
  if (!Number.isSafeInteger(maximumBytes) || maximumPages < 1 || maximumPages > MAX_WASM32_PAGES) {
    throw new RangeError(
      `loadKernels: maximumBytes must be between ${WASM_PAGE_BYTES} and ${MAX_WASM32_PAGES * WASM_PAGE_BYTES}, got ${maximumBytes}`,
    );
  }
  const threads = options.threads ?? 1;
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`loadKernels: threads must be an integer from 1 to 64, got ${threads}`);
  }
  const initialPages = Math.min(maximumPages, Math.max(1, Math.ceil((options.initialBytes ?? DEFAULT_INITIAL_BYTES) / WASM_PAGE_BYTES)));
  let threadsReason = threads === 1 ? 'one thread requested' : '';
  if (threads > 1) {
    const unsupported = choice.feature === 'scalar' ? 'the scalar build has no threaded variant' : threadSupport();
    if (unsupported === undefined) {
      try {
        const memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages, shared: true });
        const module = await WebAssembly.compile((await kernelBinary(choice.feature, true)) as Uint8Array<ArrayBuffer>);
        const exports = await instantiate(module, memory, choice.feature);
        const pool = await ThreadPool.create(module, memory, threads - 1);
        const arena = new WasmArena(memory, exports.heap_base(), maximumPages * WASM_PAGE_BYTES);
        return new WasmKernels(choice, exports, arena, {
          pool,
          threads,
          threadsReason: `${threads} threads over a shared WebAssembly.Memory (${pool.workers} workers)`,
        });
      } catch (error) {
        threadsReason = `starting ${threads} threads failed (${(error as Error).message}); running on one thread`;
      }
    } else {
      threadsReason = `${threads} threads requested but ${unsupported}; running on one thread`;
    }
    console.warn(`kernels-wasm: ${threadsReason}`);
  }
  if (options.sharedMemory === true && choice.feature !== 'scalar' && typeof SharedArrayBuffer !== 'undefined') {
    try {
      const memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages, shared: true });
      const module = await WebAssembly.compile((await kernelBinary(choice.feature, true)) as Uint8Array<ArrayBuffer>);
      const exports = await instantiate(module, memory, choice.feature);
      const arena = new WasmArena(memory, exports.heap_base(), maximumPages * WASM_PAGE_BYTES);
      return new WasmKernels(choice, exports, arena, { threads: 1, threadsReason });
    } catch {
      // the engine has no shared memory here: fall through to an unshared one
    }
  }
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages });
  const module = await WebAssembly.compile((await kernelBinary(choice.feature)) as Uint8Array<ArrayBuffer>);
  const exports = await instantiate(module, memory, choice.feature);
  const arena = new WasmArena(memory, exports.heap_base(), maximumPages * WASM_PAGE_BYTES);
  return new WasmKernels(choice, exports, arena, { threads: 1, threadsReason });
}

async function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory, feature: string): Promise<KernelExports> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  for (const name of KERNEL_EXPORT_NAMES) {
    if (typeof instance.exports[name] !== 'function') {
      throw new Error(`loadKernels: the ${feature} build does not export ${name}; rebuild @lec/kernels-wasm`);
    }
  }
  return { ...(instance.exports as unknown as KernelExports), memory };
}

/**
 * The `wasm` backend: lec's Backend interface v1 over the WebAssembly kernels, composed (not
 * inherited) from parts:
 * - storage and the required primitives of a `CpuBackend` whose float32 arrays are blocks of
 *   the kernels' linear memory (backend/tensor-heap.ts: freed on dispose or when collected,
 *   reused by size class), with `matmul` replaced by the wasm one and `dispose` also
 *   forgetting the sparse matrices kept for a handle (backend/resident-csr.ts), and the
 *   float32 elementwise primitives, reductions and data movement replaced by the wasm ones
 *   (backend/elementwise.ts: unary, binary, where, reduce; backend/movement.ts: transpose,
 *   concat, slice, broadcastTo, gather, scatterAdd);
 * - the fast-path record: the js backend's (`jsFastPaths`) spread first, then the wasm
 *   families over it: backend/gemm.ts, conv2d.ts, pool.ts, lstm.ts (the recurrence and the
 *   single step), spmm.ts, softmax-cross-entropy.ts. `info().fastPaths`,
 *   `info().wasmOps`/`jsOps` (backend/op-lists.ts) and `WASM_FAST_PATHS` are read off that record.
 * matmul and gemm read their operands in place and write a fresh block (backend/context.ts
 * says how a module does that), and so do the elementwise, reduction, movement and softmax
 * cross-entropy modules; the other families still copy through the arena stack. What stays
 * JavaScript (over the same views; `info().jsOps` lists it): argReduce, pad, cast, float64 everywhere (so the float64 gradient checks run on this backend too, in double
 * precision) and int32.
 */
import {
  type BackendInfo,
  type BackendV1,
  CpuBackend,
  type CpuHandle,
  type FastPaths,
  fastPathNames,
  jsFastPaths,
  requiredPrimitives,
  wrapFastPaths,
} from '@lec/tensor';
import { wasmConv2d } from './backend/conv2d.js';
import { WasmContext } from './backend/context.js';
import { wasmActivation } from './backend/activation.js';
import { wasmElementwise } from './backend/elementwise.js';
import { wasmGemm, wasmMatmul } from './backend/gemm.js';
import { wasmLstm } from './backend/lstm.js';
import { wasmMovement } from './backend/movement.js';
import { opListInfo, opLists } from './backend/op-lists.js';
import { wasmOptimizers } from './backend/optimizers.js';
import { wasmPool } from './backend/pool.js';
import { wasmSoftmaxCrossEntropy } from './backend/softmax-cross-entropy.js';
import { wasmSpmm } from './backend/spmm.js';
import { TensorHeap, defaultSoftLimit } from './backend/tensor-heap.js';
import { loadKernels } from './load-kernels.js';
import { resolveTuning, type TuningRequest } from './kernels/tuning.js';
import { WasmOutOfMemoryError } from './wasm-arena.js';
import type { WasmKernels } from './wasm-kernels.js';

/** Options of `wasmBackend`. */
export interface WasmBackendOptions {
  /**
   * Threads to split large gemm/conv calls over, the calling thread included (default 1).
   * Needs shared memory and workers (Node worker_threads, or Workers in a cross-origin
   * isolated page); without them the backend runs on one thread and says why in `info()`.
   */
  threads?: number;
  /** Kernel build: 'auto' (default: relaxed SIMD, else SIMD128, else scalar) or one by name. */
  feature?: 'auto' | 'relaxed' | 'simd' | 'scalar';
  /** Most bytes wasm linear memory may grow to (default 1 GiB, at most 4 GiB). */
  maximumBytes?: number;
  /**
   * Most bytes of float32 tensors kept in linear memory before new ones go to JavaScript
   * memory until collected or disposed ones free blocks (default a quarter of maximumBytes,
   * from 16 MiB to 256 MiB). See backend/tensor-heap.ts.
   */
  tensorBytes?: number;
  /**
   * The GEMM blocking and conv thresholds (kernels/tuning.ts): 'calibrate' (default: a
   * calibration of at most 50 ms, once per process), 'default' (the built-in constants), or a
   * configuration, e.g. an earlier backend's `info().tuning.config` saved by the user. A bad
   * field throws a ValueError naming it (`tuning.gemm.mc`), before anything is loaded.
   */
  tuning?: TuningRequest;
}

/** The wasm backend: Backend v1 over CPU handles, with its kernels exposed for benchmarks and tests. */
export interface WasmBackend extends BackendV1<CpuHandle> {
  /** The kernels this backend runs. */
  readonly kernels: WasmKernels;
  /** How fast-path modules reach handles in linear memory (backend/context.ts). */
  readonly context: WasmContext;
  /** Stops the worker threads so the process can exit. The backend keeps working on one thread. */
  disposeBackend(): void;
}

/**
 * The wasm backend's fast-path record over a store: the js backend's, overridden family by
 * family with the wasm ones.
 */
export function wasmFastPaths(context: WasmContext): FastPaths<CpuHandle> {
  return {
    ...context.js,
    ...wasmGemm(context),
    ...wasmConv2d(context),
    ...wasmPool(context),
    ...wasmActivation(context),
    ...wasmLstm(context),
    ...wasmSpmm(context),
    ...wasmSoftmaxCrossEntropy(context),
    ...wasmOptimizers(context),
  };
}

/** Composes the wasm backend over loaded kernels (`wasmBackend` loads them first). */
export function composeWasmBackend(kernels: WasmKernels, maximumBytes: number, tensorBytes = defaultSoftLimit(maximumBytes)): WasmBackend {
  const heap = new TensorHeap(kernels, tensorBytes);
  const store = new CpuBackend({ name: 'wasm', storage: 'native', float32Storage: heap });
  const context = new WasmContext(store, kernels, heap, jsFastPaths(store));
  const fastPaths = wasmFastPaths(context);
  const base = requiredPrimitives(store);
  const primitives = { ...base, ...wasmElementwise(context), ...wasmMovement(context), matmul: wasmMatmul(context) };
  const ops = opListInfo(opLists(primitives, base, fastPaths, context.js));
  return {
    ...primitives,
    apiVersion: 1,
    name: 'wasm',
    dtypes: store.dtypes,
    kernels,
    fastPaths,
    /** Ops refuse a tensor larger than linear memory may grow to, before allocating. */
    memoryLimit: { bytes: maximumBytes, option: 'wasmBackend({ maximumBytes })' },
    context,
    /** `emptyArray`: a float32 array is a heap block (linear memory) when the heap has room (a spill counts once it is a tensor). */
    arrayToFill: (dtype, size) => heap.uncounted(() => store.arrayToFill(dtype, size)),
    /**
     * `transfer: true`: a heap block (from `emptyArray`) is kept as it is; a JavaScript array
     * is kept too where the heap would not hold it anyway (off, or at its soft limit), else
     * copied into a block once (kernels read blocks in place, other arrays are copied per op).
     */
    adoptArray(data, dtype) {
      if (dtype !== 'float32' || !(data instanceof Float32Array) || !heap.enabled || heap.has(data)) return store.adoptArray(data, dtype);
      const block = heap.take(data.length);
      if (block === undefined) return store.adoptArray(data, dtype);
      block.set(data);
      return store.make(block);
    },
    /** Disposes a handle (its block is free once no view shares it); a sparse matrix kept for it is freed too. */
    dispose(h: CpuHandle): void {
      store.dispose(h);
      context.csrs.forget(h);
    },
    info(): BackendInfo {
      return {
        ...store.info(),
        name: 'wasm',
        feature: kernels.feature,
        featureReason: kernels.reason,
        threads: kernels.threads,
        threadsReason: kernels.threadsReason,
        tuning: kernels.tuning,
        maximumBytes,
        arenaBytes: kernels.arena.memoryBytes,
        tensorsInWasmMemory: heap.enabled
          ? true
          : 'no: the memory is not shared (scalar build, or no SharedArrayBuffer); kernels copy operands in and out',
        liveBytes: heap.liveBytes,
        peakLiveBytes: heap.peakBytes,
        liveBlocks: heap.liveBlocks,
        cachedBlockBytes: kernels.arena.cachedBytes,
        tensorBytesLimit: heap.softLimitBytes,
        spilledTensors: heap.spilled,
        collectedTensors: heap.collected,
        residentCsrBytes: context.csrs.csrBytes,
        fastPaths: fastPathNames(fastPaths),
        ...ops,
      };
    },
    disposeBackend(): void {
      kernels.dispose();
    },
  };
}

/**
 * Creates the `wasm` backend: lec's Backend interface v1 on WebAssembly SIMD kernels, with
 * optional worker threads. Await it once, then hand it to `setBackend`.
 * @example
 * ```ts
 * import { setBackend, matmul, randn } from '@lec/tensor';
 * import { wasmBackend } from '@lec/kernels-wasm';
 *
 * const backend = await wasmBackend({ threads: 2 });
 * setBackend(backend);
 * backend.info(); // { name: 'wasm', threads: 2 } (and feature, e.g. 'relaxed', and more)
 * matmul(randn([512, 512]), randn([512, 512])).shape; // [512, 512]
 * backend.disposeBackend?.(); // stop the workers
 * ```
 */
export async function wasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const maximumBytes = options.maximumBytes ?? 1 << 30;
  const tuning = options.tuning ?? 'calibrate';
  if (tuning !== 'calibrate' && tuning !== 'default') resolveTuning(tuning);
  const kernels = await loadKernels({
    feature: options.feature ?? 'auto',
    threads: options.threads ?? 1,
    maximumBytes,
    sharedMemory: true,
  });
  kernels.tune(tuning);
  return namingOutOfMemory(composeWasmBackend(kernels, maximumBytes, options.tensorBytes));
}

/**
 * The backend with every function member and every fast-path function re-raising the arena's
 * WasmOutOfMemoryError naming the primitive that allocated (`matmul`, `binary(add)`,
 * `conv2d`, `lstmSequenceBackward`, ...), so the user sees which op ran out. A new object;
 * the parts it wraps are untouched.
 */
function namingOutOfMemory(backend: WasmBackend): WasmBackend {
  const named = <F extends (...args: never[]) => unknown>(name: string, fn: F): F =>
    ((...args: Parameters<F>) => {
      try {
        return fn(...args);
      } catch (e) {
        if (!(e instanceof WasmOutOfMemoryError)) throw e;
        const first = (args as unknown[])[0];
        const detail =
          typeof first === 'string' ? first : typeof first === 'object' && first !== null && 'op' in first ? first.op : undefined;
        throw e.naming(typeof detail === 'string' ? `${name}(${detail})` : name);
      }
    }) as F;
  const fastPaths = wrapFastPaths(backend.fastPaths, named);
  const out: Record<string, unknown> = { ...backend, fastPaths };
  for (const [name, value] of Object.entries(backend)) {
    if (typeof value === 'function') out[name] = named(name, value as (...args: never[]) => unknown);
  }
  return out as unknown as WasmBackend;
}

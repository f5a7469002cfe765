/**
 * The `wasm` backend: lec's Backend interface v1 over the WebAssembly kernels, composed (not
 * inherited) from parts:
 * - storage and the required primitives of a `CpuBackend` (tensors live in ordinary typed
 *   arrays; the garbage collector frees them), with `matmul` replaced by the wasm one and
 *   `dispose` also freeing the arena copies kept for a handle (backend/resident-operands.ts);
 * - the fast-path record: the js backend's (`jsFastPaths`) spread first, then the wasm
 *   families over it: backend/gemm.ts, conv2d.ts, pool.ts, lstm.ts (the recurrence; the
 *   single step stays JavaScript), spmm.ts, softmax-cross-entropy.ts. `info().fastPaths`
 *   and `WASM_FAST_PATHS` are read off that record.
 * A kernel call copies its operands into the wasm arena, runs, and copies the result out; for
 * gemm and conv that is O(n²) copying against O(n³) work (large operands read twice, and
 * spmm's sparse matrices, stay resident). What stays JavaScript: every elementwise
 * primitive, reductions and shape ops (a wasm round trip measured no faster: they are
 * memory-bound), softmax cross-entropy, float64 everywhere (so the float64 gradient checks run
 * on this backend too, in double precision) and int32.
 */
import {
  type BackendInfo,
  type BackendV1,
  CpuBackend,
  type CpuHandle,
  FAST_PATH_KINDS,
  type FastPath,
  type FastPaths,
  fastPathNames,
  jsFastPaths,
  requiredPrimitives,
} from '@lec/tensor';
import { wasmConv2d } from './backend/conv2d.js';
import type { WasmContext } from './backend/context.js';
import { wasmElementwise } from './backend/elementwise.js';
import { wasmGemm, wasmMatmul } from './backend/gemm.js';
import { wasmLstm } from './backend/lstm.js';
import { wasmPool } from './backend/pool.js';
import { ResidentOperands } from './backend/resident-operands.js';
import { wasmSoftmaxCrossEntropy } from './backend/softmax-cross-entropy.js';
import { wasmSpmm } from './backend/spmm.js';
import { loadKernels } from './load-kernels.js';
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
}

/** The wasm backend: Backend v1 over CPU handles, with its kernels exposed for benchmarks and tests. */
export interface WasmBackend extends BackendV1<CpuHandle> {
  /** The kernels this backend runs. */
  readonly kernels: WasmKernels;
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
    ...wasmLstm(context),
    ...wasmSpmm(context),
    ...wasmSoftmaxCrossEntropy(context),
  };
}

/** Composes the wasm backend over loaded kernels (`wasmBackend` loads them first). */
export function composeWasmBackend(kernels: WasmKernels, maximumBytes: number): WasmBackend {
  const store = new CpuBackend({ name: 'wasm', storage: 'native' });
  const resident = new ResidentOperands(store, kernels);
  const context: WasmContext = { store, kernels, resident, js: jsFastPaths(store) };
  const fastPaths = wasmFastPaths(context);
  return {
    ...requiredPrimitives(store),
    ...wasmElementwise(context),
    apiVersion: 1,
    name: 'wasm',
    dtypes: store.dtypes,
    kernels,
    fastPaths,
    /** Ops refuse a tensor larger than linear memory may grow to, before allocating. */
    memoryLimit: { bytes: maximumBytes, option: 'wasmBackend({ maximumBytes })' },
    matmul: wasmMatmul(context),
    /** Disposes a handle; what the arena keeps for it (a sparse matrix, operand copies) is freed too. */
    dispose(h: CpuHandle): void {
      store.dispose(h);
      resident.forget(h);
    },
    info(): BackendInfo {
      return {
        ...store.info(),
        name: 'wasm',
        feature: kernels.feature,
        featureReason: kernels.reason,
        threads: kernels.threads,
        threadsReason: kernels.threadsReason,
        maximumBytes,
        arenaBytes: kernels.arena.memoryBytes,
        residentCsrBytes: resident.csrBytes,
        residentOperandBytes: resident.operandBytes,
        fastPaths: fastPathNames(fastPaths),
        wasmOps:
          'float32 matmul, gemm, conv2d (+ both gradients), max/avg pooling (+ gradients), spmm, LSTM recurrences (lstmSequence + its gradient)',
        jsOps:
          'elementwise, reductions, shape ops, softmax cross-entropy, the single LSTM step (lstmCell), Adam, every float64 and int32 op',
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
  const kernels = await loadKernels({ feature: options.feature ?? 'auto', threads: options.threads ?? 1, maximumBytes });
  return namingOutOfMemory(composeWasmBackend(kernels, maximumBytes));
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
  const fastPaths: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(backend.fastPaths)) {
    if (entry === undefined) continue;
    if (FAST_PATH_KINDS[name as FastPath] === 'pair') {
      const pair = entry as { forward: (...args: never[]) => unknown; backward: (...args: never[]) => unknown };
      fastPaths[name] = { forward: named(name, pair.forward), backward: named(`${name}Backward`, pair.backward) };
    } else {
      fastPaths[name] = named(name, entry as (...args: never[]) => unknown);
    }
  }
  const out: Record<string, unknown> = { ...backend, fastPaths };
  for (const [name, value] of Object.entries(backend)) {
    if (typeof value === 'function') out[name] = named(name, value as (...args: never[]) => unknown);
  }
  return out as unknown as WasmBackend;
}

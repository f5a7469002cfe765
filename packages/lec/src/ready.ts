/**
 * ready(): the one-line start. Makes the fastest backend this engine can run current:
 *   1. WebAssembly with relaxed SIMD (fused multiply-add), on worker threads where the page is
 *      cross-origin isolated (COOP/COEP headers) — in Node on as many threads as asked;
 *   2. else WebAssembly SIMD128 (threads likewise);
 *   3. else the plain-JavaScript `js` backend (an engine without WebAssembly SIMD).
 * What it chose, and why, comes back (and `getBackend()` is it from then on).
 */
import { type BackendV1, getBackend, jsBackend, setBackend } from '@lec/tensor';
import { chooseKernelFeature, threadSupport, wasmBackend } from '@lec/kernels-wasm';

/** Options of `ready`. */
export interface ReadyOptions {
  /**
   * Worker threads for the wasm backend (the calling thread included). Default: in a
   * cross-origin isolated page, `navigator.hardwareConcurrency` up to 4; elsewhere 1 (in Node,
   * ask for more explicitly).
   */
  threads?: number;
  /** Insist on a backend instead of choosing: `'wasm'` throws when it cannot start. */
  backend?: 'auto' | 'wasm' | 'js';
}

/** What `ready` chose. */
export interface ReadyResult {
  backend: BackendV1;
  /** 'wasm' or 'js'. */
  name: string;
  /** The kernel build: 'relaxed', 'simd', or undefined on the js backend. */
  feature?: 'relaxed' | 'simd';
  threads: number;
  /** Why this backend (and thread count) was chosen. */
  reason: string;
}

function defaultThreads(): { threads: number; why: string } {
  const unsupported = threadSupport();
  const isBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';
  if (unsupported) return { threads: 1, why: `one thread: ${unsupported}` };
  if (!isBrowser) return { threads: 1, why: 'one thread (Node: pass { threads } for more)' };
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  const threads = Math.max(1, Math.min(4, cores));
  return { threads, why: `${threads} threads (cross-origin isolated page, ${cores} cores)` };
}

/**
 * Picks and sets the fastest backend available (see the module comment) and says which.
 * Call it once, before creating models or tensors (tensors stay on the backend they were
 * made on).
 * @example
 * ```ts
 * const { name, feature, reason } = await ready();
 * name; // 'wasm' (on Node 20, where WebAssembly SIMD runs)
 * getBackend().name; // 'wasm'
 * (await ready({ backend: 'js' })).name; // 'js'
 * ```
 */
export async function ready(options: ReadyOptions = {}): Promise<ReadyResult> {
  const requested = options.backend ?? 'auto';
  const previous = getBackend();
  if (requested === 'js') {
    const backend = jsBackend();
    setBackend(backend);
    return { backend, name: 'js', threads: 1, reason: 'the js backend was requested' };
  }
  const choice = (() => {
    try {
      return chooseKernelFeature('auto');
    } catch (error) {
      return { feature: 'scalar' as const, reason: `WebAssembly is unavailable (${(error as Error).message})` };
    }
  })();
  if (choice.feature === 'scalar' && requested === 'auto') {
    const backend = jsBackend();
    setBackend(backend);
    return { backend, name: 'js', threads: 1, reason: `no WebAssembly SIMD here (${choice.reason}): the js backend` };
  }
  const { threads, why } =
    options.threads !== undefined ? { threads: options.threads, why: `${options.threads} threads requested` } : defaultThreads();
  try {
    const backend = await wasmBackend({ threads, feature: choice.feature });
    setBackend(backend);
    const info = backend.info?.() as { threads?: number } | undefined;
    return {
      backend,
      name: 'wasm',
      ...(choice.feature === 'scalar' ? {} : { feature: choice.feature }),
      threads: info?.threads ?? threads,
      reason: `${choice.reason}; ${why}`,
    };
  } catch (error) {
    if (requested === 'wasm') throw error;
    setBackend(previous.name === 'js' ? previous : jsBackend());
    const backend = getBackend();
    return { backend, name: 'js', threads: 1, reason: `the wasm backend did not start (${(error as Error).message}): the js backend` };
  }
}

/**
 * The backend every demo runs on: the wasm backend of @lec/kernels-wasm (one thread), or
 * the js backend when WebAssembly SIMD is not there. Set once per page load.
 */
import { jsBackend, setBackend } from '@lec/tensor';

let ready: Promise<string> | undefined;

/** Installs the backend (once) and returns a label for the demo's footer. */
export function useLecBackend(): Promise<string> {
  ready ??= (async () => {
    try {
      const { wasmBackend } = await import('@lec/kernels-wasm');
      const backend = await wasmBackend({ threads: 1 });
      setBackend(backend);
      const info = backend.info() as { feature?: string };
      return `wasm backend (${info.feature ?? 'simd'}, 1 thread)`;
    } catch (error) {
      setBackend(jsBackend());
      return `js backend (the wasm backend could not start: ${(error as Error).message})`;
    }
  })();
  return ready;
}

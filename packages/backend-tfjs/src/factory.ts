/**
 * `tfjsBackend()`: selects and initialises a tfjs backend, then wraps it as a lec backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@lec/tensor';
import { TfjsBackend, type TfjsDevice } from './backend.js';

/** Options of `tfjsBackend()`. */
export interface TfjsBackendFactoryOptions {
  /** The tfjs backend that runs the kernels. */
  backend: TfjsDevice;
  /**
   * tfjs-wasm only: where its .wasm files are (a URL prefix in browsers, a directory path
   * ending in '/' in Node), passed to `setWasmPaths`. Needs the package to be importable by
   * name (not inside a bundle that renamed it); otherwise call `setWasmPaths` yourself.
   */
  wasmPaths?: string;
  /** See `TfjsBackendOptions.validateIndices`. Default true. */
  validateIndices?: boolean;
}

const PACKAGES: Record<TfjsDevice, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

/** A dynamic import bundlers leave alone (the specifier is only known at run time). */
async function importByName(specifier: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
}

/**
 * Makes a lec backend that runs on tfjs-core 4.22 with the named tfjs backend: `webgl` or
 * `webgpu` for a real GPU in a browser, `wasm` or `cpu` anywhere. Install and import the
 * tfjs backend package you want (`import '@tensorflow/tfjs-backend-webgl'`); if it is not
 * registered yet this tries to import it by name and raises a BackendError saying what to
 * install when that fails. Calls `tf.setBackend` and `tf.ready`.
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu'; // in a browser: '@tensorflow/tfjs-backend-webgl' and { backend: 'webgl' }
 * setBackend(await tfjsBackend({ backend: 'cpu' }));
 * getBackend().name; // 'tfjs-cpu'
 * sum(tensor([1, 2, 3])).item(); // 6
 * ```
 */
export async function tfjsBackend(options: TfjsBackendFactoryOptions): Promise<TfjsBackend> {
  const device = options?.backend;
  if (!device || !(device in PACKAGES)) {
    throw new BackendError(
      'tfjsBackend',
      `argument 'backend' expected one of ${Object.keys(PACKAGES)
        .map((k) => `'${k}'`)
        .join(', ')}, got ${JSON.stringify(device)}`,
    );
  }
  const pkg = PACKAGES[device];
  if (!tf.findBackendFactory(device) || (device === 'wasm' && options.wasmPaths !== undefined)) {
    let mod: Record<string, unknown>;
    try {
      mod = await importByName(pkg);
    } catch (e) {
      if (tf.findBackendFactory(device) && device === 'wasm') {
        throw new BackendError(
          'tfjsBackend',
          `option 'wasmPaths' needs ${pkg} importable by name (${(e as Error).message}); call its setWasmPaths() yourself instead`,
        );
      }
      throw new BackendError(
        'tfjsBackend',
        `the tfjs backend '${device}' is not registered and ${pkg} could not be imported (${(e as Error).message}). Install it (npm i ${pkg}@${tf.version_core}) and import it before calling tfjsBackend()`,
      );
    }
    if (device === 'wasm' && options.wasmPaths !== undefined) (mod.setWasmPaths as (p: string) => void)(options.wasmPaths);
    if (!tf.findBackendFactory(device))
      throw new BackendError('tfjsBackend', `importing ${pkg} did not register the tfjs backend '${device}'`);
  }
  const previous = tf.engine().backendName;
  const restore = async () => {
    if (previous && previous !== device && tf.engine().registry[previous]) await tf.setBackend(previous);
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(device);
    await tf.ready();
  } catch (e) {
    await restore();
    throw new BackendError('tfjsBackend', `the tfjs backend '${device}' failed to initialise: ${(e as Error).message}`);
  }
  if (!ok || tf.getBackend() !== device) {
    await restore();
    const hint =
      device === 'webgpu'
        ? ' (is WebGPU available? navigator.gpu is ' +
          (typeof navigator !== 'undefined' && (navigator as { gpu?: unknown }).gpu ? 'present' : 'missing') +
          ')'
        : device === 'webgl'
          ? ' (no WebGL context could be made)'
          : '';
    throw new BackendError('tfjsBackend', `the tfjs backend '${device}' failed to initialise${hint}`);
  }
  return new TfjsBackend({ device, validateIndices: options.validateIndices });
}

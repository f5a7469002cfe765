/**
 * The kernels' binaries, one lazily imported module per build (src/generated/wasm-<build>.ts,
 * written by scripts/build-wasm.mjs). Each `import()` names its module literally, so bundlers
 * (Vite, esbuild with splitting, webpack) emit one chunk per build and a page downloads only the
 * build it runs; Node and a plain browser page import the module beside this one.
 */
import type { KernelFeature } from './feature-detection.js';

type Build = 'scalar' | 'simd' | 'relaxed' | 'simd-threads' | 'relaxed-threads';

const importers: { readonly [build in Build]: () => Promise<{ base64: string }> } = {
  scalar: () => import('./generated/wasm-scalar.js'),
  simd: () => import('./generated/wasm-simd.js'),
  relaxed: () => import('./generated/wasm-relaxed.js'),
  'simd-threads': () => import('./generated/wasm-simd-threads.js'),
  'relaxed-threads': () => import('./generated/wasm-relaxed-threads.js'),
};

const decoded = new Map<Build, Promise<Uint8Array>>();

/**
 * The binary of one build (loaded and decoded once, then cached). `shared` picks the
 * worker-thread variant (imports a shared memory); there is none of the scalar build.
 * @example
 * ```ts
 * const bytes = await kernelBinary('simd');
 * bytes.length > 1000; // true
 * WebAssembly.validate(bytes); // true
 * ```
 */
export function kernelBinary(feature: KernelFeature, shared = false): Promise<Uint8Array> {
  if (feature !== 'scalar' && feature !== 'simd' && feature !== 'relaxed') {
    throw new Error(`kernels-wasm: kernelBinary: feature must be 'relaxed', 'simd' or 'scalar', got ${String(feature)}`);
  }
  let build: Build = feature;
  if (shared) {
    if (feature === 'scalar') throw new Error('kernels-wasm: there is no threaded scalar build');
    build = `${feature}-threads`;
  }
  let bytes = decoded.get(build);
  if (bytes === undefined) {
    bytes = importers[build]().then(({ base64 }) => decodeBase64(base64));
    decoded.set(build, bytes);
    // a failed import is not cached: the next call tries again
    bytes.catch(() => decoded.delete(build));
  }
  return bytes;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

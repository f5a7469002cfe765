/**
 * Picks which build of the kernels to run: relaxed SIMD, SIMD128 or scalar.
 *
 * Relaxed SIMD is validated natively by current Chromium and Node ≥ 22. Node 20's V8 has it
 * behind `--experimental-wasm-relaxed-simd`; the flag can be set from inside the process
 * before compiling, through `node:v8` obtained with `process.getBuiltinModule` (so nothing
 * is imported in browsers). Setting it is a process-wide change, which is why it is opt-out
 * (`allowV8Flag: false`) and reported in the reason.
 */
import { wasmBinariesBase64 } from './generated/wasm-binaries.js';

/** A build of the kernels module. */
export type KernelFeature = 'relaxed' | 'simd' | 'scalar';

/** What the loader chose and why, in words. */
export interface FeatureChoice {
  feature: KernelFeature;
  reason: string;
}

const decoded = new Map<string, Uint8Array>();

/**
 * The binary of one build, decoded from the inlined base64 (cached). `shared` picks the
 * worker-thread variant (imports a shared memory); there is none of the scalar build.
 */
export function kernelBinary(feature: KernelFeature, shared = false): Uint8Array {
  if (shared && feature === 'scalar') throw new Error('kernels-wasm: there is no threaded scalar build');
  const key = (shared ? `${feature}-threads` : feature) as keyof typeof wasmBinariesBase64;
  let bytes = decoded.get(key);
  if (bytes === undefined) {
    bytes = decodeBase64(wasmBinariesBase64[key]);
    decoded.set(key, bytes);
  }
  return bytes;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function validates(feature: KernelFeature): boolean {
  return WebAssembly.validate(kernelBinary(feature) as Uint8Array<ArrayBuffer>);
}

interface V8Module {
  setFlagsFromString(flags: string): void;
}

/** Tries to switch on relaxed SIMD in Node's V8; returns a reason string when it cannot. */
function enableRelaxedSimdInV8(): string | undefined {
  const processObject = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const getBuiltinModule = processObject?.getBuiltinModule;
  if (typeof getBuiltinModule !== 'function') return 'not Node (no process.getBuiltinModule)';
  const v8 = getBuiltinModule('node:v8') as V8Module | undefined;
  if (v8 === undefined || typeof v8.setFlagsFromString !== 'function') return 'node:v8 has no setFlagsFromString';
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return undefined;
}

/**
 * Chooses the build for `requested`. 'auto' takes the best that validates; naming a build
 * insists on it and throws when the engine rejects it.
 * @example
 * ```ts
 * const choice = chooseKernelFeature('auto');
 * // e.g. { feature: 'relaxed', reason: 'the engine validates relaxed SIMD' }
 * chooseKernelFeature('scalar'); // { feature: 'scalar', reason: 'scalar build requested' }
 * ```
 */
export function chooseKernelFeature(requested: 'auto' | KernelFeature, allowV8Flag = true): FeatureChoice {
  if (requested === 'scalar') return { feature: 'scalar', reason: 'scalar build requested' };
  if (requested === 'auto' || requested === 'relaxed') {
    if (validates('relaxed')) {
      return { feature: 'relaxed', reason: 'the engine validates relaxed SIMD' };
    }
    let whyNot = 'V8 flag not tried (allowV8Flag is false)';
    if (allowV8Flag) {
      const failure = enableRelaxedSimdInV8();
      if (failure === undefined && validates('relaxed')) {
        return {
          feature: 'relaxed',
          reason: 'relaxed SIMD validated after setting V8 flag --experimental-wasm-relaxed-simd',
        };
      }
      whyNot = failure ?? 'still rejected after setting V8 flag --experimental-wasm-relaxed-simd';
    }
    if (requested === 'relaxed') {
      throw new Error(`kernels-wasm: loadKernels: feature 'relaxed' requested but the engine rejects relaxed SIMD (${whyNot})`);
    }
    if (validates('simd')) {
      return { feature: 'simd', reason: `relaxed SIMD unavailable (${whyNot}); the engine validates SIMD128` };
    }
    return { feature: 'scalar', reason: `the engine rejects relaxed SIMD (${whyNot}) and SIMD128` };
  }
  if (validates('simd')) return { feature: 'simd', reason: 'SIMD128 build requested' };
  throw new Error(`kernels-wasm: loadKernels: feature 'simd' requested but the engine rejects SIMD128`);
}

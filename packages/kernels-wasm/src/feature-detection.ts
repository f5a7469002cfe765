/**
 * Picks which build of the kernels to run: relaxed SIMD, SIMD128 or scalar.
 *
 * Relaxed SIMD is validated natively by current Chromium and Node ≥ 22. Node 20's V8 has it
 * behind `--experimental-wasm-relaxed-simd`; the flag can be set from inside the process
 * before compiling, through `node:v8` obtained with `process.getBuiltinModule` (so nothing
 * is imported in browsers). Setting it is a process-wide change, which is why it is opt-out
 * (`allowV8Flag: false`) and reported in the reason.
 */

/** A build of the kernels module. */
export type KernelFeature = 'relaxed' | 'simd' | 'scalar';

/** What the loader chose and why, in words. */
export interface FeatureChoice {
  feature: KernelFeature;
  reason: string;
}

/** A module whose one function is 16 bytes of SIMD128 constant: `() => v128.const 0`. */
const SIMD_PROBE = probeModule([]);
/** The same with one relaxed-SIMD instruction (i8x16.relaxed_swizzle, opcode 0xfd 0x100). */
const RELAXED_PROBE = probeModule([0xfd, 0x0c, ...new Array<number>(16).fill(0), 0xfd, 0x80, 0x02]);

/** A module with one function `() -> v128` whose body is v128.const 0 then `extra`. */
function probeModule(extra: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), ...extra, 0x0b];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
    ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
    ...[0x0a, body.length + 2, 0x01, body.length, ...body], // code section
  ]);
}

/**
 * Whether the engine validates the build's instructions, checked on a small probe module (the
 * builds themselves load lazily: kernel-binary.ts).
 */
function validates(feature: 'simd' | 'relaxed'): boolean {
  return WebAssembly.validate(feature === 'relaxed' ? RELAXED_PROBE : SIMD_PROBE);
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

/**
 * The wasm backend's optimizer updates: `adamStep` for float32 as one SIMD pass
 * (assembly/optimizers-f32.ts) reading w, g, m and v in place and writing three fresh blocks;
 * the kernel also reports whether everything it wrote is finite, and outputs it vouches for
 * are remembered so the optimizer's all-or-nothing finiteness check (`allFinite`) needs no
 * second pass over them (`allFinite` checks the rest in one SIMD pass each). float64 (and a state with only one of m, v) runs the JavaScript
 * entry it overrides.
 */
import type { CpuHandle, FastPaths } from '@lec/tensor';
import type { WasmContext } from './context.js';

/** `{ adamStep }` of the wasm backend. */
export function wasmOptimizers(context: WasmContext): Pick<FastPaths<CpuHandle>, 'adamStep' | 'allFinite'> {
  const fallback = context.js.adamStep!;
  return {
    /** float32 in one SIMD pass per handle not already known finite; float64 in a JavaScript loop. */
    allFinite(handles, dtype) {
      if (dtype !== 'float32') {
        for (const h of handles) {
          const x = context.store.get(h);
          for (let i = 0; i < x.length; i++) if (x[i] - x[i] !== 0) return false;
        }
        return true;
      }
      return context.run(() => {
        for (const h of handles) {
          if (context.knownFinite.has(h)) continue;
          const n = context.store.get(h).length;
          if (n > 0 && context.exports.all_finite_f32(context.pointerOf(h), n) !== 1) return false;
        }
        return true;
      });
    },
    adamStep(w, g, m, v, size, p, dtype) {
      if (dtype !== 'float32' || (m === null) !== (v === null)) return fallback(w, g, m, v, size, p, dtype);
      return context.run(() => {
        const w1 = context.allocF32(size);
        const m1 = context.allocF32(size);
        const v1 = context.allocF32(size);
        if (size === 0) return { w: w1.handle, m: m1.handle, v: v1.handle };
        const hasState = m !== null && v !== null;
        const finite = context.exports.adam_step_f32(
          size,
          context.pointerOf(w),
          context.pointerOf(g),
          hasState ? context.pointerOf(m) : 0,
          hasState ? context.pointerOf(v) : 0,
          w1.ptr,
          m1.ptr,
          v1.ptr,
          p.beta1,
          p.beta2,
          p.stepSize,
          p.epsilon,
          p.weightDecay,
          p.decay,
          hasState ? 1 : 0,
        );
        if (finite === 1) for (const h of [w1.handle, m1.handle, v1.handle]) context.knownFinite.add(h);
        return { w: w1.handle, m: m1.handle, v: v1.handle };
      });
    },
  };
}

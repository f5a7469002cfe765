/**
 * The wasm backend's optimizer updates: `adamStep`, `sgdStep` and `rmspropStep` for float32 as one SIMD pass each
 * (assembly/optimizers-f32.ts) reading w, g, m and v in place and writing three fresh blocks;
 * the kernel also reports whether everything it wrote is finite, and outputs it vouches for
 * are remembered so the optimizer's all-or-nothing finiteness check (`allFinite`) needs no
 * second pass over them (`allFinite` checks the rest in one SIMD pass each). float64 (and a state with only one of m, v) runs the JavaScript
 * entry it overrides.
 */
import type { CpuHandle, FastPaths } from '@lec/tensor';
import type { WasmContext } from './context.js';

/**
 * Work per element in flop-equivalents (ns per element on one thread × 50 GFLOP/s), for the
 * split over threads (`WasmKernels.splitRange`): Adam 1.3–1.7 ns, SGD with momentum 0.8–1.0 ns
 * (scratch elem-cost.mjs, one thread, loaded). Ranges of elements give the same bits on any
 * thread count (each element's update reads only that element).
 */
const ADAM_COST = 65;
const SGD_COST = 40;
const RMSPROP_COST = 60;

/** The pointers moved `begin` floats on (0, no operand, stays 0). */
function offset(pointers: readonly number[], begin: number): number[] {
  return pointers.map((p) => (p === 0 ? 0 : p + begin * 4));
}

/** 1 when every range reported all of its outputs finite. */
function allOne(results: readonly number[]): number {
  return results.every((r) => r === 1) ? 1 : 0;
}

/** `{ adamStep }` of the wasm backend. */
export function wasmOptimizers(context: WasmContext): Pick<FastPaths<CpuHandle>, 'adamStep' | 'sgdStep' | 'rmspropStep' | 'allFinite'> {
  const fallback = context.js.adamStep!;
  const sgdFallback = context.js.sgdStep!;
  const rmspropFallback = context.js.rmspropStep!;
  return {
    /** float32 in one SIMD pass (rmsprop_step_f32), bit-identical to rmspropUpdate's composite; float64 in the JavaScript loop. */
    rmspropStep(w, g, s, d, size, p, dtype) {
      if (dtype !== 'float32') return rmspropFallback(w, g, s, d, size, p, dtype);
      const useMomentum = p.momentum !== 0;
      return context.run(() => {
        const w1 = context.allocF32(size);
        const s1 = context.allocF32(size);
        const d1 = useMomentum ? context.allocF32(size) : null;
        const result = () => ({ w: w1.handle, s: s1.handle, d: d1?.handle ?? null });
        if (size === 0) return result();
        const flags = (s !== null ? 1 : 0) | (d !== null ? 2 : 0) | (useMomentum ? 4 : 0);
        const ptrs = [
          context.pointerOf(w),
          context.pointerOf(g),
          s === null ? 0 : context.pointerOf(s),
          d === null ? 0 : context.pointerOf(d),
          w1.ptr,
          s1.ptr,
          d1 === null ? 0 : d1.ptr,
        ];
        const scalars = [p.learningRate, p.rho, 1 - p.rho, p.epsilon, p.momentum, p.weightDecay, flags];
        const finite = allOne(
          context.kernels.splitRange(size, RMSPROP_COST, (begin, count) => ({
            kernel: 'rmsprop_step_f32',
            args: [count, ...offset(ptrs, begin), ...scalars],
          })),
        );
        if (finite === 1) for (const h of [w1.handle, s1.handle, d1?.handle]) if (h !== undefined) context.knownFinite.add(h);
        return result();
      });
    },
    /** float32 in one SIMD pass (sgd_step_f32), bit-identical to sgdUpdate's composite; float64 in the JavaScript loop. */
    sgdStep(w, g, b, size, p, dtype) {
      if (dtype !== 'float32') return sgdFallback(w, g, b, size, p, dtype);
      const useMomentum = p.momentum !== 0;
      return context.run(() => {
        const w1 = context.allocF32(size);
        const b1 = useMomentum ? context.allocF32(size) : null;
        if (size === 0) return { w: w1.handle, b: b1?.handle ?? null };
        const flags = (b !== null ? 1 : 0) | (p.nesterov ? 2 : 0) | (useMomentum ? 4 : 0);
        const ptrs = [context.pointerOf(w), context.pointerOf(g), b === null ? 0 : context.pointerOf(b), w1.ptr, b1 === null ? 0 : b1.ptr];
        const scalars = [p.learningRate, p.momentum, p.weightDecay, flags];
        const finite = allOne(
          context.kernels.splitRange(size, SGD_COST, (begin, count) => ({
            kernel: 'sgd_step_f32',
            args: [count, ...offset(ptrs, begin), ...scalars],
          })),
        );
        if (finite === 1) for (const h of b1 === null ? [w1.handle] : [w1.handle, b1.handle]) context.knownFinite.add(h);
        return { w: w1.handle, b: b1?.handle ?? null };
      });
    },
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
        const ptrs = [
          context.pointerOf(w),
          context.pointerOf(g),
          hasState ? context.pointerOf(m) : 0,
          hasState ? context.pointerOf(v) : 0,
          w1.ptr,
          m1.ptr,
          v1.ptr,
        ];
        const scalars = [p.beta1, p.beta2, p.stepSize, p.epsilon, p.weightDecay, p.decay, hasState ? 1 : 0];
        const finite = allOne(
          context.kernels.splitRange(size, ADAM_COST, (begin, count) => ({
            kernel: 'adam_step_f32',
            args: [count, ...offset(ptrs, begin), ...scalars],
          })),
        );
        if (finite === 1) for (const h of [w1.handle, m1.handle, v1.handle]) context.knownFinite.add(h);
        return { w: w1.handle, m: m1.handle, v: v1.handle };
      });
    },
  };
}

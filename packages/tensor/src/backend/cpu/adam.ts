/**
 * The fused Adam step of the CPU backends: one loop over the values (see `FastPaths.adamStep`
 * for the update). Not on the f64 reference, which composes it.
 */
import type { DType } from '../../dtype.js';
import type { AdamStepParams, FastPaths } from '../v1.js';
import type { CpuHandle, CpuStore } from './store.js';

/**
 * `{ adamStep }` for a record over `store`.
 * @example
 * ```ts
 * const b = jsBackend();
 * const params = { beta1: 0.9, beta2: 0.999, stepSize: 0.1, epsilon: 0, weightDecay: 0, decay: 0 };
 * const r = cpuAdam(b).adamStep!(b.fromArray([1], 'float32'), b.fromArray([2], 'float32'), null, null, 1, params, 'float32');
 * b.read(r.w, 'float32'); // ≈ Float32Array [0.6838]
 * ```
 */
export function cpuAdam(store: CpuStore): Pick<FastPaths<CpuHandle>, 'adamStep'> {
  return {
    adamStep(
      w: CpuHandle,
      g: CpuHandle,
      m: CpuHandle | null,
      v: CpuHandle | null,
      size: number,
      p: AdamStepParams,
      dtype: DType,
    ): { w: CpuHandle; m: CpuHandle; v: CpuHandle } {
      const W = store.get(w);
      const G = store.get(g);
      const M = m === null ? null : store.get(m);
      const V = v === null ? null : store.get(v);
      const w1 = store.array(dtype, size);
      const m1 = store.array(dtype, size);
      const v1 = store.array(dtype, size);
      const { beta1, beta2, stepSize, epsilon, weightDecay, decay } = p;
      const c1 = 1 - beta1;
      const c2 = 1 - beta2;
      for (let i = 0; i < size; i++) {
        const wi = W[i];
        // the penalty only when set: 0·w would turn an infinite weight into NaN
        const gi = weightDecay === 0 ? G[i] : G[i] + weightDecay * wi;
        const mi = M === null ? c1 * gi : beta1 * M[i] + c1 * gi;
        const vi = V === null ? c2 * gi * gi : beta2 * V[i] + c2 * gi * gi;
        m1[i] = mi;
        v1[i] = vi;
        // m and v as stored (rounded to the dtype), like the composite
        const step = (stepSize * m1[i]) / (Math.sqrt(v1[i]) + epsilon);
        w1[i] = decay === 0 ? wi - step : wi - step - decay * wi;
      }
      return { w: store.make(w1), m: store.make(m1), v: store.make(v1) };
    },
  };
}

/**
 * The fused SGD step of the CPU backends: one loop over the values (see `FastPaths.sgdStep`
 * for the update), each product and sum rounded to the dtype as sgdUpdate's composite rounds
 * them, so the two agree bit for bit. Not on the f64 reference, which composes it.
 */
import type { DType } from '../../dtype.js';
import type { FastPaths, SgdStepParams } from '../v1.js';
import type { CpuHandle, CpuStore } from './store.js';

/**
 * `{ sgdStep }` for a record over `store`.
 * @example
 * ```ts
 * const b = jsBackend();
 * const params = { learningRate: 0.5, momentum: 0.9, nesterov: false, weightDecay: 0 };
 * const r = cpuSgd(b).sgdStep!(b.fromArray([1], 'float32'), b.fromArray([2], 'float32'), b.fromArray([1], 'float32'), 1, params, 'float32');
 * [b.read(r.w, 'float32')[0], b.read(r.b!, 'float32')[0]]; // ≈ [-0.45, 2.9]
 * ```
 */
export function cpuSgd(store: CpuStore): Pick<FastPaths<CpuHandle>, 'sgdStep'> {
  return {
    sgdStep(
      w: CpuHandle,
      g: CpuHandle,
      b: CpuHandle | null,
      size: number,
      p: SgdStepParams,
      dtype: DType,
    ): { w: CpuHandle; b: CpuHandle | null } {
      const round = dtype === 'float32' ? Math.fround : (x: number) => x;
      const W = store.get(w);
      const G = store.get(g);
      const B = b === null ? null : store.get(b);
      const [lr, mu, wd] = [round(p.learningRate), round(p.momentum), round(p.weightDecay)];
      const w1 = store.array(dtype, size);
      const b1 = mu === 0 ? null : store.array(dtype, size);
      for (let i = 0; i < size; i++) {
        // the penalty only when set: 0·w would turn an infinite weight into NaN
        const gi = wd === 0 ? G[i] : round(G[i] + round(W[i] * wd));
        let d = gi;
        if (b1 !== null) {
          const bi = B === null ? gi : round(round(B[i] * mu) + gi);
          b1[i] = bi;
          d = p.nesterov ? round(gi + round(bi * mu)) : bi;
        }
        w1[i] = W[i] - round(d * lr);
      }
      return { w: store.make(w1), b: b1 === null ? null : store.make(b1) };
    },
  };
}

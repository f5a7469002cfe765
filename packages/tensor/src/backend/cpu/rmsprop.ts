/**
 * The fused RMSprop step of the CPU backends: one loop over the values (see
 * `FastPaths.rmspropStep` for the update), each operation rounded to the dtype as
 * rmspropUpdate's composite rounds it, so the two agree bit for bit. Not on the f64
 * reference, which composes it.
 */
import type { DType } from '../../dtype.js';
import type { FastPaths, RmspropStepParams } from '../v1.js';
import type { CpuHandle, CpuStore } from './store.js';

/**
 * `{ rmspropStep }` for a record over `store`.
 * @example
 * ```ts
 * const b = jsBackend();
 * const params = { learningRate: 0.1, rho: 0.75, epsilon: 0, momentum: 0, weightDecay: 0 };
 * const r = cpuRmsprop(b).rmspropStep!(b.fromArray([1], 'float32'), b.fromArray([2], 'float32'), null, null, 1, params, 'float32');
 * [b.read(r.w, 'float32')[0], b.read(r.s, 'float32')[0]]; // ≈ [0.8, 1]
 * ```
 */
export function cpuRmsprop(store: CpuStore): Pick<FastPaths<CpuHandle>, 'rmspropStep'> {
  return {
    rmspropStep(
      w: CpuHandle,
      g: CpuHandle,
      s: CpuHandle | null,
      d: CpuHandle | null,
      size: number,
      p: RmspropStepParams,
      dtype: DType,
    ): { w: CpuHandle; s: CpuHandle; d: CpuHandle | null } {
      const round = dtype === 'float32' ? Math.fround : (x: number) => x;
      const [W, G] = [store.get(w), store.get(g)];
      const S = s === null ? null : store.get(s);
      const D = d === null ? null : store.get(d);
      const [lr, rho, c, eps, mu, wd] = [p.learningRate, p.rho, 1 - p.rho, p.epsilon, p.momentum, p.weightDecay].map(round);
      const w1 = store.array(dtype, size);
      const s1 = store.array(dtype, size);
      const d1 = mu === 0 ? null : store.array(dtype, size);
      for (let i = 0; i < size; i++) {
        // the penalty only when set: 0·w would turn an infinite weight into NaN
        const gi = wd === 0 ? G[i] : round(G[i] + round(W[i] * wd));
        const sq = round(round(gi * gi) * c);
        const si = S === null ? sq : round(round(S[i] * rho) + sq);
        s1[i] = si;
        let q = round(gi / round(round(Math.sqrt(si)) + eps));
        if (d1 !== null) {
          if (D !== null) q = round(round(D[i] * mu) + q);
          d1[i] = q;
        }
        w1[i] = W[i] - round(q * lr);
      }
      return { w: store.make(w1), s: store.make(s1), d: d1 === null ? null : store.make(d1) };
    },
  };
}

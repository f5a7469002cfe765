/**
 * The `biasActivationBackward` fast path of the CPU backends: dz = dy·act'(y) and the bias
 * gradient (the column sums of dz, row by row) in one loop over dy, each product rounded to the
 * dtype as the activation's composite rounds it, so dz is the composite's bit for bit.
 */
import type { DType } from '../../dtype.js';
import type { FastPaths } from '../v1.js';
import type { CpuHandle, CpuStore } from './store.js';

/**
 * `{ biasActivationBackward }` for a record over `store`.
 * @example
 * ```ts
 * const b = jsBackend();
 * const f = cpuBiasActivation(b).biasActivationBackward!;
 * const r = f('relu', b.fromArray([1, 2, 3, 4], 'float32'), b.fromArray([0, 1, 2, 0], 'float32'), 2, 2, true, 'float32');
 * [Array.from(b.read(r.dz, 'float32')), Array.from(b.read(r.dbias!, 'float32'))]; // [[0, 2, 3, 0], [3, 2]]
 * ```
 */
export function cpuBiasActivation(store: CpuStore): Pick<FastPaths<CpuHandle>, 'biasActivationBackward'> {
  return {
    biasActivationBackward(activation, dy, y, m, n, bias, dtype: DType) {
      const round = dtype === 'float32' ? Math.fround : (x: number) => x;
      const D = store.get(dy);
      const Y = store.get(y);
      const dz = store.array(dtype, m * n);
      const db = bias ? store.array(dtype, n) : null;
      const code = activation === 'relu' ? 1 : activation === 'sigmoid' ? 2 : 3;
      for (let r = 0; r < m; r++) {
        for (let c = 0; c < n; c++) {
          const i = r * n + c;
          const s = Y[i];
          const g = D[i];
          const v = code === 1 ? g * (s > 0 ? 1 : s !== s ? s : 0) : code === 2 ? g * round(s * round(1 - s)) : g * round(1 - round(s * s));
          dz[i] = v;
          if (db !== null) db[c] = r === 0 ? dz[i] : round(db[c] + dz[i]);
        }
      }
      return { dz: store.make(dz), dbias: db === null ? null : store.make(db) };
    },
  };
}

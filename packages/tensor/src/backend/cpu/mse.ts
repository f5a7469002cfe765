/**
 * The `meanSquaredError` fast path of the CPU backends: the loss and its gradient in one loop
 * over prediction and target (the sum of squares in float64, rounded once to the dtype).
 */
import type { DType } from '../../dtype.js';
import type { FastPaths } from '../v1.js';
import type { CpuHandle, CpuStore } from './store.js';

/**
 * `{ meanSquaredError }` for a record over `store`.
 * @example
 * ```ts
 * const b = jsBackend();
 * const r = cpuMse(b).meanSquaredError!(b.fromArray([1, 2], 'float32'), b.fromArray([1, 4], 'float32'), 2, 'float32');
 * [b.read(r.loss, 'float32')[0], Array.from(b.read(r.dprediction, 'float32'))]; // [2, [0, -2]]
 * ```
 */
export function cpuMse(store: CpuStore): Pick<FastPaths<CpuHandle>, 'meanSquaredError'> {
  return {
    meanSquaredError(prediction, target, size, dtype: DType) {
      const round = dtype === 'float32' ? Math.fround : (x: number) => x;
      const P = store.get(prediction);
      const T = store.get(target);
      const dp = store.array(dtype, size);
      const scale = round(2 / size);
      let total = 0;
      for (let i = 0; i < size; i++) {
        const d = round(P[i] - T[i]);
        total += d * d;
        dp[i] = d * scale;
      }
      const loss = store.array(dtype, 1);
      loss[0] = total / size;
      return { loss: store.make(loss), dprediction: store.make(dp) };
    },
  };
}

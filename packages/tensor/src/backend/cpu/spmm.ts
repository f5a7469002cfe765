/**
 * The sparse × dense fast path of the CPU backends: CSR [rows, cols] × dense [cols, n] →
 * [rows, n], row by row, accumulated in float64. One loop for every CPU backend (the wasm
 * backend runs it for float64).
 */
import type { FastPaths, SpmmArgs } from '../v1.js';
import type { CpuHandle, CpuStore } from './store.js';

/**
 * `{ spmm }` for a record over `store`: out[r, :] = Σ_p values[p]·dense[colIdx[p], :] over
 * row r's entries.
 * @example
 * ```ts
 * const b = jsBackend();
 * const h = (xs: number[], d: DType) => b.fromArray(xs, d);
 * const out = b.fastPaths.spmm!({ rowPtr: h([0, 1, 2], 'int32'), colIdx: h([1, 0], 'int32'), values: h([2, 3], 'float32'), rows: 2, cols: 2, dense: h([1, 10], 'float32'), n: 1, dtype: 'float32' });
 * b.read(out, 'float32'); // Float32Array [20, 3]
 * ```
 */
export function cpuSpmm(store: CpuStore): Pick<FastPaths<CpuHandle>, 'spmm'> {
  return {
    spmm({ rowPtr, colIdx, values, rows, dense, n, dtype }: SpmmArgs<CpuHandle>): CpuHandle {
      const ptr = store.get(rowPtr);
      const idx = store.get(colIdx);
      const val = store.get(values);
      const X = store.get(dense);
      const out = store.array(dtype, rows * n);
      const acc = new Float64Array(n);
      for (let r = 0; r < rows; r++) {
        acc.fill(0);
        for (let p = ptr[r]; p < ptr[r + 1]; p++) {
          const v = val[p];
          const base = idx[p] * n;
          for (let j = 0; j < n; j++) acc[j] += v * X[base + j];
        }
        out.set(acc, r * n);
      }
      return store.make(out);
    },
  };
}

/**
 * The wasm backend's sparse × dense product: the CSR structure is checked the first time its
 * handles are seen, then float32 runs in wasm (from a resident arena copy of the sparse matrix
 * when the budget allows); float64 runs the JavaScript loop of the record it overrides.
 */
import type { CpuHandle, FastPaths } from '@lec/tensor';
import { type WasmContext, f32, out32 } from './context.js';

/** `{ spmm }` of the wasm backend. */
export function wasmSpmm(context: WasmContext): Pick<FastPaths<CpuHandle>, 'spmm'> {
  const { store, kernels, js } = context;
  const resident = context.csrs;
  const fallback = js.spmm!;
  return {
    spmm(args) {
      const { rowPtr, colIdx, values, rows, cols, dense, n, dtype } = args;
      const entry = resident.csrEntry(rowPtr, colIdx, values, rows, cols);
      if (dtype !== 'float32') return fallback(args);
      const rp = store.get(rowPtr) as Int32Array;
      const ci = store.get(colIdx) as Int32Array;
      const vals = store.get(values) as Float32Array;
      const x = f32(context, dense);
      const out = out32(context, rows * n);
      const csr = resident.residentCsrOf(entry, rp, ci, vals);
      if (csr !== null) return store.make(kernels.spmmResident(csr, x, n, out));
      return store.make(kernels.spmm(rp, ci, vals, rows, cols, x, n, out));
    },
  };
}

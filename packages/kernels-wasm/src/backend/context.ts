/**
 * What the wasm fast-path modules share: the CPU store the tensors live in, the kernels, the
 * resident arena copies, and the JavaScript record they fall back to for float64.
 */
import { BackendError, type CpuBackend, type CpuHandle, type DType, type FastPaths, type TypedArray } from '@lec/tensor';
import type { WasmKernels } from '../wasm-kernels.js';
import type { ResidentOperands } from './resident-operands.js';

export interface WasmContext {
  store: CpuBackend;
  kernels: WasmKernels;
  resident: ResidentOperands;
  /** The js backend's record over `store` (what wasm spreads and overrides). */
  js: FastPaths<CpuHandle>;
}

/** The Float32Array behind a handle. */
export function f32(context: WasmContext, h: CpuHandle): Float32Array {
  return context.store.get(h) as Float32Array;
}

/** A float32 output array of `size` for a kernel that writes all of it (recycled, not zeroed, when one fits). */
export function out32(context: WasmContext, size: number): Float32Array {
  return context.store.arrayToOverwrite('float32', size) as Float32Array;
}

/** Runs a JavaScript kernel into a fresh array of `dtype` (float32 or float64). */
export function runJs(context: WasmContext, dtype: DType, size: number, run: (out: TypedArray) => void): CpuHandle {
  if (dtype === 'int32') throw new BackendError('wasm', `dtype 'int32' is not supported by this kernel (float32 or float64 only)`);
  const out = context.store.array(dtype, size);
  run(out);
  return context.store.make(out);
}

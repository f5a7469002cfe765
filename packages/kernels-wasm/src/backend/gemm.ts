/**
 * The wasm backend's products: the required `matmul` (batched, both transposes) and the
 * `gemm` fast path (+ bias + activation) in wasm for float32, reading the operands where they
 * live in linear memory and writing a fresh block (no copy in or out); float64 runs the CPU
 * store's matmul and applies bias and activation in JavaScript; int32 gemm is refused.
 */
import { BackendError, type CpuHandle, type DType, type FastPaths, type MatmulDims } from '@lec/tensor';
import { biasActivationJs } from '../js-kernels.js';
import { gemmPointers } from '../kernels/gemm.js';
import { UNARY_CODES } from '../kernels/elementwise.js';
import { activationCode } from '../kernels/shared.js';
import type { WasmContext } from './context.js';

/** The required matmul primitive of the wasm backend. */
export function wasmMatmul(context: WasmContext): (a: CpuHandle, b: CpuHandle, dims: MatmulDims, dtype: DType) => CpuHandle {
  const { store, kernels } = context;
  return (a, b, dims, dtype) => {
    if (dtype !== 'float32') return store.matmul(a, b, dims, dtype);
    const { batch, aBatch, bBatch, m, n, k, transposeA, transposeB } = dims;
    return context.run(() => {
      const { handle, ptr: pc } = context.allocF32(batch * m * n);
      if (batch * m * n === 0) return handle;
      const pa = context.pointerOf(a);
      const pb = context.pointerOf(b);
      for (let t = 0; t < batch; t++) {
        const at = pa + (aBatch === 1 ? 0 : t * m * k) * 4;
        const bt = pb + (bBatch === 1 ? 0 : t * k * n) * 4;
        const ct = pc + t * m * n * 4;
        gemmPointers(kernels, m, n, k, at, transposeA ? m : k, transposeA, bt, transposeB ? k : n, transposeB, ct, n, 0, 0, false);
      }
      return handle;
    });
  };
}

/** `{ gemm }` of the wasm backend. */
export function wasmGemm(context: WasmContext): Pick<FastPaths<CpuHandle>, 'gemm'> {
  const { store, kernels } = context;
  return {
    gemm(a, b, bias, dims, activation, dtype) {
      const { m, n, k, transposeA, transposeB } = dims;
      if (dtype === 'float32') {
        const code = activationCode('gemm', activation);
        return context.run(() => {
          const { handle, ptr: pc } = context.allocF32(m * n);
          if (m * n === 0) return handle;
          const pa = context.pointerOf(a);
          const pb = context.pointerOf(b);
          const pbias = bias === null ? 0 : context.pointerOf(bias);
          // sigmoid and tanh: the SIMD unary kernel in place on the output after the product
          // (the GEMM epilogue's are scalar), the activation op's result bit for bit
          const simd = activation === 'sigmoid' || activation === 'tanh';
          gemmPointers(
            kernels,
            m,
            n,
            k,
            pa,
            transposeA ? m : k,
            transposeA,
            pb,
            transposeB ? k : n,
            transposeB,
            pc,
            n,
            pbias,
            simd ? 0 : code,
            false,
          );
          if (simd) context.exports.unary_f32(UNARY_CODES[activation], pc, pc, m * n);
          return handle;
        });
      }
      if (dtype === 'int32') throw new BackendError('wasm', `gemm: dtype 'int32' is not supported (use matmul)`);
      const product = store.matmul(a, b, { batch: 1, aBatch: 1, bBatch: 1, m, n, k, transposeA, transposeB }, dtype);
      biasActivationJs(store.get(product), m, n, bias === null ? null : store.get(bias), activation);
      return product;
    },
  };
}

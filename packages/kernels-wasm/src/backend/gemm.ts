/**
 * The wasm backend's products: the required `matmul` (batched, both transposes) and the
 * `gemm` fast path (+ bias + activation) in wasm for float32, with large operands read from
 * their resident arena copies; float64 runs the CPU store's matmul and applies bias and
 * activation in JavaScript; int32 gemm is refused.
 */
import { BackendError, type CpuHandle, type DType, type FastPaths, type MatmulDims } from '@lec/tensor';
import { biasActivationJs } from '../js-kernels.js';
import { type WasmContext, f32, out32 } from './context.js';

/** The required matmul primitive of the wasm backend. */
export function wasmMatmul(context: WasmContext): (a: CpuHandle, b: CpuHandle, dims: MatmulDims, dtype: DType) => CpuHandle {
  const { store, kernels, resident } = context;
  return (a, b, dims, dtype) => {
    if (dtype !== 'float32') return store.matmul(a, b, dims, dtype);
    const { k, n, transposeB } = dims;
    const bOperand = dims.bBatch === 1 ? resident.operand(b, { k, n, transB: transposeB }) : resident.operand(b);
    return store.make(kernels.matmul(resident.operand(a), bOperand, dims, out32(context, dims.batch * dims.m * dims.n)));
  };
}

/** `{ gemm }` of the wasm backend. */
export function wasmGemm(context: WasmContext): Pick<FastPaths<CpuHandle>, 'gemm'> {
  const { store, kernels, resident } = context;
  return {
    gemm(a, b, bias, dims, activation, dtype) {
      const { m, n, k, transposeA, transposeB } = dims;
      if (dtype === 'float32') {
        const biasData = bias === null ? undefined : f32(context, bias);
        return store.make(
          kernels.gemm(resident.operand(a), resident.operand(b, { k, n, transB: transposeB }), m, n, k, {
            transA: transposeA,
            transB: transposeB,
            bias: biasData,
            activation,
            out: out32(context, m * n),
          }),
        );
      }
      if (dtype === 'int32') throw new BackendError('wasm', `gemm: dtype 'int32' is not supported (use matmul)`);
      const product = store.matmul(a, b, { batch: 1, aBatch: 1, bBatch: 1, m, n, k, transposeA, transposeB }, dtype);
      biasActivationJs(store.get(product), m, n, bias === null ? null : store.get(bias), activation);
      return product;
    },
  };
}

/**
 * The wasm backend's elementwise and reduction primitives: `unary`, `binary`, `where` and
 * `reduce` run the SIMD kernels of assembly/elementwise-f32.ts and reduce-f32.ts for float32
 * (kernels/elementwise.ts and kernels/reduce.ts plan the broadcast and the axes); float64 and
 * int32 stay on the CPU store's JavaScript loops.
 */
import { type CpuHandle, type RequiredPrimitives, sizeOf } from '@lec/tensor';
import { binaryArray, isComparison, unaryArray, whereArray } from '../kernels/elementwise.js';
import { reduceArray } from '../kernels/reduce.js';
import { type WasmContext, f32 } from './context.js';

/** `{ unary, binary, where, reduce }` of the wasm backend. */
export function wasmElementwise(context: WasmContext): Pick<RequiredPrimitives<CpuHandle>, 'unary' | 'binary' | 'where' | 'reduce'> {
  const { store, kernels } = context;
  return {
    unary(op, x, size, dtype) {
      const data = store.get(x);
      if (dtype !== 'float32' || data.length !== size) return store.unary(op, x, size, dtype);
      const out = store.arrayToOverwrite('float32', size) as Float32Array;
      return store.make(unaryArray(kernels, op, data as Float32Array, out));
    },
    binary(args) {
      const { op, a, b, outShape, dtype } = args;
      if (dtype !== 'float32') return store.binary(args);
      const out = store.arrayToOverwrite(isComparison(op) ? 'int32' : 'float32', sizeOf(outShape)) as Float32Array | Int32Array;
      return store.make(binaryArray(kernels, op, f32(context, a.handle), a.shape, f32(context, b.handle), b.shape, outShape, out));
    },
    where(args) {
      const { cond, a, b, outShape, dtype } = args;
      if (dtype !== 'float32') return store.where(args);
      const c = store.get(cond.handle) as Int32Array;
      const out = store.arrayToOverwrite('float32', sizeOf(outShape)) as Float32Array;
      return store.make(
        whereArray(kernels, c, cond.shape, f32(context, a.handle), a.shape, f32(context, b.handle), b.shape, outShape, out),
      );
    },
    reduce(op, x, shape, axes, dtype) {
      if (dtype !== 'float32') return store.reduce(op, x, shape, axes, dtype);
      const outSize = shape.reduce((n, d, i) => (axes.includes(i) ? n : n * d), 1);
      const out = store.arrayToOverwrite('float32', outSize) as Float32Array;
      return store.make(reduceArray(kernels, op, f32(context, x), shape, axes, out));
    },
  };
}

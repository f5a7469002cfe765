/**
 * The wasm backend's elementwise and reduction primitives: `unary`, `binary`, `where` and
 * `reduce` run the SIMD kernels of assembly/elementwise-f32.ts and reduce-f32.ts for float32,
 * in place on the tensors' blocks of linear memory (kernels/elementwise.ts and
 * kernels/reduce.ts plan the broadcast and the axes); float64 and int32 stay on the CPU store's
 * JavaScript loops. The int32 operands of float32 ops (comparison results, `where`'s
 * condition) go through arena scratch memory.
 */
import { type CpuHandle, type RequiredPrimitives, sizeOf } from '@lec/tensor';
import { binaryPointers, isComparison, unaryPointers, wherePointers } from '../kernels/elementwise.js';
import { reducePointers } from '../kernels/reduce.js';
import type { WasmContext } from './context.js';

/** `{ unary, binary, where, reduce }` of the wasm backend. */
export function wasmElementwise(context: WasmContext): Pick<RequiredPrimitives<CpuHandle>, 'unary' | 'binary' | 'where' | 'reduce'> {
  const { store, kernels } = context;
  const arena = kernels.arena;
  return {
    unary(op, x, size, dtype) {
      if (dtype !== 'float32' || store.get(x).length !== size) return store.unary(op, x, size, dtype);
      return context.run(() => {
        const out = context.allocF32(size);
        unaryPointers(kernels, op, context.pointerOf(x), out.ptr, size);
        return out.handle;
      });
    },
    binary(args) {
      const { op, a, b, outShape, dtype } = args;
      if (dtype !== 'float32') return store.binary(args);
      const n = sizeOf(outShape);
      return context.run(() => {
        if (!isComparison(op)) {
          const out = context.allocF32(n);
          binaryPointers(
            kernels,
            op,
            { ptr: context.pointerOf(a.handle), shape: a.shape },
            { ptr: context.pointerOf(b.handle), shape: b.shape },
            out.ptr,
            outShape,
          );
          return out.handle;
        }
        const ptr = arena.alloc(n * 4, 16);
        binaryPointers(
          kernels,
          op,
          { ptr: context.pointerOf(a.handle), shape: a.shape },
          { ptr: context.pointerOf(b.handle), shape: b.shape },
          ptr,
          outShape,
        );
        const data = store.arrayToOverwrite('int32', n);
        data.set(arena.i32(ptr, n));
        return store.make(data);
      });
    },
    where(args) {
      const { cond, a, b, outShape, dtype } = args;
      if (dtype !== 'float32') return store.where(args);
      return context.run(() => {
        const out = context.allocF32(sizeOf(outShape));
        const c = store.get(cond.handle);
        const pc = arena.alloc(c.length * 4, 16);
        arena.i32(pc, c.length).set(c);
        wherePointers(
          kernels,
          { ptr: pc, shape: cond.shape },
          { ptr: context.pointerOf(a.handle), shape: a.shape },
          { ptr: context.pointerOf(b.handle), shape: b.shape },
          out.ptr,
          outShape,
        );
        return out.handle;
      });
    },
    reduce(op, x, shape, axes, dtype) {
      if (dtype !== 'float32') return store.reduce(op, x, shape, axes, dtype);
      const outSize = shape.reduce((n, d, i) => (axes.includes(i) ? n : n * d), 1);
      return context.run(() => {
        const out = context.allocF32(outSize);
        reducePointers(kernels, op, context.pointerOf(x), shape, axes, out.ptr);
        return out.handle;
      });
    },
  };
}

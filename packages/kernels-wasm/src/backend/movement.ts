/**
 * The wasm backend's data movement for float32: `transpose`, `concat`, `slice` and
 * `broadcastTo` as strided copies in linear memory (kernels/movement.ts), `gather` and
 * `scatterAdd` along an axis (kernels/gather.ts); other dtypes stay on the CPU store's
 * JavaScript loops.
 */
import { type CpuHandle, type RequiredPrimitives, sizeOf } from '@lec/tensor';
import { checkIndices, gatherPointers, indicesOnArena, scatterAddPointers } from '../kernels/gather.js';
import { broadcastToPointers, concatPointers, slicePointers, transposePointers } from '../kernels/movement.js';
import type { WasmContext } from './context.js';

/** `{ transpose, concat, slice, broadcastTo, gather, scatterAdd }` of the wasm backend. */
export function wasmMovement(
  context: WasmContext,
): Pick<RequiredPrimitives<CpuHandle>, 'transpose' | 'concat' | 'slice' | 'broadcastTo' | 'gather' | 'scatterAdd'> {
  const { store, kernels } = context;
  return {
    transpose(x, shape, perm, dtype) {
      if (dtype !== 'float32') return store.transpose(x, shape, perm, dtype);
      return context.run(() => {
        const out = context.allocF32(sizeOf(shape));
        transposePointers(kernels, context.pointerOf(x), shape, perm, out.ptr);
        return out.handle;
      });
    },
    concat(xs, shapes, axis, dtype) {
      if (dtype !== 'float32') return store.concat(xs, shapes, axis, dtype);
      const size = shapes.reduce((n, s) => n + sizeOf(s), 0);
      return context.run(() => {
        const out = context.allocF32(size);
        concatPointers(
          kernels,
          xs.map((x) => context.pointerOf(x)),
          shapes,
          axis,
          out.ptr,
        );
        return out.handle;
      });
    },
    slice(x, shape, begin, size, dtype) {
      if (dtype !== 'float32') return store.slice(x, shape, begin, size, dtype);
      return context.run(() => {
        const out = context.allocF32(sizeOf(size));
        slicePointers(kernels, context.pointerOf(x), shape, begin, size, out.ptr);
        return out.handle;
      });
    },
    broadcastTo(x, shape, outShape, dtype) {
      if (dtype !== 'float32') return store.broadcastTo(x, shape, outShape, dtype);
      return context.run(() => {
        const out = context.allocF32(sizeOf(outShape));
        broadcastToPointers(kernels, context.pointerOf(x), shape, outShape, out.ptr);
        return out.handle;
      });
    },
    gather(args) {
      const { x, shape, indices, indexCount, axis, dtype } = args;
      if (dtype !== 'float32') return store.gather(args);
      const idx = store.get(indices) as Int32Array;
      checkIndices('gather', idx, indexCount, shape[axis]);
      const size = shape.reduce((n, d, i) => n * (i === axis ? indexCount : d), 1);
      return context.run(() => {
        const out = context.allocF32(size);
        gatherPointers(kernels, context.pointerOf(x), shape, axis, indicesOnArena(kernels, idx, indexCount), indexCount, out.ptr);
        return out.handle;
      });
    },
    scatterAdd(args) {
      const { outShape, indices, indexCount, updates, axis, dtype } = args;
      if (dtype !== 'float32') return store.scatterAdd(args);
      const idx = store.get(indices) as Int32Array;
      checkIndices('scatterAdd', idx, indexCount, outShape[axis]);
      return context.run(() => {
        const out = context.allocF32(sizeOf(outShape));
        scatterAddPointers(
          kernels,
          context.pointerOf(updates),
          outShape,
          axis,
          indicesOnArena(kernels, idx, indexCount),
          indexCount,
          out.ptr,
        );
        return out.handle;
      });
    },
  };
}

/**
 * Gather and scatter-add along an axis on the host side (assembly/gather-f32.ts): index checks
 * (the CPU backend's messages) and the kernel calls on arena pointers.
 */
import { ShapeError, ValueError } from '@lec/tensor';
import type { WasmKernels } from '../wasm-kernels.js';

const product = (dims: readonly number[]) => dims.reduce((n, d) => n * d, 1);

/** Checks that every index is in [0, dim), naming the first one that is not. */
export function checkIndices(op: 'gather' | 'scatterAdd', indices: Int32Array, indexCount: number, dim: number): void {
  if (indices.length < indexCount) throw new ShapeError(op, `argument 'indices' expected ${indexCount} values, got ${indices.length}`);
  for (let i = 0; i < indexCount; i++) {
    if (!(indices[i] >= 0 && indices[i] < dim)) {
      throw new ValueError(op, `argument 'indices' expected values in [0, ${dim}), got ${indices[i]} at position ${i}`);
    }
  }
}

/** out = x (of `shape`, at `x`) gathered along `axis` at `indices` (int32 at `indexPtr`; checked by the caller with checkIndices). */
export function gatherPointers(
  kernels: WasmKernels,
  x: number,
  shape: readonly number[],
  axis: number,
  indexPtr: number,
  indexCount: number,
  out: number,
): void {
  if (!(Number.isInteger(axis) && axis >= 0 && axis < shape.length))
    throw new ValueError('gather', `argument 'axis' out of range for rank ${shape.length}: ${axis}`);
  const outer = product(shape.slice(0, axis));
  const inner = product(shape.slice(axis + 1));
  if (outer * indexCount * inner === 0) return;
  kernels.exports.gather_32(x, indexPtr, out, outer, shape[axis], indexCount, inner);
}

/** out (of `outShape`) = zeros, then the rows of `updates` added at `indices` along `axis` (f64 accumulation). */
export function scatterAddPointers(
  kernels: WasmKernels,
  updates: number,
  outShape: readonly number[],
  axis: number,
  indexPtr: number,
  indexCount: number,
  out: number,
): void {
  if (!(Number.isInteger(axis) && axis >= 0 && axis < outShape.length)) {
    throw new ValueError('scatterAdd', `argument 'axis' out of range for rank ${outShape.length}: ${axis}`);
  }
  const size = product(outShape);
  if (size === 0) return;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const work = arena.alloc(kernels.exports.scatter_add_f32_workspace_bytes(size), 16);
    const outer = product(outShape.slice(0, axis));
    const inner = product(outShape.slice(axis + 1));
    kernels.exports.scatter_add_f32(updates, indexPtr, out, outer, outShape[axis], indexCount, inner, work);
  } finally {
    arena.release(mark);
  }
}

/** Copies int32 indices into the arena (within the caller's mark); returns the pointer. */
export function indicesOnArena(kernels: WasmKernels, indices: Int32Array, indexCount: number): number {
  const ptr = kernels.arena.alloc(Math.max(indexCount, 1) * 4, 16);
  kernels.arena.i32(ptr, indexCount).set(indices.subarray(0, indexCount));
  return ptr;
}

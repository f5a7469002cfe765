/**
 * `emptyArray` and `tensor(array, shape, { transfer: true })` on the wasm backend: an array
 * from `emptyArray` is a block of linear memory the tensor keeps (no copy); a JavaScript
 * array is copied into a block once while the heap has room, and kept as it is where the heap
 * would not hold it (at its soft limit, or off over an unshared memory).
 */
import { type Tensor, add, emptyArray, sum, tensor, withBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { type WasmBackend, wasmBackend } from '../wasm-backend.js';

/** The float32 array behind a tensor (test-only peek at the handle). */
function arrayOf(backend: WasmBackend, t: Tensor): Float32Array {
  return backend.context.store.get((t as unknown as { handle: never }).handle) as Float32Array;
}
const info = (b: WasmBackend) => b.info() as Record<string, number>;

describe('transfer on the wasm backend', () => {
  it('emptyArray gives a heap block that the tensor keeps without a copy; dispose frees it', async () => {
    const backend = await wasmBackend({ feature: 'simd' });
    withBackend(backend, () => {
      const before = info(backend).liveBytes;
      const a = emptyArray(1000) as Float32Array;
      expect(a).toBeInstanceOf(Float32Array);
      expect(backend.context.heap.has(a)).toBe(true);
      expect(a.buffer).toBe(backend.kernels.exports.memory.buffer);
      for (let i = 0; i < a.length; i++) a[i] = i / 7;
      const t = tensor(a, [10, 100], { transfer: true });
      expect(arrayOf(backend, t)).toBe(a);
      expect(info(backend).liveBytes).toBe(before + 4000);
      // kernels read it in place and give the same values as a copied tensor
      const copied = tensor(Float32Array.from(a), [10, 100]);
      expect(arrayOf(backend, copied)).not.toBe(a);
      expect(add(t, 1).dataSync()).toEqual(add(copied, 1).dataSync());
      expect(sum(t).dataSync()[0]).toBe(sum(copied).dataSync()[0]);
      t.dispose();
      copied.dispose();
      expect(backend.context.heap.has(a)).toBe(false);
    });
    backend.disposeBackend?.();
  });

  it('a JavaScript array is copied into a block once while the heap has room, kept where it is at its soft limit', async () => {
    const backend = await wasmBackend({ feature: 'simd', maximumBytes: 64 << 20, tensorBytes: 2 << 20 });
    withBackend(backend, () => {
      const small = new Float32Array([1, 2, 3]);
      const t = tensor(small, [3], { transfer: true });
      expect(arrayOf(backend, t)).not.toBe(small);
      expect(backend.context.heap.has(arrayOf(backend, t))).toBe(true);
      expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
      const spilledBefore = info(backend).spilledTensors;
      // 4 MiB: over the 2 MiB soft limit, so a copy would be a JavaScript array anyway
      const big = new Float32Array(1 << 20).fill(0.5);
      const u = tensor(big, [1 << 20], { transfer: true });
      expect(arrayOf(backend, u)).toBe(big);
      expect(info(backend).spilledTensors).toBe(spilledBefore + 1);
      expect(sum(u).dataSync()[0]).toBe(1 << 19);
      // emptyArray at the limit gives an ordinary array, which transfer keeps
      const e = emptyArray(1 << 20) as Float32Array;
      expect(backend.context.heap.has(e)).toBe(false);
      e.fill(2);
      const v = tensor(e, [1 << 20], { transfer: true });
      expect(arrayOf(backend, v)).toBe(e);
      // int32 and float64 arrays are kept as on the js backend; a Float64Array made float32 is converted
      const i = new Int32Array([4, 5]);
      expect(arrayOf(backend, tensor(i, [2], { transfer: true }))).toBe(i);
      const f = tensor(new Float64Array([0.1, 0.2]), [2], { dtype: 'float32', transfer: true });
      expect(arrayOf(backend, f)).toBeInstanceOf(Float32Array);
      for (const x of [t, u, v, f]) x.dispose();
    });
    backend.disposeBackend?.();
  });

  it('without the heap (the scalar build: unshared memory) every array is kept as it is', async () => {
    const off = await wasmBackend({ feature: 'scalar' });
    expect(off.context.heap.enabled).toBe(false);
    withBackend(off, () => {
      const a = new Float32Array([1, 2, 3, 4]);
      const t = tensor(a, [2, 2], { transfer: true });
      expect(arrayOf(off, t)).toBe(a);
      expect(Array.from(add(t, t).dataSync())).toEqual([2, 4, 6, 8]);
      const e = emptyArray(4) as Float32Array;
      e.set([1, 1, 1, 1]);
      const u = tensor(e, [4], { transfer: true });
      expect(arrayOf(off, u)).toBe(e);
      expect(Array.from(u.dataSync())).toEqual([1, 1, 1, 1]);
    });
    off.disposeBackend?.();
  });
});

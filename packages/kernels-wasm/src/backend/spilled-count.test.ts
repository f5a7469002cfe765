/**
 * `info().spilledTensors` counts each tensor that went to JavaScript memory once: not again
 * when `emptyArray`'s array (already outside the heap) is handed over with `transfer: true`,
 * and not for the scratch copies an op makes of spilled operands.
 */
import { type Tensor, emptyArray, matmul, tensor, withBackend, zeros } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from '../wasm-backend.js';

describe('spilledTensors', () => {
  it('counts one per spilled tensor', async () => {
    const backend = await wasmBackend({ feature: 'simd', maximumBytes: 64 << 20, tensorBytes: 1 << 20 });
    const spilled = () => (backend.info() as { spilledTensors: number }).spilledTensors;
    withBackend(backend, () => {
      // the heap holds under 1 MiB: one tensor of 1 MiB spills, and so does everything after it
      const fill: Tensor[] = [zeros([1 << 17]), zeros([1 << 17]), zeros([1 << 17])];
      const s0 = spilled();
      expect(s0).toBeGreaterThanOrEqual(1);
      const t = tensor(emptyArray(1000, 'float32').fill(1), [10, 100], { transfer: true });
      expect(spilled()).toBe(s0 + 1);
      const u = tensor(new Float32Array(1000).fill(2), [100, 10], { transfer: true });
      expect(spilled()).toBe(s0 + 2);
      const copied = tensor(new Float32Array(1000).fill(2), [100, 10]);
      expect(spilled()).toBe(s0 + 3);
      // an op on spilled operands: its output is the one new tensor (the operands' scratch copies are not)
      const product = matmul(t, u);
      expect(spilled()).toBe(s0 + 4);
      expect(product.toArray()[0]?.[0]).toBe(200);
      for (const x of [...fill, t, u, copied, product]) x.dispose();
    });
    backend.disposeBackend();
  });
});

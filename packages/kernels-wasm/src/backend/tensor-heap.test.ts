/**
 * Float32 tensors in wasm linear memory (backend/tensor-heap.ts, context.ts): where they
 * live, what dispose and reading do, memory growth with old tensors still in use, and a
 * hand-written training loop with no tidy and no dispose (LEC_SOAK=1 runs 10,000 steps).
 */
import {
  type Tensor,
  add,
  grad,
  matmul,
  mean,
  mul,
  randn,
  relu,
  reshape,
  sigmoid,
  square,
  sub,
  tensor,
  withBackend,
  zeros,
} from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { type WasmBackend, wasmBackend } from '../wasm-backend.js';

/** The float32 array behind a tensor (test-only peek at the handle). */
function arrayOf(backend: WasmBackend, t: Tensor): Float32Array {
  return backend.context.store.get((t as unknown as { handle: never }).handle) as Float32Array;
}

describe.each(['simd', 'relaxed'] as const)('tensor heap (%s)', (feature) => {
  it('keeps float32 tensors in linear memory; dispose frees the block; reads are copies the user owns', async () => {
    const backend = await wasmBackend({ feature });
    const info = () => backend.info() as Record<string, number | boolean | string>;
    expect(info().tensorsInWasmMemory).toBe(true);
    withBackend(backend, () => {
      const before = info().liveBytes as number;
      const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tensor([1, 0, 0, 1, 1, 1], [3, 2]);
      const c = matmul(a, b);
      for (const t of [a, b, c]) expect(backend.context.heap.has(arrayOf(backend, t))).toBe(true);
      expect(info().liveBytes).toBe(before + 2 * 24 + 16);
      const read = c.dataSync() as Float32Array;
      expect(read.buffer instanceof SharedArrayBuffer).toBe(false);
      expect(Array.from(read)).toEqual([4, 5, 10, 11]);
      read[0] = 99;
      expect(Array.from(c.dataSync())).toEqual([4, 5, 10, 11]);
      const view = reshape(c, [4]); // shares c's block
      c.dispose();
      expect(info().liveBytes).toBe(before + 2 * 24 + 16);
      expect(Array.from(view.dataSync())).toEqual([4, 5, 10, 11]);
      view.dispose();
      for (const t of [a, b]) t.dispose();
      expect(info().liveBytes).toBe(before);
      // a freed block is reused for the next tensor of its size class
      const blockBytes = info().cachedBlockBytes as number;
      expect(blockBytes).toBeGreaterThan(0);
      const d = tensor([7, 8, 9, 10, 11, 12], [2, 3]);
      expect(info().cachedBlockBytes).toBeLessThan(blockBytes);
      expect(Array.from(d.dataSync())).toEqual([7, 8, 9, 10, 11, 12]);
      d.dispose();
    });
    backend.disposeBackend();
  });

  it('old tensors stay right when memory grows between ops (no stale views)', async () => {
    const backend = await wasmBackend({ feature, maximumBytes: 256 << 20 });
    withBackend(backend, () => {
      const x = randn([16, 32], { seed: 1 });
      const w = randn([32, 8], { seed: 2 });
      const want = Array.from(matmul(x, w).dataSync());
      const xs = Array.from(x.dataSync());
      const grownFrom = backend.kernels.arena.memoryBytes;
      const big: Tensor[] = [];
      // tensors beyond the initial 16 MiB: memory grows while x and w (and views of them) live
      for (let i = 0; i < 6; i++) big.push(zeros([1 << 20]));
      expect(backend.kernels.arena.memoryBytes).toBeGreaterThan(grownFrom);
      expect(Array.from(x.dataSync())).toEqual(xs);
      expect(Array.from(matmul(x, w).dataSync())).toEqual(want);
      expect(Array.from(add(x, 1).dataSync())).toEqual(xs.map((v) => Math.fround(v + 1)));
      // and growth during an op (a kernel's scratch) with its operands' views held
      const y = matmul(add(x, 0), w);
      expect(Array.from(y.dataSync())).toEqual(want);
      for (const t of big) t.dispose();
    });
    backend.disposeBackend();
  });
});

describe('tensor heap under memory pressure', () => {
  const steps = process.env.LEC_SOAK === '1' ? 10_000 : 300;

  it(`a hand-written autoencoder loop with no tidy and no dispose runs ${steps} steps in bounded wasm memory`, async () => {
    // a small heap limit so the loop passes it many times over even in the short run
    const backend = await wasmBackend({ feature: 'simd', maximumBytes: 64 << 20, tensorBytes: 2 << 20 });
    const info = () => backend.info() as Record<string, number>;
    withBackend(backend, () => {
      const x = randn([16, 48], { seed: 3 });
      let w1 = mul(randn([48, 16], { seed: 4 }), 0.2);
      let w2 = mul(randn([16, 48], { seed: 5 }), 0.2);
      const lossOf = (a: Tensor, b: Tensor) => mean(square(sub(sigmoid(matmul(relu(matmul(x, a)), b)), x)));
      const first = lossOf(w1, w2).item();
      const step = grad(lossOf);
      let last = first;
      for (let i = 0; i < steps; i++) {
        const [g1, g2] = step(w1, w2);
        w1 = sub(w1, mul(g1, 0.5));
        w2 = sub(w2, mul(g2, 0.5));
        if (i % 100 === 0) {
          expect(info().arenaBytes).toBeLessThanOrEqual(64 << 20);
          expect(info().liveBytes + info().cachedBlockBytes).toBeLessThanOrEqual(2 << 20);
        }
        if (i === steps - 1) last = lossOf(w1, w2).item();
      }
      expect(last).toBeLessThan(first);
      expect(info().spilledTensors).toBeGreaterThan(0); // it did pass the limit and went on
    });
    backend.disposeBackend();
  }, 600_000);
});

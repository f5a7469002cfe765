/**
 * Gather and scatter-add kernels against the js backend on random shapes, axes and indices
 * (repeated indices, empty index lists, size-0 dimensions): gather bit for bit, scatter-add
 * bit for bit too (both accumulate in f64 in the same order).
 */
import { ValueError, jsBackend } from '@lec/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, sizeOf } from '../../test/reference.js';
import { loadKernels } from '../load-kernels.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { checkIndices, gatherPointers, indicesOnArena, scatterAddPointers } from './gather.js';

const js = jsBackend();

for (const feature of ['scalar', 'simd'] as const) {
  describe(`gather and scatter-add kernels, ${feature} build`, () => {
    let kernels: WasmKernels;
    beforeAll(async () => {
      kernels = await loadKernels({ feature });
    });
    afterAll(() => kernels.dispose());

    it('match the js backend on random shapes, axes and repeated indices', { timeout: 30_000 }, () => {
      const random = rng(31);
      const dims = [1, 2, 3, 5, 8];
      for (let trial = 0; trial < 200; trial++) {
        const rank = 1 + Math.floor(random() * 3);
        const shape = Array.from({ length: rank }, () => dims[Math.floor(random() * dims.length)]);
        const axis = Math.floor(random() * rank);
        const indexCount = Math.floor(random() * 7);
        const indices = Int32Array.from({ length: indexCount }, () => Math.floor(random() * shape[axis]));
        const x = Float32Array.from({ length: sizeOf(shape) }, () => random() * 8 - 4);
        const outShape = shape.map((d, i) => (i === axis ? indexCount : d));
        const gathered = js.read(
          js.gather({ x: js.fromArray(x, 'float32'), shape, indices: js.fromArray(indices, 'int32'), indexCount, axis, dtype: 'float32' }),
          'float32',
        );
        const updates = Float32Array.from({ length: sizeOf(outShape) }, () => random() * 8 - 4);
        const scattered = js.read(
          js.scatterAdd({
            outShape: shape,
            indices: js.fromArray(indices, 'int32'),
            indexCount,
            updates: js.fromArray(updates, 'float32'),
            axis,
            dtype: 'float32',
          }),
          'float32',
        );
        const arena = kernels.arena;
        const mark = arena.mark();
        try {
          const px = arena.allocF32(x.length, x);
          const pu = arena.allocF32(updates.length, updates);
          const pi = indicesOnArena(kernels, indices, indexCount);
          const pg = arena.alloc(gathered.length * 4 + 4, 16);
          const ps = arena.alloc(x.length * 4 + 4, 16);
          gatherPointers(kernels, px, shape, axis, pi, indexCount, pg);
          scatterAddPointers(kernels, pu, shape, axis, pi, indexCount, ps);
          expect(arena.f32(pg, gathered.length), `gather [${shape}] axis ${axis} at [${indices}]`).toEqual(gathered);
          expect(arena.f32(ps, x.length), `scatterAdd [${shape}] axis ${axis} at [${indices}]`).toEqual(scattered);
        } finally {
          arena.release(mark);
        }
      }
    });

    it('names the first index out of range', { timeout: 30_000 }, () => {
      expect(() => checkIndices('gather', Int32Array.of(0, 3, -1), 3, 3)).toThrow(ValueError);
      expect(() => checkIndices('scatterAdd', Int32Array.of(0, 1, 5), 3, 3)).toThrow(/got 5 at position 2/);
    });
  });
}

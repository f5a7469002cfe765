/**
 * The strided-copy kernel behind transpose, concat, slice and broadcastTo, against the js
 * backend on random shapes (size-0 and size-1 dimensions, every permutation of rank ≤ 4),
 * with bit patterns kept (−0, NaN).
 */
import { jsBackend } from '@lec/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, sizeOf } from '../../test/reference.js';
import { loadKernels } from '../load-kernels.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { broadcastToPointers, concatPointers, slicePointers, transposePointers } from './movement.js';

const js = jsBackend();

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

function randomShape(random: () => number, rank: number): number[] {
  const dims = [1, 2, 3, 4, 5, 7];
  const shape = Array.from({ length: rank }, () => dims[Math.floor(random() * dims.length)]);
  if (rank > 0 && random() < 0.05) shape[Math.floor(random() * rank)] = 0;
  return shape;
}

function values(n: number, random: () => number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % 11 === 3 ? -0 : i % 13 === 5 ? Number.NaN : random() * 10 - 5));
}

/** Runs `fn` with x copied into the arena and returns `outSize` floats from its output. */
function onArena(kernels: WasmKernels, inputs: Float32Array[], outSize: number, fn: (ptrs: number[], out: number) => void): Float32Array {
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const ptrs = inputs.map((x) => arena.allocF32(x.length, x));
    const out = arena.alloc(outSize * 4, 16);
    fn(ptrs, out);
    return arena.f32(out, outSize).slice();
  } finally {
    arena.release(mark);
  }
}

function expectSameBits(actual: Float32Array, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const a = new Int32Array(actual.buffer);
  const e = new Int32Array(Float32Array.from(expected).buffer);
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i]) expect.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
}

for (const feature of ['scalar', 'simd'] as const) {
  describe(`movement kernels, ${feature} build`, () => {
    let kernels: WasmKernels;
    beforeAll(async () => {
      kernels = await loadKernels({ feature });
    });
    afterAll(() => kernels.dispose());

    it('transpose: every permutation of random shapes up to rank 4 matches the js backend bit for bit', { timeout: 30_000 }, () => {
      const random = rng(11);
      for (let rank = 0; rank <= 4; rank++) {
        for (const perm of permutations(rank)) {
          for (let trial = 0; trial < 3; trial++) {
            const shape = randomShape(random, rank);
            const x = values(sizeOf(shape), random);
            const expected = js.read(js.transpose(js.fromArray(x, 'float32'), shape, perm, 'float32'), 'float32');
            const actual = onArena(kernels, [x], x.length, ([px], out) => transposePointers(kernels, px, shape, perm, out));
            expectSameBits(actual, expected, `transpose [${shape}] by [${perm}]`);
          }
        }
      }
      expect(() => transposePointers(kernels, 0, [2, 3], [0, 0], 0)).toThrow(/permutation/);
    });

    it('concat, slice and broadcastTo match the js backend bit for bit', { timeout: 30_000 }, () => {
      const random = rng(12);
      for (let trial = 0; trial < 150; trial++) {
        const rank = 1 + Math.floor(random() * 4);
        const shape = randomShape(random, rank);
        const axis = Math.floor(random() * rank);
        const shapes = [0, 1, 2]
          .slice(0, 1 + Math.floor(random() * 3))
          .map(() => shape.map((d, i) => (i === axis ? Math.floor(random() * 4) : d)));
        const xs = shapes.map((s) => values(sizeOf(s), random));
        const outSize = xs.reduce((n, x) => n + x.length, 0);
        const expected = js.read(
          js.concat(
            xs.map((x) => js.fromArray(x, 'float32')),
            shapes,
            axis,
            'float32',
          ),
          'float32',
        );
        const actual = onArena(kernels, xs, outSize, (ptrs, out) => concatPointers(kernels, ptrs, shapes, axis, out));
        expectSameBits(actual, expected, `concat of [${shapes.map((s) => `[${s}]`)}] on axis ${axis}`);

        const x = values(sizeOf(shape), random);
        const begin = shape.map((d) => Math.floor(random() * (d + 1)));
        const size = shape.map((d, i) => Math.floor(random() * (d - begin[i] + 1)));
        const sliced = js.read(js.slice(js.fromArray(x, 'float32'), shape, begin, size, 'float32'), 'float32');
        expectSameBits(
          onArena(kernels, [x], sizeOf(size), ([px], out) => slicePointers(kernels, px, shape, begin, size, out)),
          sliced,
          `slice of [${shape}] at [${begin}] size [${size}]`,
        );

        const small = shape.map((d) => (random() < 0.5 ? 1 : d)).slice(Math.floor(random() * rank));
        const xb = values(sizeOf(small), random);
        const broadcast = js.read(js.broadcastTo(js.fromArray(xb, 'float32'), small, shape, 'float32'), 'float32');
        expectSameBits(
          onArena(kernels, [xb], sizeOf(shape), ([px], out) => broadcastToPointers(kernels, px, small, shape, out)),
          broadcast,
          `broadcastTo [${small}] to [${shape}]`,
        );
      }
      expect(() =>
        concatPointers(
          kernels,
          [0, 0],
          [
            [2, 3],
            [3, 3],
          ],
          1,
          0,
        ),
      ).toThrow(/differ outside axis 1/);
      expect(() => slicePointers(kernels, 0, [2, 3], [1, 2], [1, 2], 0)).toThrow(/do not fit/);
    });
  });
}

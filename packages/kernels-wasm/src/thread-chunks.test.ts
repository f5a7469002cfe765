/**
 * Work shared between threads as dynamically claimed chunks (thread-pool.ts `runChunks`): the
 * result equals the float64 reference for every build and thread count, is bit-identical from
 * one call to the next on a configuration and to the one-thread result (chunks write disjoint
 * outputs in the same summation order), and every chunk count the pool takes (1..MAX_CHUNKS)
 * runs each chunk exactly once. The conv shapes are the LeNet layers and the N=1 backprop-input
 * case that two threads used not to split; the filter gradient, cut into chunks by the shape
 * alone, is the same on any number of threads too.
 */
import { describe, expect, it } from 'vitest';
import {
  compareToReference,
  conv2dBackpropFilterReference,
  conv2dBackpropInputReference,
  conv2dReference,
  gemmReference,
  randomF32,
  reductionAtol,
  reductionRtol,
} from '../test/reference.js';
import type { Conv2dShape } from './conv2d-shape.js';
import type { KernelFeature } from './feature-detection.js';
import { loadKernels } from './load-kernels.js';
import { MAX_CHUNKS } from './thread-pool.js';
import type { WasmKernels } from './wasm-kernels.js';

const GEMMS: [number, number, number, boolean, boolean][] = [
  [96, 200, 64, false, false], // split along n, ragged last chunk
  [300, 40, 128, false, true], // split along m
  [64, 513, 70, true, false],
  [32, 2048, 512, false, false], // the bench's wide layer: chunks are column blocks of a wide B
];
const CONVS: Conv2dShape[] = [
  { batch: 16, inHeight: 28, inWidth: 28, inChannels: 1, filterHeight: 5, filterWidth: 5, outChannels: 6 },
  { batch: 16, inHeight: 14, inWidth: 14, inChannels: 6, filterHeight: 5, filterWidth: 5, outChannels: 16 },
  { batch: 1, inHeight: 20, inWidth: 20, inChannels: 64, filterHeight: 3, filterWidth: 3, outChannels: 64, pads: [1, 1, 1, 1] },
];
/** Filter gradients: the direct (Cin 1), implicit (Cout 16, small dW) and im2col (N=1) kernels, chunked. */
const FILTER_GRADIENTS: Conv2dShape[] = [
  CONVS[0],
  CONVS[1],
  CONVS[2],
  { batch: 8, inHeight: 16, inWidth: 16, inChannels: 3, filterHeight: 3, filterWidth: 3, outChannels: 32, pads: [1, 1, 1, 1] },
];

const builds: [KernelFeature, number][] = [
  ['scalar', 2],
  ['simd', 2],
  ['relaxed', 1],
  ['relaxed', 2],
];

describe.each(builds)('chunked threads (%s build, %i threads)', (feature, threads) => {
  const kernelsPromise = loadKernels({ feature, threads });
  const oneThread = loadKernels({ feature, threads: 1 });

  it.each(GEMMS)(
    'gemm %i×%i·k %i (transA %s, transB %s): reference, deterministic, same as one thread',
    async (m, n, k, ta, tb) => {
      const [kernels, single] = await Promise.all([kernelsPromise, oneThread]);
      const a = randomF32(m * k, m + k);
      const b = randomF32(k * n, n + k);
      const got = kernels.gemm(a, b, m, n, k, { transA: ta, transB: tb });
      expect(compareToReference(got, gemmReference(a, b, m, n, k, ta, tb), reductionRtol(k), reductionAtol(k))).toBe('');
      expect(kernels.gemm(a, b, m, n, k, { transA: ta, transB: tb })).toEqual(got);
      expect(single.gemm(a, b, m, n, k, { transA: ta, transB: tb })).toEqual(got);
    },
    60_000,
  );

  it.each(CONVS)(
    'conv2d forward and backprop-input of %o: reference and deterministic',
    async (shape) => {
      const kernels = await kernelsPromise;
      const s = { ...shape, pads: shape.pads ?? ([0, 0, 0, 0] as const) };
      const oh = s.inHeight + s.pads[0] + s.pads[2] - s.filterHeight + 1;
      const ow = s.inWidth + s.pads[1] + s.pads[3] - s.filterWidth + 1;
      const x = randomF32(s.batch * s.inHeight * s.inWidth * s.inChannels, 3);
      const w = randomF32(s.filterHeight * s.filterWidth * s.inChannels * s.outChannels, 4);
      const dy = randomF32(s.batch * oh * ow * s.outChannels, 5);
      const k = s.filterHeight * s.filterWidth * s.inChannels;
      const y = kernels.conv2d(x, w, shape);
      expect(compareToReference(y, conv2dReference(x, w, shape), reductionRtol(k), reductionAtol(k))).toBe('');
      expect(kernels.conv2d(x, w, shape)).toEqual(y);
      const kIn = s.filterHeight * s.filterWidth * s.outChannels;
      const dx = kernels.conv2dBackpropInput(dy, w, shape);
      expect(compareToReference(dx, conv2dBackpropInputReference(dy, w, shape), reductionRtol(kIn), reductionAtol(kIn))).toBe('');
      expect(kernels.conv2dBackpropInput(dy, w, shape)).toEqual(dx);
    },
    120_000,
  );

  it.each(FILTER_GRADIENTS)(
    'conv2d filter gradient of %o: reference, deterministic, same as one thread',
    async (shape) => {
      const [kernels, single] = await Promise.all([kernelsPromise, oneThread]);
      const s = { ...shape, pads: shape.pads ?? ([0, 0, 0, 0] as const) };
      const oh = s.inHeight + s.pads[0] + s.pads[2] - s.filterHeight + 1;
      const ow = s.inWidth + s.pads[1] + s.pads[3] - s.filterWidth + 1;
      const x = randomF32(s.batch * s.inHeight * s.inWidth * s.inChannels, 6);
      const dy = randomF32(s.batch * oh * ow * s.outChannels, 7);
      const k = s.batch * oh * ow;
      const dw = kernels.conv2dBackpropFilter(x, dy, shape);
      expect(compareToReference(dw, conv2dBackpropFilterReference(x, dy, shape), reductionRtol(k), reductionAtol(k))).toBe('');
      expect(kernels.conv2dBackpropFilter(x, dy, shape)).toEqual(dw);
      expect(single.conv2dBackpropFilter(x, dy, shape)).toEqual(dw);
    },
    120_000,
  );

  it('runs each chunk exactly once for every chunk count up to MAX_CHUNKS', async () => {
    const kernels: WasmKernels = await kernelsPromise;
    const arena = kernels.arena;
    for (const count of [1, 2, 3, 7, MAX_CHUNKS]) {
      const mark = arena.mark();
      try {
        // chunk c adds row c of A (c+1 in every place) times B = [1] into its own row of C
        const n = 8;
        const a = arena.allocF32(
          count,
          Float32Array.from({ length: count }, (_, c) => c + 1),
        );
        const b = arena.allocF32(n, new Float32Array(n).fill(1));
        const c = arena.allocF32(count * n, new Float32Array(count * n).fill(100));
        const bytes = kernels.exports.gemm_f32_workspace_bytes(1, n, 1);
        const works = Array.from({ length: kernels.threads }, () => arena.alloc(bytes));
        const chunks = Array.from({ length: count }, (_, r) => ({
          kernel: 'gemm_f32' as const,
          args: [1, n, 1, a + r * 4, 1, 0, b, n, 0, c + r * n * 4, n, 0, 0, 1, 0],
        }));
        kernels.runChunks(chunks, 14, works);
        const out = arena.f32(c, count * n);
        for (let r = 0; r < count; r++) expect(Array.from(out.subarray(r * n, (r + 1) * n))).toEqual(new Array(n).fill(101 + r));
      } finally {
        arena.release(mark);
      }
    }
  });
});

/**
 * The pooling kernels against the JavaScript loops of the float64 path (js-kernels.ts) on
 * random geometries, bit for bit: disjoint windows (stride ≥ window, the fast backward path,
 * tiling the input or not), overlapping and padded windows (the general loop), 1–13 channels
 * (the overlapping last channel group), ties, NaN, ±∞ and −0 in x, non-finite dy. And on the
 * wasm backend: pooling and conv results are written straight into the output tensor's block.
 */
import { type Pool2dGeometry, type Tensor, conv2d, grad, maxPool2d, mul, sum, tensor, withBackend } from '@lec/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rng, sizeOf } from '../../test/reference.js';
import { maxPool2dBackwardJs, maxPool2dJs } from '../js-kernels.js';
import { loadKernels } from '../load-kernels.js';
import { wasmBackend } from '../wasm-backend.js';
import type { WasmKernels } from '../wasm-kernels.js';

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0];

/**
 * A random pooling geometry; `disjoint` picks stride ≥ window and no padding, `twoByTwo` 2×2
 * windows at stride 2 (LeNet's; the unrolled kernels from 4 channels on).
 */
function randomGeometry(random: () => number, disjoint: boolean, twoByTwo = false): Pool2dGeometry {
  const pick = (n: number) => Math.floor(random() * n);
  const windowHeight = twoByTwo ? 2 : 1 + pick(3);
  const windowWidth = twoByTwo ? 2 : 1 + pick(3);
  const strideHeight = twoByTwo ? 2 : disjoint ? windowHeight + pick(2) : 1 + pick(3);
  const strideWidth = twoByTwo ? 2 : disjoint ? windowWidth + pick(2) : 1 + pick(3);
  const [padTop, padLeft] = disjoint ? [0, 0] : [pick(windowHeight), pick(windowWidth)];
  const outHeight = 1 + pick(4);
  const outWidth = 1 + pick(4);
  // the input covers every window, plus 0–1 rows/columns no window reaches
  const inHeight = Math.max(1, (outHeight - 1) * strideHeight + windowHeight - padTop - (disjoint ? 0 : pick(2)) + pick(2));
  const inWidth = Math.max(1, (outWidth - 1) * strideWidth + windowWidth - padLeft - (disjoint ? 0 : pick(2)) + pick(2));
  const padBottom = Math.max(0, (outHeight - 1) * strideHeight + windowHeight - padTop - inHeight);
  const padRight = Math.max(0, (outWidth - 1) * strideWidth + windowWidth - padLeft - inWidth);
  return {
    batch: 1 + pick(3),
    inHeight,
    inWidth,
    channels: 1 + pick(13),
    outHeight,
    outWidth,
    windowHeight,
    windowWidth,
    strideHeight,
    strideWidth,
    padTop,
    padLeft,
    padBottom,
    padRight,
  };
}

/** Values with many ties (few distinct levels) and, when `specials`, NaN, ±∞ and ±0. */
function values(random: () => number, n: number, specials: boolean): Float32Array {
  return Float32Array.from({ length: n }, () =>
    specials && random() < 0.1 ? SPECIALS[Math.floor(random() * SPECIALS.length)] : Math.round(random() * 6 - 3) / 2,
  );
}

/** Bit for bit, except that any NaN equals any NaN. */
function expectSame(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]) && Number.isNaN(got[i])) continue;
    if (!Object.is(got[i], want[i])) expect(`${what} [${i}]: ${got[i]}`).toBe(`${what} [${i}]: ${want[i]}`);
  }
}

for (const feature of ['scalar', 'simd', 'relaxed'] as const) {
  describe(`max pooling kernels, ${feature} build`, () => {
    let kernels: WasmKernels;
    beforeAll(async () => {
      kernels = await loadKernels({ feature });
    });
    afterAll(() => kernels.dispose());

    it.each([
      ['disjoint windows', true, false],
      ['overlapping and padded windows', false, false],
      ['2×2 windows at stride 2', true, true],
    ])('forward and gradient match the JavaScript loops bit for bit: %s', { timeout: 30_000 }, (_name, disjoint, twoByTwo) => {
      const random = rng(twoByTwo ? 43 : disjoint ? 41 : 42);
      for (let trial = 0; trial < 300; trial++) {
        const g = randomGeometry(random, disjoint, twoByTwo);
        const specials = trial % 3 === 0;
        const inSize = g.batch * g.inHeight * g.inWidth * g.channels;
        const outSize = g.batch * g.outHeight * g.outWidth * g.channels;
        const x = values(random, inSize, specials);
        const dy = values(random, outSize, specials);
        const what = `${JSON.stringify(g)} trial ${trial}`;
        const y = new Float32Array(outSize);
        maxPool2dJs(x, g, y);
        expectSame(kernels.maxPool2d(x, g), y, `forward ${what}`);
        const dx = new Float32Array(inSize);
        maxPool2dBackwardJs(dy, x, g, dx);
        // a recycled output array full of garbage must be overwritten in full
        expectSame(kernels.maxPool2dBackward(dy, x, g, new Float32Array(inSize).fill(7)), dx, `backward ${what}`);
      }
    });

    it('refuses an output array of the wrong length before running', () => {
      const g = randomGeometry(rng(3), true);
      const x = new Float32Array(g.batch * g.inHeight * g.inWidth * g.channels);
      expect(() => kernels.maxPool2d(x, g, new Float32Array(1 + sizeOf([g.batch, g.outHeight, g.outWidth, g.channels])))).toThrow(
        /maxPool2d: out must hold/,
      );
    });
  });
}

describe('conv and pool results on the wasm backend', () => {
  it('are written straight into the output tensor block (no scratch result, no copy out)', async () => {
    const backend = await wasmBackend({ feature: 'simd', threads: 1 });
    const arena = backend.context.kernels.arena;
    withBackend(backend, () => {
      const x = tensor(Array.from(values(rng(5), 2 * 12 * 12 * 3, false)), [2, 12, 12, 3]);
      const w = tensor(Array.from(values(rng(6), 5 * 5 * 3 * 8, false)), [5, 5, 3, 8]);
      const allocF32 = vi.spyOn(arena, 'allocF32');
      const set = vi.spyOn(Float32Array.prototype, 'set');
      let y: Tensor | undefined;
      let dx: Tensor | undefined;
      let dw: Tensor | undefined;
      try {
        y = maxPool2d(conv2d(x, w), 2);
        [dx, dw] = grad((a: Tensor, b: Tensor) => sum(mul(maxPool2d(conv2d(a, b), 2), y as Tensor)))(x, w);
        // operands may be copied in (conv's input gradient copies its turned filter), but no
        // result is allocated in scratch and no view of wasm memory is copied out
        for (const call of allocF32.mock.calls) expect(call[1], 'allocF32 without values: a scratch result').toBeDefined();
        const memory = backend.context.exports.memory.buffer;
        for (const call of set.mock.calls) expect((call[0] as Float32Array).buffer === memory, 'a copy out of wasm memory').toBe(false);
      } finally {
        allocF32.mockRestore();
        set.mockRestore();
      }
      for (const t of [y, dx, dw]) {
        const data = backend.context.store.get((t as unknown as { handle: never }).handle) as Float32Array;
        expect(backend.context.heap.has(data)).toBe(true);
      }
    });
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import {
  compareToReference,
  conv2dBackpropFilterReference,
  conv2dBackpropInputReference,
  conv2dReference,
  randomF32,
  reductionAtol,
  reductionRtol,
} from '../test/reference.js';
import { resolveConv2dShape, type Conv2dShape } from './conv2d-shape.js';
import type { KernelFeature } from './feature-detection.js';
import { loadKernels } from './load-kernels.js';

/**
 * Builds × algorithms ('direct' and 'implicit' apply to stride 1, dilation 1 and fall back to
 * im2col elsewhere; under 'implicit' the forward pass and the filter gradient run the
 * implicit-GEMM kernels, the input gradient the implicit forward on the rotated filter; under
 * 'direct' the input gradient runs the transposed kernel, which 'auto' picks for LeNet's conv2).
 */
const CONFIGS: [KernelFeature, 'auto' | 'im2col' | 'direct' | 'implicit', number][] = [
  ['scalar', 'auto', 1],
  ['simd', 'im2col', 1],
  ['simd', 'direct', 1],
  ['simd', 'implicit', 1],
  ['relaxed', 'implicit', 1],
  ['relaxed', 'implicit', 2],
  ['relaxed', 'im2col', 1],
  ['relaxed', 'direct', 1],
  ['relaxed', 'auto', 1],
  ['relaxed', 'direct', 2],
  ['relaxed', 'im2col', 2],
];

/** Shapes: the benchmark's (with small batches), then strides, dilations, odd pads, edges. */
const SHAPES: Record<string, Conv2dShape> = {
  'lenet conv1 28x28x1 5x5x6 same': {
    batch: 2,
    inHeight: 28,
    inWidth: 28,
    inChannels: 1,
    filterHeight: 5,
    filterWidth: 5,
    outChannels: 6,
    pads: [2, 2, 2, 2],
  },
  'lenet conv2 14x14x6 5x5x16 valid': {
    batch: 2,
    inHeight: 14,
    inWidth: 14,
    inChannels: 6,
    filterHeight: 5,
    filterWidth: 5,
    outChannels: 16,
  },
  'resnet 12x12x64 3x3x64 same': {
    batch: 1,
    inHeight: 12,
    inWidth: 12,
    inChannels: 64,
    filterHeight: 3,
    filterWidth: 3,
    outChannels: 64,
    pads: [1, 1, 1, 1],
  },
  'cifar 32x32x3 3x3x32 same': {
    batch: 1,
    inHeight: 32,
    inWidth: 32,
    inChannels: 3,
    filterHeight: 3,
    filterWidth: 3,
    outChannels: 32,
    pads: [1, 1, 1, 1],
  },
  'stride 2, asymmetric pads': {
    batch: 2,
    inHeight: 9,
    inWidth: 8,
    inChannels: 5,
    filterHeight: 3,
    filterWidth: 2,
    outChannels: 17,
    strides: [2, 2],
    pads: [1, 0, 0, 1],
  },
  'stride (3,1), dilation (2,3)': {
    batch: 1,
    inHeight: 13,
    inWidth: 11,
    inChannels: 4,
    filterHeight: 3,
    filterWidth: 3,
    outChannels: 3,
    strides: [3, 1],
    dilations: [2, 3],
    pads: [2, 1, 3, 4],
  },
  'pointwise 1x1': { batch: 3, inHeight: 5, inWidth: 7, inChannels: 17, filterHeight: 1, filterWidth: 1, outChannels: 5 },
  '1x1 with stride 2': {
    batch: 1,
    inHeight: 6,
    inWidth: 5,
    inChannels: 3,
    filterHeight: 1,
    filterWidth: 1,
    outChannels: 4,
    strides: [2, 2],
  },
  'filter bigger than input': { batch: 1, inHeight: 2, inWidth: 2, inChannels: 1, filterHeight: 3, filterWidth: 3, outChannels: 2 },
  'empty batch': { batch: 0, inHeight: 4, inWidth: 4, inChannels: 2, filterHeight: 3, filterWidth: 3, outChannels: 2 },
  'one pixel, one channel': { batch: 1, inHeight: 1, inWidth: 1, inChannels: 1, filterHeight: 1, filterWidth: 1, outChannels: 1 },
  'odd sizes, stride 1 (2x2 tiles with ragged rows, columns and channels)': {
    batch: 3,
    inHeight: 7,
    inWidth: 9,
    inChannels: 5,
    filterHeight: 3,
    filterWidth: 2,
    outChannels: 13,
    pads: [0, 1, 2, 0],
  },
  'batch in several chunks, 4-pixel tiles': {
    batch: 5,
    inHeight: 20,
    inWidth: 20,
    inChannels: 3,
    filterHeight: 3,
    filterWidth: 3,
    outChannels: 40,
    pads: [1, 1, 1, 1],
  },
  'ragged taps (K = 42) and channels (Cout = 9), uneven pads, 3 images': {
    batch: 3,
    inHeight: 6,
    inWidth: 5,
    inChannels: 7,
    filterHeight: 2,
    filterWidth: 3,
    outChannels: 9,
    pads: [3, 0, 1, 2],
  },
  'one output column, Cout = 8 read in place, K = 15': {
    batch: 2,
    inHeight: 4,
    inWidth: 3,
    inChannels: 1,
    filterHeight: 5,
    filterWidth: 3,
    outChannels: 8,
    pads: [1, 0, 1, 0],
  },
  'kw = 4 (direct filter gradient: 3 columns, then 1)': {
    batch: 2,
    inHeight: 9,
    inWidth: 10,
    inChannels: 2,
    filterHeight: 3,
    filterWidth: 4,
    outChannels: 5,
    pads: [1, 2, 1, 1],
  },
  'many rows (chunked im2col)': {
    batch: 4,
    inHeight: 40,
    inWidth: 40,
    inChannels: 16,
    filterHeight: 3,
    filterWidth: 3,
    outChannels: 8,
    pads: [1, 1, 1, 1],
  },
};

describe.each(CONFIGS)('conv2d NHWC (%s build, %s, %i threads)', (feature, algorithm, threads) => {
  const kernelsPromise = loadKernels({ feature, threads }).then((kernels) => {
    kernels.convAlgorithm = algorithm;
    return kernels;
  });
  afterAll(async () => (await kernelsPromise).dispose());

  describe.each(Object.entries(SHAPES))('%s', (_name, shape) => {
    const s = resolveConv2dShape(shape);
    const x = randomF32(s.batch * s.inHeight * s.inWidth * s.inChannels, 1);
    const w = randomF32(s.filterHeight * s.filterWidth * s.inChannels * s.outChannels, 2);
    const dy = randomF32(s.batch * s.outHeight * s.outWidth * s.outChannels, 3);
    const taps = s.filterHeight * s.filterWidth;

    it('forward with bias and relu', async () => {
      const kernels = await kernelsPromise;
      const bias = randomF32(s.outChannels, 4);
      const k = taps * s.inChannels;
      const got = kernels.conv2d(x, w, shape, bias, 'relu');
      expect(compareToReference(got, conv2dReference(x, w, shape, bias, 'relu'), reductionRtol(k), reductionAtol(k))).toBe('');
    });

    it('backprop input', async () => {
      const kernels = await kernelsPromise;
      const k = taps * s.outChannels;
      const got = kernels.conv2dBackpropInput(dy, w, shape);
      expect(compareToReference(got, conv2dBackpropInputReference(dy, w, shape), reductionRtol(k), reductionAtol(k))).toBe('');
    });

    it('backprop filter', async () => {
      const kernels = await kernelsPromise;
      const k = s.batch * s.outHeight * s.outWidth;
      const got = kernels.conv2dBackpropFilter(x, dy, shape);
      expect(compareToReference(got, conv2dBackpropFilterReference(x, dy, shape), reductionRtol(k), reductionAtol(k))).toBe('');
    });
  });

  it('propagates NaN and Inf through all three passes (padding counts as zeros)', async () => {
    const kernels = await kernelsPromise;
    const shape: Conv2dShape = {
      batch: 1,
      inHeight: 6,
      inWidth: 6,
      inChannels: 2,
      filterHeight: 3,
      filterWidth: 3,
      outChannels: 3,
      pads: [1, 1, 1, 1],
    };
    const x = randomF32(72, 1);
    const w = randomF32(54, 2);
    const dy = randomF32(108, 3);
    x[14] = NaN;
    x[40] = Infinity;
    w[7] = -Infinity;
    dy[50] = NaN;
    const k = 18;
    expect(compareToReference(kernels.conv2d(x, w, shape), conv2dReference(x, w, shape), reductionRtol(k), reductionAtol(k))).toBe('');
    expect(
      compareToReference(
        kernels.conv2dBackpropInput(dy, w, shape),
        conv2dBackpropInputReference(dy, w, shape),
        reductionRtol(27),
        reductionAtol(27),
      ),
    ).toBe('');
    expect(
      compareToReference(
        kernels.conv2dBackpropFilter(x, dy, shape),
        conv2dBackpropFilterReference(x, dy, shape),
        reductionRtol(36),
        reductionAtol(36),
      ),
    ).toBe('');
  });
});

describe('conv2d argument checks and example', () => {
  it('names the op, the argument and the shapes', async () => {
    const kernels = await loadKernels({ feature: 'scalar' });
    const shape: Conv2dShape = { batch: 1, inHeight: 4, inWidth: 4, inChannels: 2, filterHeight: 3, filterWidth: 3, outChannels: 5 };
    expect(() => kernels.conv2d(new Float32Array(31), new Float32Array(90), shape)).toThrow(
      'conv2d: x must hold 32 floats for shape NHWC [1, 4, 4, 2], got 31',
    );
    expect(() => kernels.conv2dBackpropInput(new Float32Array(19), new Float32Array(90), shape)).toThrow(
      'conv2dBackpropInput: dy must hold 20 floats for shape NHWC [1, 2, 2, 5], got 19',
    );
    expect(() => kernels.conv2d(new Float32Array(32), new Float32Array(90), { ...shape, strides: [0, 1] })).toThrow(
      'conv2d: strideHeight must be a positive integer, got 0',
    );
  });

  it('runs the documented examples', async () => {
    const kernels = await loadKernels();
    const shape = { batch: 1, inHeight: 2, inWidth: 2, inChannels: 1, filterHeight: 2, filterWidth: 2, outChannels: 1 };
    expect(Array.from(kernels.conv2d(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 1, 1, 1), shape))).toEqual([10]);
    expect(
      resolveConv2dShape({
        batch: 1,
        inHeight: 5,
        inWidth: 5,
        inChannels: 1,
        filterHeight: 3,
        filterWidth: 3,
        outChannels: 2,
        pads: [1, 1, 1, 1],
      }).outHeight,
    ).toBe(5);
  });
});

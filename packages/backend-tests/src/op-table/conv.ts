/** Convolutions (forward, both backward passes, transposed) and pooling, NHWC. */
import * as lec from '@lec/tensor';
import { type Conv2dOptions, DTypeError, type Padding, ShapeError, type Tensor, ValueError } from '@lec/tensor';
import { SPECIAL_VALUES, cycle, distinct, f } from '../inputs.js';
import { floats, ints } from './helpers.js';
import type { ForwardCase, GradCase, OpEntry } from './types.js';

/** One convolution geometry: x [N, H, W, Cin], filter [kh, kw, Cin, Cout], options. */
interface ConvGeom {
  name: string;
  x: readonly number[];
  w: readonly number[];
  options: Conv2dOptions;
}

function pair(v: number | readonly [number, number] | undefined): [number, number] {
  return v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** conv2d's output shape, the way TensorFlow defines 'same', 'valid' and explicit padding. */
export function convOutputShape(x: readonly number[], w: readonly number[], options: Conv2dOptions): number[] {
  const s = pair(options.strides);
  const d = pair(options.dilations);
  const padding: Padding = options.padding ?? 'valid';
  const size = (i: 0 | 1) => {
    const input = x[1 + i];
    const span = (w[i] - 1) * d[i] + 1;
    if (padding === 'same') return Math.ceil(input / s[i]);
    const [before, after] = padding === 'valid' ? [0, 0] : typeof padding === 'number' ? [padding, padding] : padding[i];
    return Math.max(Math.floor((input + before + after - span) / s[i]) + 1, 0);
  };
  return [x[0], size(0), size(1), w[3]];
}

const GEOMETRIES: ConvGeom[] = [
  { name: '3×3 valid', x: [1, 5, 5, 1], w: [3, 3, 1, 1], options: {} },
  { name: "3×2 'same' (uneven padding)", x: [2, 7, 6, 3], w: [3, 2, 3, 4], options: { padding: 'same' } },
  { name: "stride 2, 'same'", x: [2, 9, 9, 2], w: [3, 3, 2, 5], options: { strides: 2, padding: 'same' } },
  { name: 'dilation 2, valid', x: [1, 8, 8, 3], w: [3, 3, 3, 2], options: { dilations: 2 } },
  {
    name: 'explicit padding, strides [2, 1]',
    x: [1, 6, 7, 2],
    w: [2, 3, 2, 3],
    options: {
      strides: [2, 1],
      padding: [
        [1, 2],
        [0, 1],
      ],
    },
  },
  { name: '1×1, 16 → 17 channels', x: [2, 17, 5, 16], w: [1, 1, 16, 17], options: {} },
  { name: '3×3 over 64 channels (K 576)', x: [1, 6, 6, 64], w: [3, 3, 64, 8], options: { padding: 1 } },
  { name: 'empty batch', x: [0, 5, 5, 2], w: [3, 3, 2, 2], options: {} },
];

const GRAD_GEOMETRIES: ConvGeom[] = [
  { name: '2×2 valid', x: [1, 4, 4, 2], w: [2, 2, 2, 3], options: {} },
  { name: "stride 2, 'same'", x: [1, 5, 5, 1], w: [3, 3, 1, 2], options: { strides: 2, padding: 'same' } },
  { name: 'dilation 2, padding 1', x: [2, 4, 4, 1], w: [2, 2, 1, 1], options: { dilations: 2, padding: 1 } },
];

const K = (g: ConvGeom) => g.w[0] * g.w[1] * g.w[2];
/** Terms summed by the backward passes: dx sums kh·kw·Cout, dw sums N·Ho·Wo. */
const kInput = (g: ConvGeom) => g.w[0] * g.w[1] * g.w[3];
const kFilter = (g: ConvGeom) => {
  const o = convOutputShape(g.x, g.w, g.options);
  return Math.max(o[0] * o[1] * o[2], 1);
};

const specialImage = cycle(SPECIAL_VALUES.filter((v) => Math.abs(v) < 1e30 || !Number.isFinite(v)));

const conv2dEntry: OpEntry = {
  op: 'conv2d',
  tol: 'elementwise',
  forward: [
    ...GEOMETRIES.map(
      (g): ForwardCase => ({
        name: g.name,
        inputs: [f(g.x), f(g.w)],
        fn: ([x, w]) => lec.conv2d(x, w, g.options),
        tol: { reduction: K(g) },
      }),
    ),
    {
      name: 'special values propagate',
      inputs: [f([1, 4, 4, 1], specialImage), f([2, 2, 1, 2])],
      fn: ([x, w]) => lec.conv2d(x, w),
      tol: { reduction: 4 },
    },
    // with a bias (the conv2dBias fast path where a backend has it)
    ...GEOMETRIES.map(
      (g): ForwardCase => ({
        name: `${g.name}, bias`,
        inputs: [f(g.x), f(g.w), f([g.w[3]])],
        fn: ([x, w, b]) => lec.conv2d(x, w, { ...g.options, bias: b }),
        tol: { reduction: K(g) + 1 },
      }),
    ),
  ],
  grad: [
    ...GRAD_GEOMETRIES.map((g): GradCase => ({ name: g.name, inputs: [f(g.x), f(g.w)], fn: ([x, w]) => lec.conv2d(x, w, g.options) })),
    ...GRAD_GEOMETRIES.map(
      (g): GradCase => ({
        name: `${g.name}, bias`,
        inputs: [f(g.x), f(g.w), f([g.w[3]])],
        fn: ([x, w, b]) => lec.conv2d(x, w, { ...g.options, bias: b }),
      }),
    ),
    {
      name: 'bias, x not differentiated (its gradient is skipped)',
      inputs: [f([2, 5, 5, 1]), f([3, 3, 1, 2]), f([2])],
      wrt: [1, 2],
      fn: ([x, w, b]) => lec.conv2d(x, w, { padding: 'same', bias: b }),
    },
  ],
  errors: [
    {
      name: "rank-3 'x'",
      fn: (c) => lec.conv2d(floats(c, new Array(9).fill(1), [3, 3, 1]), floats(c, [1], [1, 1, 1, 1])),
      error: ShapeError,
      arg: 'x',
    },
    {
      name: 'channels differ',
      fn: (c) => lec.conv2d(floats(c, new Array(9).fill(1), [1, 3, 3, 1]), floats(c, [1, 1], [1, 1, 2, 1])),
      error: ShapeError,
      arg: 'filter',
    },
    {
      name: 'bias of the wrong length',
      fn: (c) => lec.conv2d(floats(c, new Array(9).fill(1), [1, 3, 3, 1]), floats(c, [1], [1, 1, 1, 1]), { bias: floats(c, [1, 2]) }),
      error: ShapeError,
      arg: 'bias',
    },
    {
      name: 'stride 0',
      fn: (c) => lec.conv2d(floats(c, new Array(9).fill(1), [1, 3, 3, 1]), floats(c, [1], [1, 1, 1, 1]), { strides: 0 }),
      error: ValueError,
      arg: 'strides',
    },
    {
      name: 'negative padding',
      fn: (c) => lec.conv2d(floats(c, new Array(9).fill(1), [1, 3, 3, 1]), floats(c, [1], [1, 1, 1, 1]), { padding: -1 }),
      error: ValueError,
      arg: 'padding',
    },
    {
      name: 'mixed dtypes',
      fn: (c) => lec.conv2d(floats(c, [1], [1, 1, 1, 1]), ints(c, [1], [1, 1, 1, 1])),
      error: DTypeError,
      arg: 'filter',
    },
  ],
};

const backpropInputEntry: OpEntry = {
  op: 'conv2dBackpropInput',
  tol: 'elementwise',
  forward: GEOMETRIES.map(
    (g): ForwardCase => ({
      name: g.name,
      inputs: [f(convOutputShape(g.x, g.w, g.options)), f(g.w)],
      fn: ([dy, w]) => lec.conv2dBackpropInput(dy, w, g.x, g.options),
      tol: { reduction: kInput(g) },
    }),
  ),
  grad: GRAD_GEOMETRIES.map(
    (g): GradCase => ({
      name: g.name,
      inputs: [f(convOutputShape(g.x, g.w, g.options)), f(g.w)],
      fn: ([dy, w]) => lec.conv2dBackpropInput(dy, w, g.x, g.options),
    }),
  ),
  errors: [
    {
      name: "'dy' of the wrong shape",
      fn: (c) => lec.conv2dBackpropInput(floats(c, [1, 2], [1, 1, 2, 1]), floats(c, [1, 1, 1, 1], [2, 2, 1, 1]), [1, 3, 3, 1]),
      error: ShapeError,
      arg: 'dy',
    },
  ],
};

const backpropFilterEntry: OpEntry = {
  op: 'conv2dBackpropFilter',
  tol: 'elementwise',
  forward: GEOMETRIES.map(
    (g): ForwardCase => ({
      name: g.name,
      inputs: [f(g.x), f(convOutputShape(g.x, g.w, g.options))],
      fn: ([x, dy]) => lec.conv2dBackpropFilter(x, dy, g.w, g.options),
      tol: { reduction: kFilter(g) },
    }),
  ),
  grad: GRAD_GEOMETRIES.map(
    (g): GradCase => ({
      name: g.name,
      inputs: [f(g.x), f(convOutputShape(g.x, g.w, g.options))],
      fn: ([x, dy]) => lec.conv2dBackpropFilter(x, dy, g.w, g.options),
    }),
  ),
  errors: [
    {
      name: "'dy' of the wrong shape",
      fn: (c) => lec.conv2dBackpropFilter(floats(c, new Array(9).fill(1), [1, 3, 3, 1]), floats(c, [1], [1, 1, 1, 1]), [2, 2, 1, 1]),
      error: ShapeError,
      arg: 'dy',
    },
  ],
};

const transposeEntry: OpEntry = {
  op: 'conv2dTranspose',
  tol: 'elementwise',
  forward: [
    {
      name: 'stride 2 upsampling, valid',
      inputs: [f([1, 3, 3, 2]), f([2, 2, 4, 2])],
      fn: ([x, w]) => lec.conv2dTranspose(x, w, { strides: 2 }),
      tol: { reduction: 16 },
    },
    {
      name: "stride 2, 'same'",
      inputs: [f([2, 4, 5, 3]), f([3, 3, 2, 3])],
      fn: ([x, w]) => lec.conv2dTranspose(x, w, { strides: 2, padding: 'same' }),
      tol: { reduction: 27 },
    },
    {
      name: 'explicit output shape',
      inputs: [f([1, 3, 3, 1]), f([3, 3, 1, 1])],
      fn: ([x, w]) => lec.conv2dTranspose(x, w, { strides: 2, padding: 'same', outputShape: [1, 5, 5, 1] }),
      tol: { reduction: 9 },
    },
  ],
  grad: [{ name: 'stride 2', inputs: [f([1, 2, 2, 2]), f([2, 2, 1, 2])], fn: ([x, w]) => lec.conv2dTranspose(x, w, { strides: 2 }) }],
  errors: [
    {
      name: 'filter channels differ',
      fn: (c) => lec.conv2dTranspose(floats(c, [1, 1, 1, 1], [1, 2, 2, 1]), floats(c, [1, 1], [1, 1, 1, 2])),
      error: ShapeError,
      arg: 'filter',
    },
  ],
};

type Pool = (
  x: Tensor,
  window: number | readonly [number, number],
  options?: { strides?: number | readonly [number, number]; padding?: Padding },
) => Tensor;

function poolEntry(op: 'maxPool2d' | 'avgPool2d', pool: Pool): OpEntry {
  const gradGen = op === 'maxPool2d' ? distinct(0.1) : undefined;
  return {
    op,
    tol: op === 'maxPool2d' ? 'exact' : 'elementwise',
    forward: [
      { name: '2×2 windows', inputs: [f([1, 4, 4, 1])], fn: ([x]) => pool(x, 2) },
      { name: "3×3 stride 2 'same'", inputs: [f([2, 7, 7, 3])], fn: ([x]) => pool(x, 3, { strides: 2, padding: 'same' }) },
      { name: '[2, 3] windows, strides [1, 2]', inputs: [f([1, 5, 6, 2])], fn: ([x]) => pool(x, [2, 3], { strides: [1, 2] }) },
      { name: 'explicit padding 1, window 3, stride 1', inputs: [f([1, 4, 5, 2])], fn: ([x]) => pool(x, 3, { strides: 1, padding: 1 }) },
      { name: '16 channels over 17×17', inputs: [f([2, 17, 17, 16])], fn: ([x]) => pool(x, 2) },
      { name: 'special values', inputs: [f([1, 4, 4, 2], cycle(SPECIAL_VALUES))], fn: ([x]) => pool(x, 2) },
    ],
    grad: [
      { name: '2×2 windows', inputs: [f([1, 4, 4, 2], gradGen)], fn: ([x]) => pool(x, 2) },
      { name: "3×3 stride 2 'same'", inputs: [f([1, 5, 5, 1], gradGen)], fn: ([x]) => pool(x, 3, { strides: 2, padding: 'same' }) },
      { name: 'overlapping windows', inputs: [f([2, 4, 4, 1], gradGen)], fn: ([x]) => pool(x, 2, { strides: 1 }) },
    ],
    errors: [
      { name: "rank-3 'x'", fn: (c) => pool(floats(c, [1, 2, 3, 4], [2, 2, 1]), 2), error: ShapeError, arg: 'x' },
      { name: 'window 0', fn: (c) => pool(floats(c, [1, 2, 3, 4], [1, 2, 2, 1]), 0), error: ValueError, arg: 'windowSize' },
      { name: "int32 'x'", fn: (c) => pool(ints(c, [1, 2, 3, 4], [1, 2, 2, 1]), 2), error: DTypeError, arg: 'x' },
    ],
  };
}

export const CONV: OpEntry[] = [
  conv2dEntry,
  backpropInputEntry,
  backpropFilterEntry,
  transposeEntry,
  poolEntry('maxPool2d', lec.maxPool2d),
  poolEntry('avgPool2d', lec.avgPool2d),
];

/**
 * Hostile inputs per op (PyTorch OpInfo error_inputs style), merged into the op table's error
 * cases: sizes whose element count or byte size overflows or exceeds the backend's limit
 * (an OutOfMemoryError naming the op, the bytes and the option to raise, before anything is
 * allocated), non-integer or unsafe dimensions, out-of-range indices and labels, values an
 * int32 tensor cannot hold, and arguments of the wrong kind. Every entry of the table must have
 * error cases or say in NO_BAD_INPUT why none exists (the suite fails otherwise).
 */
import * as lec from '@lec/tensor';
import { BackendError, DTypeError, OutOfMemoryError, ShapeError, ValueError } from '@lec/tensor';
import { floats, ints } from './helpers.js';
import type { CaseContext, ErrorCase } from './types.js';

/** 10^12 elements: over every backend's limit (the wasm maximum, the host's largest typed array). */
const HUGE = [1e6, 1e6];
/** 2^90 elements: the element count itself is over 2^53. */
const OVERFLOWING = [2 ** 30, 2 ** 30, 2 ** 30];
const on = (c: CaseContext) => ({ dtype: c.dtype, backend: c.backend });

/** Creation cases every shape-taking creation op gets. */
function shapeCases(op: string, make: (shape: number[], c: CaseContext) => unknown): ErrorCase[] {
  return [
    { name: `${op} of 10^12 elements`, fn: (c) => make(HUGE, c), error: OutOfMemoryError, arg: 'shape' },
    { name: 'element count over 2^53 (overflow-safe)', fn: (c) => make(OVERFLOWING, c), error: ShapeError, arg: 'shape' },
    { name: 'non-integer dimension', fn: (c) => make([2, 1.5], c), error: ShapeError, arg: 'shape' },
    { name: 'unsafe dimension 2^60', fn: (c) => make([2 ** 60, 0], c), error: ShapeError, arg: 'shape' },
  ];
}

export const HOSTILE_ERRORS: Readonly<Record<string, readonly ErrorCase[]>> = {
  zeros: shapeCases('zeros', (s, c) => lec.zeros(s, on(c))),
  ones: shapeCases('ones', (s, c) => lec.ones(s, on(c))),
  full: shapeCases('full', (s, c) => lec.full(s, 1, on(c))),
  rand: shapeCases('rand', (s, c) => lec.rand(s, on(c))),
  uniform: [
    ...shapeCases('uniform', (s, c) => lec.uniform(s, 0, 1, on(c))),
    { name: 'options as the second argument', fn: (c) => lec.uniform([2], on(c) as never), error: ValueError, arg: 'low' },
    { name: "low 'a'", fn: (c) => lec.uniform([2], 'a' as never, 1, on(c)), error: ValueError, arg: 'low' },
    { name: 'high NaN', fn: (c) => lec.uniform([2], 0, Number.NaN, on(c)), error: ValueError, arg: 'high' },
    { name: 'high below low', fn: (c) => lec.uniform([2], 1, 0, on(c)), error: ValueError, arg: 'high' },
    { name: 'range overflows (-1e308, 1e308)', fn: (c) => lec.uniform([2], -1e308, 1e308, on(c)), error: ValueError, arg: 'high' },
  ],
  randn: shapeCases('randn', (s, c) => lec.randn(s, on(c))),
  bernoulli: shapeCases('bernoulli', (s, c) => lec.bernoulli(s, 0.5, on(c))),
  zerosLike: [{ name: 'not a tensor', fn: () => lec.zerosLike([1, 2] as never), error: ValueError, arg: 't' }],
  onesLike: [{ name: 'not a tensor', fn: () => lec.onesLike(null as never), error: ValueError, arg: 't' }],
  arange: [
    { name: '10^13 elements', fn: (c) => lec.arange(0, 1e13, 1, on(c)), error: OutOfMemoryError, arg: 'stop' },
    { name: 'infinite stop', fn: (c) => lec.arange(0, Number.POSITIVE_INFINITY, 1, on(c)), error: ValueError, arg: 'stop' },
  ],
  linspace: [{ name: '10^13 points', fn: (c) => lec.linspace(0, 1, 1e13, on(c)), error: OutOfMemoryError, arg: 'num' }],
  eye: [{ name: '10^6 × 10^6', fn: (c) => lec.eye(1e6, 1e6, on(c)), error: OutOfMemoryError, arg: 'n' }],
  emptyArray: [
    { name: '10^12 elements', fn: (c) => lec.emptyArray(1e12, on(c)), error: OutOfMemoryError, arg: 'size' },
    { name: '1.5 elements', fn: (c) => lec.emptyArray(1.5, on(c)), error: ShapeError, arg: 'size' },
    { name: '2^60 elements', fn: (c) => lec.emptyArray(2 ** 60, on(c)), error: ShapeError, arg: 'size' },
  ],
  tensor: [
    {
      name: 'int32 value 1.5 (would truncate)',
      fn: (c) => lec.tensor([1.5, 2], [2], { dtype: 'int32', backend: c.backend }),
      error: ValueError,
      arg: 'values',
    },
    {
      name: 'int32 value 2^40 (would wrap)',
      fn: (c) => lec.tensor([1, 2 ** 40], [2], { dtype: 'int32', backend: c.backend }),
      error: ValueError,
      arg: 'values',
    },
    {
      name: "transfer: 'yes'",
      fn: (c) => lec.tensor(new Float32Array(2), [2], { transfer: 'yes' as unknown as boolean, backend: c.backend }),
      error: ValueError,
      arg: 'transfer',
    },
  ],
  pad: [
    {
      name: 'padding to 10^12 elements',
      fn: (c) =>
        lec.pad(floats(c, [1, 2, 3, 4], [2, 2]), [
          [0, 1e6],
          [0, 1e6],
        ]),
      error: OutOfMemoryError,
      arg: 'paddings',
    },
  ],
  broadcastTo: [{ name: 'to 10^12 elements', fn: (c) => lec.broadcastTo(floats(c, [1]), HUGE), error: OutOfMemoryError, arg: 'shape' }],
  oneHot: [
    { name: 'index equal to depth', fn: (c) => lec.oneHot(ints(c, [0, 3]), 3), error: ValueError, arg: 'indices' },
    { name: 'negative index', fn: (c) => lec.oneHot(ints(c, [-1]), 3), error: ValueError, arg: 'indices' },
    { name: 'depth 10^10', fn: (c) => lec.oneHot(ints(c, [0, 1]), 1e10), error: OutOfMemoryError, arg: 'depth' },
  ],
  matmul: [
    {
      name: 'output of 10^10 elements',
      fn: (c) => lec.matmul(floats(c, new Array(1e5).fill(1), [1e5, 1]), floats(c, new Array(1e5).fill(1), [1, 1e5])),
      error: OutOfMemoryError,
      arg: 'b',
    },
  ],
  conv2dTranspose: [
    {
      name: 'stride 10^6 (output of 10^12 elements)',
      fn: (c) => lec.conv2dTranspose(floats(c, [1, 2, 3, 4], [1, 2, 2, 1]), floats(c, [1], [1, 1, 1, 1]), { strides: 1e6 }),
      error: OutOfMemoryError,
      arg: 'strides',
    },
  ],
  softmaxCrossEntropy: [
    {
      name: 'label equal to the class count',
      fn: (c) => lec.softmaxCrossEntropy(floats(c, [1, 2, 3, 1, 2, 3], [2, 3]), ints(c, [0, 3])),
      error: ValueError,
      arg: 'labels',
    },
    {
      name: 'label 7 of 3 classes',
      fn: (c) => lec.softmaxCrossEntropy(floats(c, [1, 2, 3, 1, 2, 3], [2, 3]), ints(c, [0, 7])),
      error: ValueError,
      arg: 'labels',
    },
    {
      name: 'negative label',
      fn: (c) => lec.softmaxCrossEntropy(floats(c, [1, 2, 3, 1, 2, 3], [2, 3]), ints(c, [-1, 0])),
      error: ValueError,
      arg: 'labels',
    },
  ],
  toBackend: [
    { name: 'not a tensor', fn: (c) => lec.toBackend({} as never, c.backend), error: ValueError, arg: 't' },
    { name: 'not a backend', fn: (c) => lec.toBackend(floats(c, [1]), {} as never), error: BackendError, arg: 'backend' },
  ],
  isFinite: [{ name: "a string for 'x'", fn: () => lec.isFinite('1' as never), error: DTypeError, arg: 'x' }],
};

/** Ops with no input they could refuse, and why. */
export const NO_BAD_INPUT: Readonly<Record<string, string>> = {};

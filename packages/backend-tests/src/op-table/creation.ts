/** Creation functions: they store host-made values on the backend (nothing to differentiate). */
import * as lec from '@lec/tensor';
import { DTypeError, ShapeError, ValueError } from '@lec/tensor';
import { SPECIAL_VALUES, f, i32, intsIn } from '../inputs.js';
import type { OpEntry } from './types.js';

const made = 'makes a new tensor from host values (no tensor input to differentiate)';

export const CREATION: OpEntry[] = [
  {
    op: 'tensor',
    tol: 'move',
    forward: [
      {
        name: 'nested arrays',
        inputs: [],
        fn: (_, c) =>
          lec.tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            undefined,
            { dtype: c.dtype },
          ),
      },
      {
        name: 'typed array with a shape',
        inputs: [],
        fn: (_, c) => lec.tensor(new Float64Array([1.5, -2, 3, 4.25]), [2, 2], { dtype: c.dtype }),
      },
      { name: 'special values', inputs: [], fn: (_, c) => lec.tensor([...SPECIAL_VALUES], undefined, { dtype: c.dtype }) },
      { name: 'scalar', inputs: [], fn: (_, c) => lec.tensor(3.5, undefined, { dtype: c.dtype }) },
      { name: 'int32', inputs: [], fn: () => lec.tensor([1, -2, 3], undefined, { dtype: 'int32' }) },
      { name: 'empty', inputs: [], fn: (_, c) => lec.tensor([], undefined, { dtype: c.dtype }) },
    ],
    grad: { notDifferentiable: made },
    errors: [
      { name: 'ragged array', fn: (c) => lec.tensor([[1, 2], [3]], undefined, { dtype: c.dtype }), error: ShapeError, arg: 'values' },
      { name: 'shape of the wrong size', fn: (c) => lec.tensor([1, 2, 3], [2, 2], { dtype: c.dtype }), error: ShapeError, arg: 'shape' },
    ],
  },
  {
    op: 'emptyArray',
    tol: 'move',
    forward: [
      {
        name: 'filled, then transferred',
        inputs: [],
        fn: (_, c) => {
          const a = lec.emptyArray(1031, { dtype: c.dtype });
          for (let i = 0; i < a.length; i++) a[i] = (i % 17) - 8;
          return lec.tensor(a, [1031], { dtype: c.dtype, transfer: true });
        },
      },
      {
        name: 'empty',
        inputs: [],
        fn: (_, c) => lec.tensor(lec.emptyArray(0, { dtype: c.dtype }), [0, 3], { dtype: c.dtype, transfer: true }),
      },
    ],
    grad: { notDifferentiable: 'an array to fill (no tensor input to differentiate)' },
    errors: [{ name: 'negative size', fn: (c) => lec.emptyArray(-1, { dtype: c.dtype }), error: ShapeError, arg: 'size' }],
  },
  {
    op: 'full',
    tol: 'move',
    forward: [
      { name: '[3, 17] of 2.5', inputs: [], fn: (_, c) => lec.full([3, 17], 2.5, { dtype: c.dtype }) },
      { name: 'NaN', inputs: [], fn: (_, c) => lec.full([5], NaN, { dtype: c.dtype }) },
      { name: '-Inf', inputs: [], fn: (_, c) => lec.full([4], -Infinity, { dtype: c.dtype }) },
      { name: 'int32', inputs: [], fn: () => lec.full([2, 2], 7, { dtype: 'int32' }) },
    ],
    grad: { notDifferentiable: made },
    errors: [{ name: 'negative dimension', fn: (c) => lec.full([2, -1], 0, { dtype: c.dtype }), error: ShapeError, arg: 'shape' }],
  },
  {
    op: 'zeros',
    tol: 'move',
    forward: [
      { name: '[1031]', inputs: [], fn: (_, c) => lec.zeros([1031], { dtype: c.dtype }) },
      { name: 'empty [0, 3]', inputs: [], fn: (_, c) => lec.zeros([0, 3], { dtype: c.dtype }) },
    ],
    grad: { notDifferentiable: made },
    errors: [{ name: 'fractional dimension', fn: (c) => lec.zeros([1.5], { dtype: c.dtype }), error: ShapeError, arg: 'shape' }],
  },
  {
    op: 'ones',
    tol: 'move',
    forward: [{ name: '[4, 5]', inputs: [], fn: (_, c) => lec.ones([4, 5], { dtype: c.dtype }) }],
    grad: { notDifferentiable: made },
  },
  {
    op: 'zerosLike',
    tol: 'move',
    forward: [
      { name: 'float [3, 4]', inputs: [f([3, 4])], fn: ([x]) => lec.zerosLike(x) },
      { name: 'int32', inputs: [i32([5], intsIn(-3, 3))], fn: ([x]) => lec.zerosLike(x) },
    ],
    grad: { notDifferentiable: made },
  },
  {
    op: 'onesLike',
    tol: 'move',
    forward: [
      { name: 'float [3, 4]', inputs: [f([3, 4])], fn: ([x]) => lec.onesLike(x) },
      { name: 'int32', inputs: [i32([5], intsIn(-3, 3))], fn: ([x]) => lec.onesLike(x) },
    ],
    grad: { notDifferentiable: made },
  },
  {
    op: 'arange',
    tol: 'move',
    forward: [
      { name: '0 to 17', inputs: [], fn: (_, c) => lec.arange(0, 17, 1, { dtype: c.dtype }) },
      { name: 'fractional step', inputs: [], fn: (_, c) => lec.arange(-1, 1, 0.125, { dtype: c.dtype }) },
      { name: 'negative step', inputs: [], fn: (_, c) => lec.arange(5, -5, -3, { dtype: c.dtype }) },
      { name: 'empty range', inputs: [], fn: (_, c) => lec.arange(3, 3, 1, { dtype: c.dtype }) },
      { name: 'int32', inputs: [], fn: () => lec.arange(0, 1031, 1, { dtype: 'int32' }) },
    ],
    grad: { notDifferentiable: made },
    errors: [{ name: 'step 0', fn: (c) => lec.arange(0, 1, 0, { dtype: c.dtype }), error: ValueError, arg: 'step' }],
  },
  {
    op: 'linspace',
    tol: 'elementwise',
    forward: [
      { name: '0 to 1 in 5', inputs: [], fn: (_, c) => lec.linspace(0, 1, 5, { dtype: c.dtype }) },
      { name: 'one point', inputs: [], fn: (_, c) => lec.linspace(2, 3, 1, { dtype: c.dtype }) },
      { name: 'descending, 1000 points', inputs: [], fn: (_, c) => lec.linspace(10, -10, 1000, { dtype: c.dtype }) },
    ],
    grad: { notDifferentiable: made },
    errors: [{ name: 'negative count', fn: (c) => lec.linspace(0, 1, -1, { dtype: c.dtype }), error: ValueError, arg: 'num' }],
  },
  {
    op: 'eye',
    tol: 'move',
    forward: [
      { name: '5 × 5', inputs: [], fn: (_, c) => lec.eye(5, 5, { dtype: c.dtype }) },
      { name: '3 × 17', inputs: [], fn: (_, c) => lec.eye(3, 17, { dtype: c.dtype }) },
    ],
    grad: { notDifferentiable: made },
    errors: [{ name: 'negative size', fn: (c) => lec.eye(-1, 2, { dtype: c.dtype }), error: ShapeError, arg: 'n' }],
  },
  {
    op: 'uniform',
    tol: 'exact',
    forward: [
      {
        name: 'seeded [17, 16] in [-2, 3)',
        inputs: [],
        fn: (_, c) => lec.uniform([17, 16], -2, 3, { seed: 11, dtype: c.dtype }),
        refSameDtype: true,
      },
    ],
    grad: { notDifferentiable: made },
    errors: [{ name: 'int32 dtype', fn: () => lec.uniform([2], 0, 1, { dtype: 'int32' }), error: DTypeError, arg: 'dtype' }],
  },
  {
    op: 'rand',
    tol: 'exact',
    forward: [{ name: 'seeded [1031]', inputs: [], fn: (_, c) => lec.rand([1031], { seed: 12, dtype: c.dtype }), refSameDtype: true }],
    grad: { notDifferentiable: made },
    errors: [{ name: 'int32 dtype', fn: () => lec.rand([2], { dtype: 'int32' }), error: DTypeError, arg: 'dtype' }],
  },
  {
    op: 'randn',
    tol: 'exact',
    forward: [
      { name: 'seeded [1031]', inputs: [], fn: (_, c) => lec.randn([1031], { seed: 13, dtype: c.dtype }) },
      { name: 'mean 3, std 0.5, odd length', inputs: [], fn: (_, c) => lec.randn([17], { seed: 14, mean: 3, std: 0.5, dtype: c.dtype }) },
    ],
    grad: { notDifferentiable: made },
    errors: [{ name: 'int32 dtype', fn: () => lec.randn([2], { dtype: 'int32' }), error: DTypeError, arg: 'dtype' }],
  },
  {
    op: 'bernoulli',
    tol: 'exact',
    forward: [
      { name: 'p 0.3, seeded [1031]', inputs: [], fn: (_, c) => lec.bernoulli([1031], 0.3, { seed: 15, dtype: c.dtype }) },
      {
        name: 'p 0 and p 1',
        inputs: [],
        fn: (_, c) => lec.concat([lec.bernoulli([5], 0, { seed: 1, dtype: c.dtype }), lec.bernoulli([5], 1, { seed: 1, dtype: c.dtype })]),
      },
    ],
    grad: { notDifferentiable: made },
    errors: [{ name: 'p above 1', fn: (c) => lec.bernoulli([2], 2, { dtype: c.dtype }), error: ValueError, arg: 'p' }],
  },
];

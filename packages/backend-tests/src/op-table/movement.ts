/** Data movement: reshapes, permutations, slices, joins, padding, gathers and casts. */
import * as lec from '@lec/tensor';
import { DTypeError, ShapeError, type Tensor, ValueError, f64Backend, jsBackend } from '@lec/tensor';
import { SPECIAL_VALUES, awayFromGrid, cycle, f, i32, intsIn, uniformIn } from '../inputs.js';
import { floats, ints } from './helpers.js';
import type { OpEntry } from './types.js';

const specials = cycle(SPECIAL_VALUES);
const S = SPECIAL_VALUES.length;

export const MOVEMENT: OpEntry[] = [
  {
    op: 'reshape',
    tol: 'move',
    forward: [
      { name: '[2, 3, 4] to [4, -1]', inputs: [f([2, 3, 4])], fn: ([x]) => lec.reshape(x, [4, -1]) },
      { name: 'to a scalar', inputs: [f([1, 1])], fn: ([x]) => lec.reshape(x, []) },
      { name: 'empty [0, 3] to [3, 0]', inputs: [f([0, 3])], fn: ([x]) => lec.reshape(x, [3, 0]) },
      { name: 'special values', inputs: [f([2, S / 2], specials)], fn: ([x]) => lec.reshape(x, [S]) },
      { name: 'int32', inputs: [i32([6], intsIn(-9, 9))], fn: ([x]) => lec.reshape(x, [3, 2]) },
    ],
    grad: [{ name: '[3, 4] to [2, 6]', inputs: [f([3, 4])], fn: ([x]) => lec.reshape(x, [2, 6]) }],
    errors: [
      { name: 'wrong element count', fn: (c) => lec.reshape(floats(c, [1, 2, 3]), [2, 2]), error: ShapeError, arg: 'shape' },
      { name: 'two -1 entries', fn: (c) => lec.reshape(floats(c, [1, 2, 3, 4]), [-1, -1]), error: ShapeError, arg: 'shape' },
    ],
  },
  {
    op: 'transpose',
    tol: 'move',
    forward: [
      { name: 'matrix [17, 5]', inputs: [f([17, 5])], fn: ([x]) => lec.transpose(x) },
      { name: 'matrix [1031, 3]', inputs: [f([1031, 3])], fn: ([x]) => lec.transpose(x) },
      { name: '[2, 3, 4, 5] perm [3, 1, 0, 2]', inputs: [f([2, 3, 4, 5])], fn: ([x]) => lec.transpose(x, [3, 1, 0, 2]) },
      { name: 'negative axes', inputs: [f([2, 3, 4])], fn: ([x]) => lec.transpose(x, [0, -1, -2]) },
      { name: 'empty [0, 4]', inputs: [f([0, 4])], fn: ([x]) => lec.transpose(x) },
      { name: 'special values', inputs: [f([2, S / 2], specials)], fn: ([x]) => lec.transpose(x) },
      { name: 'int32', inputs: [i32([3, 4], intsIn(-9, 9))], fn: ([x]) => lec.transpose(x) },
    ],
    grad: [{ name: '[2, 3, 4] perm [2, 0, 1]', inputs: [f([2, 3, 4])], fn: ([x]) => lec.transpose(x, [2, 0, 1]) }],
    errors: [
      { name: 'not a permutation', fn: (c) => lec.transpose(floats(c, [1, 2, 3, 4], [2, 2]), [0, 0]), error: ValueError, arg: 'perm' },
    ],
  },
  {
    op: 'permute',
    tol: 'move',
    forward: [{ name: '[2, 3, 4] perm [1, 2, 0]', inputs: [f([2, 3, 4])], fn: ([x]) => lec.permute(x, [1, 2, 0]) }],
    grad: [{ name: '[2, 3, 2] perm [1, 2, 0]', inputs: [f([2, 3, 2])], fn: ([x]) => lec.permute(x, [1, 2, 0]) }],
    errors: [
      {
        name: 'too few axes',
        fn: (c) => lec.permute(floats(c, [1, 2, 3, 4], [2, 2]), [0]),
        error: ValueError,
        arg: 'perm',
        op: 'transpose',
      },
    ],
  },
  {
    op: 'slice',
    tol: 'move',
    forward: [
      { name: 'block of [5, 17]', inputs: [f([5, 17])], fn: ([x]) => lec.slice(x, [1, 3], [3, 13]) },
      { name: 'to the end (-1 and missing)', inputs: [f([4, 5, 6])], fn: ([x]) => lec.slice(x, [1, 2], [-1]) },
      { name: 'empty slice', inputs: [f([4, 5])], fn: ([x]) => lec.slice(x, [2, 1], [0, 3]) },
      { name: 'unaligned offset of 1031', inputs: [f([1031])], fn: ([x]) => lec.slice(x, [3], [1025]) },
      { name: 'special values', inputs: [f([S], specials)], fn: ([x]) => lec.slice(x, [1], [S - 2]) },
    ],
    grad: [{ name: 'block of [3, 4]', inputs: [f([3, 4])], fn: ([x]) => lec.slice(x, [1, 1], [2, 2]) }],
    errors: [{ name: 'out of bounds', fn: (c) => lec.slice(floats(c, [1, 2, 3]), [2], [2]), error: ShapeError, arg: 'x' }],
  },
  {
    op: 'concat',
    tol: 'move',
    forward: [
      { name: 'axis 0', inputs: [f([2, 3]), f([5, 3]), f([1, 3])], fn: (xs) => lec.concat(xs, 0) },
      { name: 'axis 1 (last), odd widths', inputs: [f([3, 1]), f([3, 17]), f([3, 4])], fn: (xs) => lec.concat(xs, -1) },
      { name: 'middle axis with an empty part', inputs: [f([2, 0, 3]), f([2, 4, 3])], fn: (xs) => lec.concat(xs, 1) },
      { name: 'one tensor', inputs: [f([3])], fn: (xs) => lec.concat(xs) },
      { name: 'special values', inputs: [f([S], specials), f([S], specials)], fn: (xs) => lec.concat(xs) },
      { name: 'int32', inputs: [i32([2], intsIn(-9, 9)), i32([3], intsIn(-9, 9))], fn: (xs) => lec.concat(xs) },
    ],
    grad: [{ name: 'axis 1', inputs: [f([2, 1]), f([2, 3])], fn: (xs) => lec.concat(xs, 1) }],
    errors: [
      {
        name: 'mismatched shapes',
        fn: (c) => lec.concat([floats(c, [1, 2], [1, 2]), floats(c, [1, 2, 3], [1, 3])], 0),
        error: ShapeError,
        arg: 'xs[1]',
      },
      { name: 'no tensors', fn: () => lec.concat([]), error: ValueError, arg: 'xs' },
      { name: 'mixed dtypes', fn: (c) => lec.concat([floats(c, [1]), ints(c, [1])]), error: DTypeError, arg: 'xs[1]' },
    ],
  },
  {
    op: 'stack',
    tol: 'move',
    forward: [
      { name: 'axis 0', inputs: [f([2, 3]), f([2, 3]), f([2, 3])], fn: (xs) => lec.stack(xs) },
      { name: 'axis -1', inputs: [f([2, 3]), f([2, 3])], fn: (xs) => lec.stack(xs, -1) },
      { name: 'scalars', inputs: [f([]), f([])], fn: (xs) => lec.stack(xs) },
    ],
    grad: [{ name: 'axis 1', inputs: [f([2, 3]), f([2, 3])], fn: (xs) => lec.stack(xs, 1) }],
    errors: [
      { name: 'no tensors', fn: () => lec.stack([]), error: ValueError, arg: 'xs' },
      {
        name: 'mismatched shapes',
        fn: (c) => lec.stack([floats(c, [1, 2]), floats(c, [1, 2, 3])]),
        error: ShapeError,
        arg: 'xs[1]',
        op: 'concat',
      },
    ],
  },
  {
    op: 'split',
    tol: 'move',
    forward: [
      { name: 'equal parts along axis 1', inputs: [f([2, 12])], fn: ([x]) => lec.split(x, 3, 1) },
      { name: 'listed sizes with an empty part', inputs: [f([17, 2])], fn: ([x]) => lec.split(x, [5, 0, 12]) },
    ],
    grad: [{ name: 'listed sizes', inputs: [f([5, 2])], fn: ([x]) => lec.split(x, [2, 3]) }],
    errors: [
      { name: 'unequal parts', fn: (c) => lec.split(floats(c, [1, 2, 3, 4, 5]), 3), error: ShapeError, arg: 'x' },
      { name: 'sizes that do not add up', fn: (c) => lec.split(floats(c, [1, 2, 3]), [1, 1]), error: ShapeError, arg: 'sizes' },
    ],
  },
  {
    op: 'squeeze',
    tol: 'move',
    forward: [
      { name: 'every size-1 axis', inputs: [f([1, 3, 1, 2])], fn: ([x]) => lec.squeeze(x) },
      { name: 'one axis', inputs: [f([1, 3, 1])], fn: ([x]) => lec.squeeze(x, 2) },
    ],
    grad: [{ name: 'every size-1 axis', inputs: [f([1, 3, 1])], fn: ([x]) => lec.squeeze(x) }],
    errors: [{ name: 'axis of size 3', fn: (c) => lec.squeeze(floats(c, [1, 2, 3]), 0), error: ShapeError, arg: 'x' }],
  },
  {
    op: 'expandDims',
    tol: 'move',
    forward: [
      { name: 'axis 0', inputs: [f([3])], fn: ([x]) => lec.expandDims(x) },
      { name: 'axis -1', inputs: [f([2, 3])], fn: ([x]) => lec.expandDims(x, -1) },
    ],
    grad: [{ name: 'axis 1', inputs: [f([2, 3])], fn: ([x]) => lec.expandDims(x, 1) }],
    errors: [{ name: 'axis out of range', fn: (c) => lec.expandDims(floats(c, [1, 2]), 3), error: ValueError, arg: 'axis' }],
  },
  {
    op: 'pad',
    tol: 'move',
    forward: [
      {
        name: 'both sides of [3, 5]',
        inputs: [f([3, 5])],
        fn: ([x]) =>
          lec.pad(x, [
            [1, 2],
            [0, 3],
          ]),
      },
      {
        name: 'constant -Inf, NHWC spatial',
        inputs: [f([1, 3, 3, 2])],
        fn: ([x]) =>
          lec.pad(
            x,
            [
              [0, 0],
              [1, 1],
              [2, 0],
              [0, 0],
            ],
            -Infinity,
          ),
      },
      {
        name: 'empty input',
        inputs: [f([0, 2])],
        fn: ([x]) =>
          lec.pad(
            x,
            [
              [1, 1],
              [1, 1],
            ],
            7,
          ),
      },
      { name: 'no padding', inputs: [f([4])], fn: ([x]) => lec.pad(x, [[0, 0]]) },
    ],
    grad: [
      {
        name: 'both sides',
        inputs: [f([2, 3])],
        fn: ([x]) =>
          lec.pad(
            x,
            [
              [1, 0],
              [2, 1],
            ],
            0.5,
          ),
      },
    ],
    errors: [
      {
        name: 'wrong number of pairs',
        fn: (c) =>
          lec.pad(floats(c, [1, 2]), [
            [1, 1],
            [1, 1],
          ]),
        error: ShapeError,
        arg: 'paddings',
      },
    ],
  },
  {
    op: 'broadcastTo',
    tol: 'move',
    forward: [
      { name: '[3] to [4, 3]', inputs: [f([3])], fn: ([x]) => lec.broadcastTo(x, [4, 3]) },
      { name: '[2, 1, 3] to [5, 2, 17, 3]', inputs: [f([2, 1, 3])], fn: ([x]) => lec.broadcastTo(x, [5, 2, 17, 3]) },
      { name: 'scalar to [1031]', inputs: [f([])], fn: ([x]) => lec.broadcastTo(x, [1031]) },
      { name: 'to an empty shape', inputs: [f([1, 3])], fn: ([x]) => lec.broadcastTo(x, [0, 3]) },
      { name: 'int32', inputs: [i32([2, 1], intsIn(-9, 9))], fn: ([x]) => lec.broadcastTo(x, [2, 5]) },
    ],
    grad: [{ name: '[2, 1] to [3, 2, 4]', inputs: [f([2, 1])], fn: ([x]) => lec.broadcastTo(x, [3, 2, 4]) }],
    errors: [
      { name: 'incompatible', fn: (c) => lec.broadcastTo(floats(c, [1, 2, 3], [3]), [4, 2]), error: ShapeError, arg: 'x' },
      { name: 'fewer dimensions', fn: (c) => lec.broadcastTo(floats(c, [1, 2], [1, 2]), [2]), error: ShapeError, arg: 'x' },
    ],
  },
  {
    op: 'gather',
    tol: 'move',
    forward: [
      { name: 'rows of [7, 5] (embedding lookup)', inputs: [f([7, 5]), i32([9], intsIn(0, 6))], fn: ([x, i]) => lec.gather(x, i) },
      { name: 'axis 1 with index shape [2, 3]', inputs: [f([4, 6, 2]), i32([2, 3], intsIn(0, 5))], fn: ([x, i]) => lec.gather(x, i, 1) },
      { name: 'last axis, 1000 indices', inputs: [f([3, 17]), i32([1000], intsIn(0, 16))], fn: ([x, i]) => lec.gather(x, i, -1) },
      { name: 'no indices', inputs: [f([3, 2]), i32([0], intsIn(0, 2))], fn: ([x, i]) => lec.gather(x, i) },
      { name: 'int32 values', inputs: [i32([5], intsIn(-9, 9)), i32([3], intsIn(0, 4))], fn: ([x, i]) => lec.gather(x, i) },
    ],
    grad: [{ name: 'repeated rows', inputs: [f([4, 3]), i32([6], cycle([0, 2, 2, 3, 0, 0]))], fn: ([x, i]) => lec.gather(x, i) }],
    errors: [{ name: 'float indices', fn: (c) => lec.gather(floats(c, [1, 2]), floats(c, [0])), error: DTypeError, arg: 'indices' }],
  },
  {
    op: 'scatterAdd',
    tol: 'elementwise',
    forward: [
      { name: 'repeated indices add up', inputs: [i32([9], intsIn(0, 3)), f([9, 5])], fn: ([i, u]) => lec.scatterAdd([4, 5], i, u) },
      { name: 'axis 1', inputs: [i32([6], intsIn(0, 2)), f([2, 6, 3])], fn: ([i, u]) => lec.scatterAdd([2, 3, 3], i, u, 1) },
      {
        name: '1000 updates into 17 slots',
        inputs: [i32([1000], intsIn(0, 16)), f([1000])],
        fn: ([i, u]) => lec.scatterAdd([17], i, u),
        tol: { reduction: 100 },
      },
      { name: 'no updates', inputs: [i32([0], intsIn(0, 2)), f([0, 2])], fn: ([i, u]) => lec.scatterAdd([3, 2], i, u) },
    ],
    grad: [
      {
        name: 'repeated indices',
        inputs: [i32([5], cycle([0, 2, 0, 1, 2])), f([5, 2])],
        fn: ([i, u]) => lec.scatterAdd([3, 2], i, u),
        wrt: [1],
      },
    ],
    errors: [
      {
        name: 'updates of the wrong shape',
        fn: (c) => lec.scatterAdd([3], ints(c, [0, 1]), floats(c, [1, 2, 3])),
        error: ShapeError,
        arg: 'updates',
      },
      { name: 'float indices', fn: (c) => lec.scatterAdd([3], floats(c, [0]), floats(c, [1])), error: DTypeError, arg: 'indices' },
    ],
  },
  {
    op: 'where',
    tol: 'move',
    forward: [
      { name: 'same shapes, 1031', inputs: [i32([1031], intsIn(0, 1)), f([1031]), f([1031])], fn: ([c, a, b]) => lec.where(c, a, b) },
      { name: 'all three broadcast', inputs: [i32([3, 1], intsIn(0, 1)), f([1, 4]), f([])], fn: ([c, a, b]) => lec.where(c, a, b) },
      { name: 'number operand', inputs: [i32([5], intsIn(0, 1)), f([5])], fn: ([c, a]) => lec.where(c, a, -2) },
      {
        name: 'special values',
        inputs: [i32([S], intsIn(0, 1)), f([S], specials), f([S], cycle([...SPECIAL_VALUES].reverse()))],
        fn: ([c, a, b]) => lec.where(c, a, b),
      },
    ],
    grad: [
      { name: 'broadcast', inputs: [i32([3, 4], intsIn(0, 1)), f([3, 4]), f([4])], fn: ([c, a, b]) => lec.where(c, a, b), wrt: [1, 2] },
    ],
    errors: [
      { name: 'float cond', fn: (c) => lec.where(floats(c, [1]), floats(c, [1]), floats(c, [2])), error: DTypeError, arg: 'cond' },
      { name: 'shapes that do not broadcast', fn: (c) => lec.where(ints(c, [1, 0, 1]), floats(c, [1, 2]), 0), error: ShapeError, arg: 'a' },
    ],
  },
  {
    op: 'cast',
    tol: 'exact',
    forward: [
      {
        name: 'float to int32 truncates',
        inputs: [f([17], cycle([-2.7, -1.5, -0.5, -0, 0.5, 1.5, 2.7, 1e9, -1e9, 3, 5.99]))],
        fn: ([x]) => lec.cast(x, 'int32'),
      },
      { name: 'int32 to float', inputs: [i32([1031], intsIn(-1000, 1000))], fn: ([x], c) => lec.cast(x, c.dtype) },
      {
        name: 'float to float64 and back',
        inputs: [f([16])],
        fn: ([x], c) => lec.cast(lec.cast(x, 'float64'), c.dtype),
        needsFloat64: true,
      },
      {
        name: 'float64 to float32 rounds',
        inputs: [f([9], uniformIn(-1e3, 1e3))],
        fn: ([x]) => lec.cast(lec.cast(x, 'float64'), 'float32'),
        tol: 'elementwise',
        needsFloat64: true,
      },
    ],
    grad: [
      {
        name: 'through float32 and back',
        inputs: [f([3, 4], awayFromGrid(-2, 2, 1, 0, 0.1))],
        fn: ([x]) => lec.cast(lec.cast(x, 'float32'), 'float64'),
        // cast through float32 is piecewise constant at the 1e-7 scale; a step of 1e-2 sees the identity it is
        eps: 1e-2,
      },
    ],
    errors: [{ name: 'unsupported dtype', fn: (c) => lec.cast(floats(c, [1]), 'int8' as 'int32'), error: DTypeError, arg: 'dtype' }],
  },
  {
    op: 'oneHot',
    tol: 'exact',
    forward: [
      { name: 'depth 5', inputs: [i32([7], intsIn(0, 4))], fn: ([i], c) => lec.oneHot(i, 5, c.dtype) },
      { name: 'index shape [2, 3], depth 17, int32 out', inputs: [i32([2, 3], intsIn(0, 16))], fn: ([i]) => lec.oneHot(i, 17, 'int32') },
    ],
    grad: { notDifferentiable: 'its input is int32 indices' },
    errors: [
      { name: 'float indices', fn: (c) => lec.oneHot(floats(c, [0]), 3), error: DTypeError, arg: 'indices' },
      { name: 'negative depth', fn: (c) => lec.oneHot(ints(c, [0]), -1), error: ValueError, arg: 'depth' },
    ],
  },
  {
    op: 'toBackend',
    tol: 'move',
    forward: [
      {
        name: 'round trip through another backend',
        inputs: [f([S], specials)],
        fn: ([x], c) => lec.toBackend(lec.toBackend(x, jsBackend()), c.backend),
      },
      { name: 'to the same backend is the same tensor', inputs: [f([3])], fn: ([x], c) => lec.toBackend(x, c.backend) },
      {
        name: 'int32 round trip',
        inputs: [i32([5], intsIn(-9, 9))],
        fn: ([x], c) => lec.toBackend(lec.toBackend(x, f64Backend()), c.backend),
      },
    ],
    grad: { notDifferentiable: 'copies values between backends; not recorded on the tape' },
  },
];

export type { Tensor };

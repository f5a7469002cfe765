/** Optimizer updates: adamUpdate, sgdUpdate and rmspropUpdate (the fused steps behind @lec/nn's Adam, AdamW, SGD and RMSProp) and allFinite (the optimizers' all-or-nothing check). */
import * as lec from '@lec/tensor';
import { ShapeError, type Tensor, ValueError } from '@lec/tensor';
import { f, uniformIn } from '../inputs.js';
import { floats } from './helpers.js';
import type { ForwardCase, OpEntry } from './types.js';

const moments = (shape: readonly number[]) => [
  f(shape, uniformIn(-1, 1)),
  f(shape, uniformIn(-1, 1)),
  f(shape, uniformIn(-0.1, 0.1)),
  f(shape, uniformIn(0, 0.01)),
];

const adamCases: ForwardCase[] = [
  ...[0, 1, 5, 17, 1031].map((n) => ({
    name: `step 7, size ${n}`,
    inputs: moments([n]),
    fn: ([w, g, m, v]: Tensor[]) => lec.adamUpdate(w, g, m, v, { learningRate: 1e-2, step: 7 }),
  })),
  {
    name: 'first step (m and v null), matrix [4, 9]',
    inputs: moments([4, 9]).slice(0, 2),
    fn: ([w, g]) => lec.adamUpdate(w, g, null, null, { learningRate: 1e-3, step: 1 }),
  },
  {
    name: 'L2 weight decay, other betas',
    inputs: moments([3, 5]),
    fn: ([w, g, m, v]) =>
      lec.adamUpdate(w, g, m, v, { learningRate: 3e-3, step: 100, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1 }),
  },
  {
    name: 'decoupled decay (AdamW)',
    inputs: moments([33]),
    fn: ([w, g, m, v]) => lec.adamUpdate(w, g, m, v, { learningRate: 0.1, step: 2, decoupledDecay: 0.05 }),
  },
  {
    name: 'scalar []',
    inputs: moments([]),
    fn: ([w, g, m, v]) => lec.adamUpdate(w, g, m, v, { learningRate: 0.5, step: 3 }),
  },
];

/** sgdUpdate's [w, b] with a null b (no momentum) left out, so the suite compares tensors only. */
const sgd = (r: [Tensor, Tensor | null]) => (r[1] === null ? [r[0]] : [r[0], r[1]]);

const sgdCases: ForwardCase[] = [
  ...[0, 1, 5, 17, 1031].map((n) => ({
    name: `momentum 0.9, size ${n}`,
    inputs: moments([n]).slice(0, 3),
    fn: ([w, g, b]: Tensor[]) => sgd(lec.sgdUpdate(w, g, b, { learningRate: 1e-2, momentum: 0.9 })),
  })),
  {
    name: 'plain SGD (no momentum, no state), matrix [4, 9]',
    inputs: moments([4, 9]).slice(0, 2),
    fn: ([w, g]) => sgd(lec.sgdUpdate(w, g, null, { learningRate: 0.1 })),
  },
  {
    name: 'first momentum step (b null), Nesterov, weight decay',
    inputs: moments([3, 5]).slice(0, 2),
    fn: ([w, g]) => sgd(lec.sgdUpdate(w, g, null, { learningRate: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1 })),
  },
  {
    name: 'Nesterov with state, scalar []',
    inputs: moments([]).slice(0, 3),
    fn: ([w, g, b]) => sgd(lec.sgdUpdate(w, g, b, { learningRate: 0.5, momentum: 0.5, nesterov: true })),
  },
  {
    name: 'NaN, ±∞ in w, g and b spread as in the composite (no penalty: an infinite w stays, no 0·∞)',
    inputs: [f([7], uniformIn(-1, 1)), f([7], uniformIn(-1, 1)), f([7], uniformIn(-1, 1))],
    fn: ([w, g, b]) => {
      const bad = lec.tensor([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 0, 0, 0], [7], { dtype: w.dtype });
      const rot = lec.tensor([0, 0, 0, Number.NaN, Number.POSITIVE_INFINITY, 0, 0], [7], { dtype: w.dtype });
      return [
        ...sgd(lec.sgdUpdate(lec.add(w, bad), g, lec.add(b, rot), { learningRate: 0.1, momentum: 0.9 })),
        ...sgd(lec.sgdUpdate(w, lec.add(g, rot), null, { learningRate: 0.1 })),
      ];
    },
  },
];

/** rmspropUpdate's [w, s, d] with a null d (no momentum) left out. */
const rms = (r: [Tensor, Tensor, Tensor | null]) => (r[2] === null ? [r[0], r[1]] : [r[0], r[1], r[2]]);

const rmspropCases: ForwardCase[] = [
  ...[0, 1, 5, 17, 1031].map((n) => ({
    name: `with state, size ${n}`,
    inputs: moments([n]),
    fn: ([w, g, , s]: Tensor[]) => rms(lec.rmspropUpdate(w, g, s, null, { learningRate: 1e-2 })),
  })),
  {
    name: 'first step (s null), matrix [4, 9], rho 0.5, epsilon 1e-3',
    inputs: moments([4, 9]).slice(0, 2),
    fn: ([w, g]) => rms(lec.rmspropUpdate(w, g, null, null, { learningRate: 1e-3, rho: 0.5, epsilon: 1e-3 })),
  },
  {
    name: 'momentum and weight decay, first step then with state',
    inputs: moments([3, 5]),
    fn: ([w, g, d, s]) => [
      ...rms(lec.rmspropUpdate(w, g, null, null, { learningRate: 0.05, momentum: 0.9, weightDecay: 0.1 })),
      ...rms(lec.rmspropUpdate(w, g, s, d, { learningRate: 0.05, momentum: 0.9, weightDecay: 0.1 })),
    ],
  },
  {
    name: 'scalar [], epsilon 0 and a zero gradient (0/0 is NaN)',
    inputs: moments([]),
    fn: ([w, g, , s]) => [
      ...rms(lec.rmspropUpdate(w, g, s, null, { learningRate: 0.5 })),
      ...rms(lec.rmspropUpdate(w, lec.mul(g, 0), null, null, { learningRate: 0.5, epsilon: 0 })),
    ],
  },
];

/** allFinite as a [1] (true) or [0] tensor, so the suite compares it like any result. */
const finiteFlag = (ts: readonly Tensor[]) => lec.tensor([lec.allFinite(ts) ? 1 : 0], [1], { dtype: 'int32' });

const allFiniteCases: ForwardCase[] = [
  {
    name: 'finite, sizes 0, 5, 1031',
    inputs: [f([0], uniformIn(-1, 1)), f([5], uniformIn(-1, 1)), f([1031], uniformIn(-1, 1))],
    fn: finiteFlag,
  },
  { name: 'no tensors', inputs: [], fn: () => finiteFlag([]) },
  {
    name: 'an infinity in the second of three',
    inputs: [f([7], uniformIn(-1, 1)), f([9], uniformIn(1, 2)), f([3], uniformIn(-1, 1))],
    fn: ([a, b, c]) => finiteFlag([a, lec.div(b, 0), c]),
  },
  {
    name: 'a NaN in the tail of a long one',
    inputs: [f([1030], uniformIn(-1, 1)), f([1], uniformIn(-1, 1))],
    fn: ([a, b]) => finiteFlag([lec.concat([a, lec.mul(b, Number.NaN)])]),
  },
  {
    name: 'the outputs of an Adam step (the wasm kernel vouches for them)',
    inputs: moments([17]),
    fn: ([w, g, m, v]) => finiteFlag(lec.adamUpdate(w, g, m, v, { learningRate: 1e-2, step: 7 })),
  },
  {
    name: 'an Adam step that overflows (epsilon 0, v 0)',
    inputs: moments([5]).slice(0, 2),
    fn: ([w, g]) => finiteFlag(lec.adamUpdate(w, lec.mul(g, 0), null, null, { learningRate: 1e-2, step: 1, epsilon: 0 })),
  },
];

export const OPTIM: readonly OpEntry[] = [
  {
    op: 'rmspropUpdate',
    tol: 'transcendental',
    forward: rmspropCases,
    grad: { notDifferentiable: 'an optimizer update (computed outside any gradient tape)' },
    errors: [
      {
        name: "'s' of another shape",
        fn: (c) => lec.rmspropUpdate(floats(c, [1, 2]), floats(c, [1, 2]), floats(c, [1, 2, 3]), null, { learningRate: 0.1 }),
        error: ShapeError,
        arg: 's',
      },
      {
        name: 'rho 1',
        fn: (c) => lec.rmspropUpdate(floats(c, [1]), floats(c, [1]), null, null, { learningRate: 0.1, rho: 1 }),
        error: ValueError,
        arg: 'rho',
      },
      {
        name: "'d' without momentum",
        fn: (c) => lec.rmspropUpdate(floats(c, [1]), floats(c, [1]), floats(c, [1]), floats(c, [0]), { learningRate: 0.1 }),
        error: ValueError,
        arg: 'd',
      },
      {
        name: "'d' without 's'",
        fn: (c) => lec.rmspropUpdate(floats(c, [1]), floats(c, [1]), null, floats(c, [0]), { learningRate: 0.1, momentum: 0.5 }),
        error: ValueError,
        arg: 'd',
      },
      {
        name: 'negative epsilon',
        fn: (c) => lec.rmspropUpdate(floats(c, [1]), floats(c, [1]), null, null, { learningRate: 0.1, epsilon: -1 }),
        error: ValueError,
        arg: 'epsilon',
      },
    ],
  },
  {
    op: 'sgdUpdate',
    tol: 'elementwise',
    forward: sgdCases,
    grad: { notDifferentiable: 'an optimizer update (computed outside any gradient tape)' },
    errors: [
      {
        name: "'b' of another shape",
        fn: (c) => lec.sgdUpdate(floats(c, [1, 2]), floats(c, [1, 2]), floats(c, [1, 2, 3]), { learningRate: 0.1, momentum: 0.9 }),
        error: ShapeError,
        arg: 'b',
      },
      {
        name: 'momentum 1',
        fn: (c) => lec.sgdUpdate(floats(c, [1]), floats(c, [1]), null, { learningRate: 0.1, momentum: 1 }),
        error: ValueError,
        arg: 'momentum',
      },
      {
        name: 'Nesterov without momentum',
        fn: (c) => lec.sgdUpdate(floats(c, [1]), floats(c, [1]), null, { learningRate: 0.1, nesterov: true }),
        error: ValueError,
        arg: 'nesterov',
      },
      {
        name: 'a momentum state with momentum 0',
        fn: (c) => lec.sgdUpdate(floats(c, [1]), floats(c, [1]), floats(c, [0]), { learningRate: 0.1 }),
        error: ValueError,
        arg: 'b',
      },
      {
        name: 'learning rate NaN',
        fn: (c) => lec.sgdUpdate(floats(c, [1]), floats(c, [1]), null, { learningRate: Number.NaN }),
        error: ValueError,
        arg: 'learningRate',
      },
    ],
  },
  {
    op: 'allFinite',
    tol: 'exact',
    forward: allFiniteCases,
    grad: { notDifferentiable: 'returns a boolean' },
    errors: [
      { name: "'tensors' not an array", fn: () => lec.allFinite(1 as never), error: ValueError, arg: 'tensors' },
      { name: 'a number among the tensors', fn: (c) => lec.allFinite([floats(c, [1]), 2 as never]), error: ValueError, arg: 'tensors' },
    ],
  },
  {
    op: 'adamUpdate',
    tol: 'transcendental',
    forward: adamCases,
    grad: { notDifferentiable: 'an optimizer update (computed outside any gradient tape)' },
    errors: [
      {
        name: "'g' of another shape",
        fn: (c) => lec.adamUpdate(floats(c, [1, 2]), floats(c, [1, 2, 3]), null, null, { learningRate: 0.1, step: 1 }),
        error: ShapeError,
        arg: 'g',
      },
      {
        name: "'m' without 'v'",
        fn: (c) => lec.adamUpdate(floats(c, [1]), floats(c, [1]), floats(c, [0]), null, { learningRate: 0.1, step: 1 }),
        error: ValueError,
        arg: 'm',
      },
      {
        name: 'step 0',
        fn: (c) => lec.adamUpdate(floats(c, [1]), floats(c, [1]), null, null, { learningRate: 0.1, step: 0 }),
        error: ValueError,
        arg: 'step',
      },
    ],
  },
];

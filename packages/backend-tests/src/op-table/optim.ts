/** Optimizer updates: adamUpdate (the fused Adam step behind @lec/nn's Adam and AdamW). */
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

export const OPTIM: readonly OpEntry[] = [
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

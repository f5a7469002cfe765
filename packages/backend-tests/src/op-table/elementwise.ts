/** Elementwise ops: unary math, activations, binary arithmetic and comparisons. */
import * as lec from '@lec/tensor';
import { type Tensor, ValueError } from '@lec/tensor';
import { SPECIAL_VALUES, awayFromGrid, awayFromZero, crossFirst, cycle, f, i32, intsIn, uniformIn } from '../inputs.js';
import { binaryErrors, binaryForward, binaryGrad, floats, intInputError, unaryForward, unaryGrad } from './helpers.js';
import type { OpEntry } from './types.js';

type Unary = (x: Tensor) => Tensor;

interface UnarySpec {
  op: string;
  fn: Unary;
  tol: OpEntry['tol'];
  /** Values for the forward cases (the domain). */
  gen?: ReturnType<typeof uniformIn>;
  /** Values for the gradient check (away from kinks and jumps). */
  gradGen?: ReturnType<typeof uniformIn>;
  /** Gradient check step, when the default 1e-6 does not suit (say why). */
  eps?: number;
  /** Set for ops without gradients. */
  notDifferentiable?: string;
  /** Error cases: default an int32 input. */
  intError?: boolean;
}

function unary(s: UnarySpec): OpEntry {
  const gen = s.gen ?? uniformIn(-3, 3);
  return {
    op: s.op,
    tol: s.tol,
    forward: unaryForward(s.fn, gen),
    grad: s.notDifferentiable
      ? { notDifferentiable: s.notDifferentiable }
      : unaryGrad(s.fn, s.gradGen ?? gen).map((g) => ({ ...g, eps: s.eps })),
    errors: s.intError === false ? [] : [intInputError(s.op, s.fn)],
  };
}

const positive = uniformIn(0.1, 4);
const kinkFree = awayFromZero(0.1, 3);
/** floor/ceil jump at integers, round at halves: the gradient check stays away from both. */
const offGrid = awayFromGrid(-3, 3, 0.5, 0, 0.1);

export const UNARY: OpEntry[] = [
  unary({ op: 'abs', fn: lec.abs, tol: 'move', gradGen: kinkFree }),
  unary({ op: 'neg', fn: lec.neg, tol: 'move' }),
  unary({ op: 'sign', fn: lec.sign, tol: 'exact', gradGen: kinkFree }),
  unary({ op: 'floor', fn: lec.floor, tol: 'exact', gen: uniformIn(-5, 5), gradGen: offGrid }),
  unary({ op: 'ceil', fn: lec.ceil, tol: 'exact', gen: uniformIn(-5, 5), gradGen: offGrid }),
  unary({
    op: 'round',
    fn: lec.round,
    tol: 'exact',
    gen: cycle([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, -3.7, 2.2, 7.5]),
    gradGen: offGrid,
  }),
  unary({ op: 'relu', fn: lec.relu, tol: 'exact', gradGen: kinkFree }),
  unary({ op: 'square', fn: lec.square, tol: 'elementwise' }),
  unary({ op: 'sqrt', fn: lec.sqrt, tol: 'elementwise', gen: positive }),
  unary({ op: 'reciprocal', fn: lec.reciprocal, tol: 'elementwise', gen: kinkFree }),
  unary({ op: 'exp', fn: lec.exp, tol: 'transcendental', gen: uniformIn(-10, 10), gradGen: uniformIn(-2, 2) }),
  unary({ op: 'expm1', fn: lec.expm1, tol: 'transcendental', gen: uniformIn(-10, 10), gradGen: uniformIn(-2, 2) }),
  unary({ op: 'log', fn: lec.log, tol: 'transcendental', gen: uniformIn(1e-3, 100), gradGen: positive }),
  unary({ op: 'log1p', fn: lec.log1p, tol: 'transcendental', gen: uniformIn(-0.9, 100), gradGen: uniformIn(-0.5, 3) }),
  unary({ op: 'tanh', fn: lec.tanh, tol: 'transcendental' }),
  unary({ op: 'sigmoid', fn: lec.sigmoid, tol: 'transcendental', gen: uniformIn(-20, 20), gradGen: uniformIn(-4, 4) }),
  unary({ op: 'sin', fn: lec.sin, tol: 'transcendental', gen: uniformIn(-10, 10) }),
  unary({ op: 'cos', fn: lec.cos, tol: 'transcendental', gen: uniformIn(-10, 10) }),
  unary({ op: 'softplus', fn: lec.softplus, tol: 'transcendental', gen: uniformIn(-30, 30), gradGen: uniformIn(-4, 4) }),
  unary({ op: 'elu', fn: (x) => lec.elu(x), tol: 'transcendental', gradGen: kinkFree }),
  unary({ op: 'leakyRelu', fn: (x) => lec.leakyRelu(x, 0.2), tol: 'elementwise', gradGen: kinkFree }),
  {
    ...unary({
      op: 'clip',
      fn: (x) => lec.clip(x, -0.5, 1.5),
      tol: 'exact',
      gradGen: cycle([-2, -0.3, 0.2, 1.2, 2, 0.9, -1, 1.7, 0.4, -0.45, 1.45, 3]),
      intError: false,
    }),
    errors: [{ name: 'min > max', fn: (c) => lec.clip(floats(c, [1]), 2, 1), error: ValueError, arg: 'min' }],
  },
  {
    ...unary({ op: 'isFinite', fn: lec.isFinite, tol: 'exact', notDifferentiable: 'returns an int32 mask', intError: false }),
    forward: [
      ...unaryForward(lec.isFinite, uniformIn(-3, 3)),
      { name: 'int32 is finite everywhere', inputs: [i32([5], intsIn(-9, 9))], fn: ([x]) => lec.isFinite(x) },
    ],
  },
];

interface BinarySpec {
  op: string;
  fn: (a: Tensor | number, b: Tensor | number) => Tensor;
  tol: OpEntry['tol'];
  genA?: ReturnType<typeof uniformIn>;
  genB?: ReturnType<typeof uniformIn>;
  gradA?: ReturnType<typeof uniformIn>;
  gradB?: ReturnType<typeof uniformIn>;
  notDifferentiable?: string;
}

function binary(s: BinarySpec): OpEntry {
  const genA = s.genA ?? uniformIn(-3, 3);
  const genB = s.genB ?? uniformIn(-3, 3);
  return {
    op: s.op,
    tol: s.tol,
    forward: binaryForward(s.fn, genA, genB),
    grad: s.notDifferentiable ? { notDifferentiable: s.notDifferentiable } : binaryGrad(s.fn, s.gradA ?? genA, s.gradB ?? genB),
    errors: binaryErrors(s.op, s.fn),
  };
}

const ties = intsIn(-2, 2);
const compare = 'a comparison: returns an int32 mask';

export const BINARY: OpEntry[] = [
  binary({ op: 'add', fn: lec.add, tol: 'elementwise' }),
  binary({ op: 'sub', fn: lec.sub, tol: 'elementwise' }),
  binary({ op: 'mul', fn: lec.mul, tol: 'elementwise' }),
  binary({ op: 'div', fn: lec.div, tol: 'elementwise', genB: awayFromZero(0.1, 3) }),
  {
    ...binary({ op: 'pow', fn: lec.pow, tol: 'transcendental', genA: uniformIn(0.1, 3), genB: uniformIn(-3, 3) }),
    forward: [
      ...binaryForward(lec.pow, uniformIn(0.1, 3), uniformIn(-3, 3)),
      {
        name: 'negative bases, integer exponents',
        inputs: [f([25], crossFirst([-2, -1.5, -1, -0.5, 0])), f([25], cycle([-2, -1, 0, 1, 3]))],
        fn: ([a, b]) => lec.pow(a, b),
      },
    ],
  },
  binary({ op: 'maximum', fn: lec.maximum, tol: 'exact' }),
  binary({ op: 'minimum', fn: lec.minimum, tol: 'exact' }),
  binary({ op: 'equal', fn: lec.equal, tol: 'exact', genA: ties, genB: ties, notDifferentiable: compare }),
  binary({ op: 'notEqual', fn: lec.notEqual, tol: 'exact', genA: ties, genB: ties, notDifferentiable: compare }),
  binary({ op: 'less', fn: lec.less, tol: 'exact', genA: ties, genB: ties, notDifferentiable: compare }),
  binary({ op: 'lessEqual', fn: lec.lessEqual, tol: 'exact', genA: ties, genB: ties, notDifferentiable: compare }),
  binary({ op: 'greater', fn: lec.greater, tol: 'exact', genA: ties, genB: ties, notDifferentiable: compare }),
  binary({ op: 'greaterEqual', fn: lec.greaterEqual, tol: 'exact', genA: ties, genB: ties, notDifferentiable: compare }),
];

export { SPECIAL_VALUES };

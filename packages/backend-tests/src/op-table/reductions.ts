/** Reductions along axes, arg-reductions, and the normalisations built on them. */
import * as lec from '@lec/tensor';
import { DTypeError, type Tensor, ValueError } from '@lec/tensor';
import { cycle, distinct, f, i32, intsIn, uniformIn } from '../inputs.js';
import { reductionRtol } from '../tolerances.js';
import { REDUCTION_LENGTHS, floats, ints } from './helpers.js';
import type { ErrorCase, ForwardCase, GradCase, OpEntry } from './types.js';

type Reduce = (x: Tensor, axis?: number | readonly number[], options?: { keepDims?: boolean }) => Tensor;

/** Rows of special values: NaN, ±Inf, ±1e38 that cancel, denormals and signed zeros. */
const SPECIAL_ROWS = [
  [NaN, 1, 2, 3],
  [1, Infinity, 2, 3],
  [-Infinity, 1, 2, 3],
  [Infinity, -Infinity, 0, 1],
  [1e38, 1e38, -1e38, 1],
  [1e-40, 1e-40, -0, 0],
  [-1e38, -1e38, 1e38, 1e38],
  [-0, -0, -0, -0],
].flat();

/** −1e9 is how attention and padding masks are written: softmax must stay finite. */
const MASK_ROWS = [
  [1, 2, -1e9, 3],
  [-1e9, -1e9, -1e9, 0],
  [-1e9, -1e9, -1e9, -1e9],
  [0, -1e9, 5, -1e9],
].flat();

type TolFor = (k: number) => OpEntry['tol'];
const reductionTol: TolFor = (k) => ({ reduction: k });
const exactTol: TolFor = () => 'exact';
const transcendentalTol: TolFor = (k) => ({ rtol: Math.max(1e-4, reductionRtol(k)), atol: 1e-6, normwise: true });

/** Cases of a reduction r(x, axis, {keepDims}) over every length, axis pattern and special row. */
function reduceForward(r: Reduce, tol: TolFor, options: { empty?: boolean; gen?: ReturnType<typeof uniformIn> } = {}): ForwardCase[] {
  const gen = options.gen ?? uniformIn(-1, 1);
  const cases: ForwardCase[] = REDUCTION_LENGTHS.map((k) => ({
    name: `last axis of [3, ${k}]`,
    inputs: [f([3, k], gen)],
    fn: ([x]) => r(x, -1),
    tol: tol(k),
  }));
  cases.push(
    { name: 'all axes of [4, 5, 6]', inputs: [f([4, 5, 6], gen)], fn: ([x]) => r(x), tol: tol(120) },
    { name: 'axis 0 of [17, 5]', inputs: [f([17, 5], gen)], fn: ([x]) => r(x, 0), tol: tol(17) },
    {
      name: 'axes [0, 2] of [3, 4, 5], keepDims',
      inputs: [f([3, 4, 5], gen)],
      fn: ([x]) => r(x, [0, 2], { keepDims: true }),
      tol: tol(15),
    },
    { name: 'middle axis of [2, 1000, 3]', inputs: [f([2, 1000, 3], gen)], fn: ([x]) => r(x, 1), tol: tol(1000) },
    // leading axes (a bias gradient), more rows than the CPU backend sums per block (170 of 6)
    { name: 'leading axes [0, 1] of [50, 7, 6]', inputs: [f([50, 7, 6], gen)], fn: ([x]) => r(x, [0, 1]), tol: tol(350) },
    { name: 'scalar []', inputs: [f([], gen)], fn: ([x]) => r(x), tol: tol(1) },
    { name: 'special rows (NaN, ±Inf, ±1e38, denormals, ±0)', inputs: [f([8, 4], cycle(SPECIAL_ROWS))], fn: ([x]) => r(x, 1), tol: tol(4) },
  );
  if (options.empty) {
    cases.push(
      { name: 'empty axis of [2, 0]', inputs: [f([2, 0], gen)], fn: ([x]) => r(x, 1), tol: tol(1) },
      { name: 'axis 0 of [0, 3]', inputs: [f([0, 3], gen)], fn: ([x]) => r(x, 0), tol: tol(1) },
      { name: 'every axis of [0]', inputs: [f([0], gen)], fn: ([x]) => r(x), tol: tol(1) },
    );
  }
  return cases;
}

function reduceGrad(r: Reduce, gen = uniformIn(-1, 1)): GradCase[] {
  return [
    { name: 'all axes of [3, 4]', inputs: [f([3, 4], gen)], fn: ([x]) => r(x) },
    { name: 'axis 1 of [3, 4]', inputs: [f([3, 4], gen)], fn: ([x]) => r(x, 1) },
    { name: 'axes [0, 2] of [2, 3, 2], keepDims', inputs: [f([2, 3, 2], gen)], fn: ([x]) => r(x, [0, 2], { keepDims: true }) },
  ];
}

function axisErrors(r: Reduce, float = false): ErrorCase[] {
  const errors: ErrorCase[] = [
    { name: 'axis out of range', fn: (c) => r(floats(c, [1, 2, 3, 4], [2, 2]), 2), error: ValueError, arg: 'axis' },
    { name: 'repeated axis', fn: (c) => r(floats(c, [1, 2, 3, 4], [2, 2]), [1, 1]), error: ValueError, arg: 'axis' },
  ];
  if (float) errors.push({ name: "int32 'x'", fn: (c) => r(ints(c, [1, 2])), error: DTypeError, arg: 'x' });
  return errors;
}

const emptyError = (r: Reduce): ErrorCase => ({
  name: 'empty reduction (no identity)',
  fn: (c) => r(floats(c, [], [2, 0]), 1),
  error: ValueError,
  arg: 'x',
});

const logSumExp: Reduce = (x, axis, o) => lec.logSumExp(x, axis, o);
const variance: Reduce = (x, axis, o) => lec.variance(x, axis, o);
const varianceUnbiased: Reduce = (x, axis, o) => lec.variance(x, axis, { ...o, correction: 1 });
const argmax = (x: Tensor, axis = -1) => lec.argmax(x, axis);
const argmin = (x: Tensor, axis = -1) => lec.argmin(x, axis);

function argEntry(op: 'argmax' | 'argmin', fn: (x: Tensor, axis?: number) => Tensor): OpEntry {
  return {
    op,
    tol: 'exact',
    forward: [
      ...REDUCTION_LENGTHS.map((k): ForwardCase => ({ name: `last axis of [3, ${k}]`, inputs: [f([3, k])], fn: ([x]) => fn(x) })),
      { name: 'axis 0 of [17, 5]', inputs: [f([17, 5])], fn: ([x]) => fn(x, 0) },
      { name: 'ties take the first', inputs: [f([6, 5], intsIn(-1, 1))], fn: ([x]) => fn(x) },
      {
        name: 'NaN wins; ±Inf',
        inputs: [f([4, 4], cycle([1, 3, 3, 2, NaN, 1, NaN, 2, 2, 2, 2, 2, -Infinity, -Infinity, -1e38, Infinity]))],
        fn: ([x]) => fn(x),
      },
      { name: 'special rows', inputs: [f([8, 4], cycle(SPECIAL_ROWS))], fn: ([x]) => fn(x) },
    ],
    grad: { notDifferentiable: 'returns int32 indices' },
    errors: [
      { name: 'axis out of range', fn: (c) => fn(floats(c, [1, 2]), 1), error: ValueError, arg: 'axis' },
      { name: 'empty axis', fn: (c) => fn(floats(c, [], [2, 0]), 1), error: ValueError, arg: 'x' },
    ],
  };
}

function softmaxEntry(op: 'softmax' | 'logSoftmax', fn: (x: Tensor, axis?: number) => Tensor): OpEntry {
  const tol = transcendentalTol;
  return {
    op,
    tol: 'transcendental',
    forward: [
      ...REDUCTION_LENGTHS.map(
        (k): ForwardCase => ({ name: `last axis of [3, ${k}]`, inputs: [f([3, k], uniformIn(-5, 5))], fn: ([x]) => fn(x), tol: tol(k) }),
      ),
      { name: 'axis 0 of [17, 5]', inputs: [f([17, 5], uniformIn(-5, 5))], fn: ([x]) => fn(x, 0) },
      {
        name: 'large logits (±80, ±1e4)',
        inputs: [f([3, 4], cycle([80, -80, 79, 0, 1e4, -1e4, 1e4, 9999, -50, -60, -70, -80]))],
        fn: ([x]) => fn(x),
      },
      { name: '-1e9 masks stay finite', inputs: [f([4, 4], cycle(MASK_ROWS))], fn: ([x]) => fn(x) },
      { name: 'special rows', inputs: [f([8, 4], cycle(SPECIAL_ROWS))], fn: ([x]) => fn(x) },
    ],
    grad: [
      { name: 'last axis of [3, 4]', inputs: [f([3, 4])], fn: ([x]) => fn(x) },
      { name: 'axis 0 of [3, 4]', inputs: [f([3, 4])], fn: ([x]) => fn(x, 0) },
    ],
    errors: [
      { name: 'axis out of range', fn: (c) => fn(floats(c, [1, 2]), 1), error: ValueError, arg: 'axis' },
      { name: "int32 'x'", fn: (c) => fn(ints(c, [1, 2])), error: DTypeError, arg: 'x' },
    ],
  };
}

export const REDUCTIONS: OpEntry[] = [
  {
    op: 'sum',
    tol: 'elementwise',
    forward: [
      ...reduceForward(lec.sum, reductionTol, { empty: true }),
      { name: 'int32 input', inputs: [i32([4, 5], intsIn(-100, 100))], fn: ([x]) => lec.sum(x, 1), tol: 'exact' },
    ],
    grad: reduceGrad(lec.sum),
    errors: axisErrors(lec.sum),
  },
  {
    op: 'mean',
    tol: 'elementwise',
    forward: reduceForward(lec.mean, reductionTol, { empty: true }),
    grad: reduceGrad(lec.mean),
    errors: axisErrors(lec.mean, true),
  },
  {
    op: 'max',
    tol: 'exact',
    forward: reduceForward(lec.max, exactTol),
    grad: reduceGrad(lec.max, distinct(0.1)),
    errors: [...axisErrors(lec.max), emptyError(lec.max)],
  },
  {
    op: 'min',
    tol: 'exact',
    forward: reduceForward(lec.min, exactTol),
    grad: reduceGrad(lec.min, distinct(0.1)),
    errors: [...axisErrors(lec.min), emptyError(lec.min)],
  },
  {
    op: 'logSumExp',
    tol: 'transcendental',
    forward: [
      ...reduceForward(logSumExp, transcendentalTol, { gen: uniformIn(-5, 5) }),
      { name: '-1e9 masks', inputs: [f([4, 4], cycle(MASK_ROWS))], fn: ([x]) => logSumExp(x, 1) },
    ],
    grad: [
      ...reduceGrad(logSumExp),
      {
        // a row with some −∞ entries (their gradient is 0) and a row with no mass at all (lse = −∞,
        // gradient 0, not NaN); the −∞ output is masked so the finite differences stay finite
        name: '−∞ entries and an all −∞ row',
        inputs: [
          f([3, 4], cycle([0.3, -Infinity, -0.7, 1.1, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 0.2, -Infinity, -0.4])),
        ],
        fn: ([x]) => {
          const lse = logSumExp(x, 1);
          return lec.where(lec.isFinite(lse), lse, 0);
        },
      },
    ],
    errors: axisErrors(logSumExp, true),
  },
  {
    op: 'variance',
    tol: 'elementwise',
    forward: [
      ...reduceForward(variance, reductionTol),
      { name: 'correction 1, axis 1 of [5, 17]', inputs: [f([5, 17])], fn: ([x]) => varianceUnbiased(x, 1), tol: { reduction: 17 } },
    ],
    grad: [...reduceGrad(variance), { name: 'correction 1', inputs: [f([3, 4])], fn: ([x]) => varianceUnbiased(x, 1) }],
    errors: [
      ...axisErrors(variance, true),
      {
        name: 'correction too large',
        fn: (c) => lec.variance(floats(c, [1, 2]), 0, { correction: 2 }),
        error: ValueError,
        arg: 'correction',
      },
    ],
  },
  argEntry('argmax', argmax),
  argEntry('argmin', argmin),
  softmaxEntry('softmax', (x, axis) => lec.softmax(x, axis)),
  softmaxEntry('logSoftmax', (x, axis) => lec.logSoftmax(x, axis)),
];

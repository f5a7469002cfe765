/** Matrix products (dense and sparse) and the loss built on softmax. */
import * as lec from '@lec/tensor';
import { CsrMatrix, DTypeError, ShapeError, type Tensor, ValueError } from '@lec/tensor';
import { Rng } from '@lec/tensor';
import { SPECIAL_VALUES, cycle, f, i32, intsIn, uniformIn } from '../inputs.js';
import { reductionRtol } from '../tolerances.js';
import { floats, ints } from './helpers.js';
import type { ForwardCase, GradCase, OpEntry } from './types.js';

interface Mm {
  m: number;
  n: number;
  k: number;
  ta?: boolean;
  tb?: boolean;
}

function mmCase({ m, n, k, ta = false, tb = false }: Mm, name?: string): ForwardCase {
  const aShape = ta ? [k, m] : [m, k];
  const bShape = tb ? [n, k] : [k, n];
  const flags = `${ta ? ', aᵀ' : ''}${tb ? ', bᵀ' : ''}`;
  return {
    name: name ?? `m ${m}, n ${n}, k ${k}${flags}`,
    inputs: [f(aShape), f(bShape)],
    fn: ([a, b]) => lec.matmul(a, b, { transposeA: ta, transposeB: tb }),
    tol: { reduction: k },
  };
}

const EDGE = [1, 3, 4, 5, 16, 17, 1000];

const matmulForward: ForwardCase[] = [
  ...EDGE.map((m) => mmCase({ m, n: 7, k: 5 })),
  ...EDGE.map((n) => mmCase({ m: 5, n, k: 3 })),
  ...EDGE.map((k) => mmCase({ m: 4, n: 5, k })),
  mmCase({ m: 3, n: 4, k: 4096 }, 'k 4096 (float32 accumulation)'),
  mmCase({ m: 67, n: 65, k: 66 }, 'm 67, n 65, k 66 (not a multiple of any tile)'),
  mmCase({ m: 0, n: 4, k: 3 }),
  mmCase({ m: 3, n: 0, k: 4 }),
  mmCase({ m: 3, n: 4, k: 0 }, 'k 0 gives zeros'),
  ...[
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ].map(([ta, tb]) => mmCase({ m: 33, n: 17, k: 65, ta, tb })),
  { name: 'batch [2, 3] times one matrix', inputs: [f([2, 3, 4, 5]), f([5, 6])], fn: ([a, b]) => lec.matmul(a, b), tol: { reduction: 5 } },
  {
    name: 'batch broadcast [2, 1] with [3]',
    inputs: [f([2, 1, 3, 4]), f([3, 4, 5])],
    fn: ([a, b]) => lec.matmul(a, b),
    tol: { reduction: 4 },
  },
  { name: 'one matrix times a batch', inputs: [f([3, 4]), f([2, 4, 5])], fn: ([a, b]) => lec.matmul(a, b), tol: { reduction: 4 } },
  {
    name: 'batched aᵀ·bᵀ',
    inputs: [f([2, 5, 3]), f([2, 4, 5])],
    fn: ([a, b]) => lec.matmul(a, b, { transposeA: true, transposeB: true }),
    tol: { reduction: 5 },
  },
  {
    name: 'batch aᵀ times one matrix',
    inputs: [f([2, 5, 3]), f([5, 4])],
    fn: ([a, b]) => lec.matmul(a, b, { transposeA: true }),
    tol: { reduction: 5 },
  },
  {
    name: 'special values propagate',
    inputs: [f([4, 7], cycle(SPECIAL_VALUES)), f([7, 3])],
    fn: ([a, b]) => lec.matmul(a, b),
    tol: { reduction: 7 },
  },
];

/** matmul with a bias [n] (the fused gemm where a backend has one). */
function mmBiasCase({ m, n, k, ta = false, tb = false }: Mm): ForwardCase {
  return {
    ...mmCase({ m, n, k, ta, tb }, `bias: m ${m}, n ${n}, k ${k}${ta ? ', aᵀ' : ''}${tb ? ', bᵀ' : ''}`),
    inputs: [f(ta ? [k, m] : [m, k]), f(tb ? [n, k] : [k, n]), f([n])],
    fn: ([a, b, bias]) => lec.matmul(a, b, { transposeA: ta, transposeB: tb, bias }),
    tol: { reduction: k + 1 },
  };
}

const matmulBiasForward: ForwardCase[] = [
  ...[1, 5, 17, 67].map((m) => mmBiasCase({ m, n: 9, k: 13 })),
  ...[
    [true, false],
    [false, true],
    [true, true],
  ].map(([ta, tb]) => mmBiasCase({ m: 6, n: 10, k: 7, ta, tb })),
  mmBiasCase({ m: 3, n: 4, k: 0 }),
  {
    name: 'bias on a batch of matrices (added to every row)',
    inputs: [f([2, 3, 4]), f([4, 5]), f([5])],
    fn: ([a, b, bias]) => lec.matmul(a, b, { bias }),
    tol: { reduction: 5 },
  },
];

/** matmul with bias and activation (a dense layer's act(x·W + b); the fused epilogue where a backend has one). */
const ACTS = ['relu', 'sigmoid', 'tanh'] as const;
const matmulActivationForward: ForwardCase[] = [
  ...ACTS.flatMap((activation) =>
    [1, 17, 64].map((m) => ({
      name: `${activation}: bias, m ${m}, n 11, k 13`,
      inputs: [f([m, 13]), f([13, 11]), f([11])],
      fn: ([a, b, bias]: Tensor[]) => lec.matmul(a, b, { bias, activation }),
      tol: { reduction: 14 },
    })),
  ),
  {
    name: 'tanh without a bias, aᵀ·bᵀ',
    inputs: [f([7, 6]), f([10, 7])],
    fn: ([a, b]) => lec.matmul(a, b, { transposeA: true, transposeB: true, activation: 'tanh' }),
    tol: { reduction: 7 },
  },
  {
    name: 'relu with a bias on a batch of matrices',
    inputs: [f([2, 3, 4]), f([4, 5]), f([5])],
    fn: ([a, b, bias]) => lec.matmul(a, b, { bias, activation: 'relu' }),
    tol: { reduction: 5 },
  },
];

const matmulActivationGrad: GradCase[] = [
  ...ACTS.map(
    (activation): GradCase => ({
      name: `${activation} with a bias`,
      inputs: [f([5, 4]), f([4, 6]), f([6])],
      fn: ([a, b, bias]) => lec.matmul(a, b, { bias, activation }),
    }),
  ),
  {
    name: 'sigmoid without a bias, bᵀ',
    inputs: [f([3, 4]), f([2, 4])],
    fn: ([a, b]) => lec.matmul(a, b, { transposeB: true, activation: 'sigmoid' }),
  },
  {
    name: 'relu with a bias, aᵀ',
    inputs: [f([4, 3]), f([4, 2]), f([2])],
    fn: ([a, b, bias]) => lec.matmul(a, b, { transposeA: true, bias, activation: 'relu' }),
  },
];

const matmulGrad: GradCase[] = [
  { name: '[3, 4]·[4, 2]', inputs: [f([3, 4]), f([4, 2])], fn: ([a, b]) => lec.matmul(a, b) },
  { name: 'aᵀ', inputs: [f([4, 3]), f([4, 2])], fn: ([a, b]) => lec.matmul(a, b, { transposeA: true }) },
  { name: 'bᵀ', inputs: [f([3, 4]), f([2, 4])], fn: ([a, b]) => lec.matmul(a, b, { transposeB: true }) },
  { name: 'aᵀ·bᵀ', inputs: [f([4, 3]), f([2, 4])], fn: ([a, b]) => lec.matmul(a, b, { transposeA: true, transposeB: true }) },
  { name: 'batch times one matrix', inputs: [f([2, 3, 4]), f([4, 2])], fn: ([a, b]) => lec.matmul(a, b) },
  { name: 'broadcast batches', inputs: [f([2, 1, 2, 3]), f([3, 3, 2])], fn: ([a, b]) => lec.matmul(a, b) },
  ...[
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ].map(
    ([ta, tb]): GradCase => ({
      name: `bias${ta ? ', aᵀ' : ''}${tb ? ', bᵀ' : ''}`,
      inputs: [f(ta ? [4, 3] : [3, 4]), f(tb ? [2, 4] : [4, 2]), f([2])],
      fn: ([a, b, bias]) => lec.matmul(a, b, { transposeA: ta, transposeB: tb, bias }),
    }),
  ),
];

/** A random sparse matrix with duplicate coordinates and empty rows. */
function randomCsr(rows: number, cols: number, nnz: number, seed: number): CsrMatrix {
  const rng = new Rng(seed);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < nnz; i++) {
    // leave the last row empty
    r.push(rows > 1 ? rng.int(rows - 1) : 0);
    c.push(rng.int(cols));
    v.push(rng.uniform(1)[0] * 2 - 1);
  }
  return CsrMatrix.fromCoo(rows, cols, r, c, v);
}

function maxRowNnz(a: CsrMatrix): number {
  let m = 1;
  for (let i = 0; i < a.rows; i++) m = Math.max(m, a.rowPtr[i + 1] - a.rowPtr[i]);
  return m;
}

function spmmCase(name: string, a: CsrMatrix, n: number): ForwardCase {
  return {
    name,
    inputs: [f([a.cols, n])],
    fn: ([x]) => lec.spmm(a, x),
    tol: { reduction: maxRowNnz(a) },
    cleanup: () => a.dispose(),
  };
}

const small = randomCsr(5, 7, 12, 1);
const odd = randomCsr(17, 16, 40, 2);
const large = randomCsr(1000, 1000, 3000, 3);
const empty = CsrMatrix.fromCoo(4, 3, [], [], []);
const forGrad = randomCsr(4, 3, 7, 4);

/** Labels [n] and logits [n, c] for the loss. */
function sceCase(name: string, n: number, c: number, logits = uniformIn(-4, 4)): ForwardCase {
  return {
    name,
    inputs: [f([n, c], logits), i32([n], intsIn(0, c - 1))],
    fn: ([z, y]) => lec.softmaxCrossEntropy(z, y),
    tol: { rtol: Math.max(1e-4, reductionRtol(n * c)), atol: 1e-6 },
  };
}

export const LINALG: OpEntry[] = [
  {
    op: 'matmul',
    tol: 'elementwise',
    forward: [...matmulForward, ...matmulBiasForward, ...matmulActivationForward],
    grad: [...matmulGrad, ...matmulActivationGrad],
    errors: [
      { name: "rank-1 'a'", fn: (c) => lec.matmul(floats(c, [1, 2]), floats(c, [1, 2], [2, 1])), error: ShapeError, arg: 'a' },
      { name: "rank-1 'b'", fn: (c) => lec.matmul(floats(c, [1, 2], [1, 2]), floats(c, [1, 2])), error: ShapeError, arg: 'b' },
      {
        name: "'bias' of the wrong length",
        fn: (c) => lec.matmul(floats(c, [1, 2, 3, 4], [2, 2]), floats(c, [1, 2, 3, 4], [2, 2]), { bias: floats(c, [1, 2, 3]) }),
        error: ShapeError,
        arg: 'bias',
      },
      {
        name: 'an unknown activation',
        fn: (c) => lec.matmul(floats(c, [1], [1, 1]), floats(c, [1], [1, 1]), { activation: 'gelu' as 'relu' }),
        error: ValueError,
        arg: 'activation',
      },
      {
        name: 'inner dimensions differ',
        fn: (c) => lec.matmul(floats(c, [1, 2, 3, 4, 5, 6], [2, 3]), floats(c, [1, 2, 3, 4, 5, 6, 7, 8], [4, 2])),
        error: ShapeError,
        arg: 'b',
      },
      {
        name: 'batches that do not broadcast',
        fn: (c) => lec.matmul(lec.zeros([2, 3, 4], { dtype: c.dtype }), lec.zeros([3, 4, 5], { dtype: c.dtype })),
        error: ShapeError,
        arg: 'b',
      },
      { name: 'mixed dtypes', fn: (c) => lec.matmul(floats(c, [1], [1, 1]), ints(c, [1], [1, 1])), error: DTypeError, arg: 'b' },
      { name: 'int32 operands', fn: (c) => lec.matmul(ints(c, [1], [1, 1]), ints(c, [1], [1, 1])), error: DTypeError, arg: 'a' },
    ],
  },
  {
    op: 'spmm',
    tol: 'elementwise',
    forward: [
      spmmCase('[5, 7] with 12 entries, n 3', small, 3),
      spmmCase('[17, 16] with duplicates, n 5', odd, 5),
      spmmCase('[1000, 1000] with 3000 entries, n 4', large, 4),
      spmmCase('no entries', empty, 2),
    ],
    grad: [
      {
        name: '[4, 3] with 7 entries',
        inputs: [f([3, 2])],
        fn: ([x]) => lec.spmm(forGrad, x),
        cleanup: () => {
          forGrad.dispose();
          forGrad.transpose().dispose();
        },
      },
    ],
    errors: [{ name: "'x' of the wrong shape", fn: (c) => lec.spmm(small, floats(c, [1, 2, 3], [3, 1])), error: ShapeError, arg: 'x' }],
  },
  {
    op: 'softmaxCrossEntropy',
    tol: 'transcendental',
    forward: [
      sceCase('n 4, c 5', 4, 5),
      sceCase('n 1, c 3', 1, 3),
      sceCase('n 17, c 1000', 17, 1000),
      sceCase('large logits (±1e4)', 6, 4, cycle([1e4, -1e4, 0, 9999, -3, 80])),
      sceCase('-1e9 masks', 4, 4, cycle([1, 2, -1e9, 3, -1e9, -1e9, 0, -1e9])),
      { name: 'soft targets [3, 4]', inputs: [f([3, 4]), f([3, 4], uniformIn(0, 1))], fn: ([z, p]) => lec.softmaxCrossEntropy(z, p) },
    ],
    grad: [
      { name: 'int32 labels', inputs: [f([3, 4]), i32([3], cycle([2, 0, 3]))], fn: ([z, y]) => lec.softmaxCrossEntropy(z, y) },
      {
        name: 'soft targets (both differentiable)',
        inputs: [f([3, 4]), f([3, 4], uniformIn(0, 1))],
        fn: ([z, p]) => lec.softmaxCrossEntropy(z, p),
      },
    ],
    errors: [
      { name: "rank-1 'logits'", fn: (c) => lec.softmaxCrossEntropy(floats(c, [1, 2]), ints(c, [0])), error: ShapeError, arg: 'logits' },
      {
        name: "'labels' of the wrong length",
        fn: (c) => lec.softmaxCrossEntropy(floats(c, [1, 2], [1, 2]), ints(c, [0, 1])),
        error: ShapeError,
        arg: 'labels',
      },
      {
        name: "float 'labels' of the wrong shape",
        fn: (c) => lec.softmaxCrossEntropy(floats(c, [1, 2], [1, 2]), floats(c, [1, 0, 0], [1, 3])),
        error: ShapeError,
        arg: 'labels',
      },
      {
        name: "int32 'logits'",
        fn: (c) => lec.softmaxCrossEntropy(ints(c, [1, 2], [1, 2]), ints(c, [0])),
        error: DTypeError,
        arg: 'logits',
      },
    ],
  },
  {
    op: 'mseLoss',
    tol: 'elementwise',
    forward: [
      ...[[1], [7], [64, 784], [3, 5, 2]].map((shape) => ({
        name: `shape [${shape.join(', ')}]`,
        inputs: [f(shape), f(shape, uniformIn(0, 1))],
        fn: ([p, t]: Tensor[]) => lec.mseLoss(p, t),
        tol: { reduction: shape.reduce((a, b) => a * b, 1) },
      })),
      { name: 'scalars []', inputs: [f([]), f([])], fn: ([p, t]) => lec.mseLoss(p, t) },
    ],
    grad: [
      { name: '[4, 5] (both differentiable)', inputs: [f([4, 5]), f([4, 5])], fn: ([p, t]) => lec.mseLoss(p, t) },
      { name: '[13]', inputs: [f([13]), f([13])], fn: ([p, t]) => lec.mseLoss(p, t) },
    ],
    errors: [
      {
        name: "'target' of another shape",
        fn: (c) => lec.mseLoss(floats(c, [1, 2]), floats(c, [1, 2, 3])),
        error: ShapeError,
        arg: 'target',
      },
      { name: "int32 'prediction'", fn: (c) => lec.mseLoss(ints(c, [1, 2]), ints(c, [1, 2])), error: DTypeError, arg: 'prediction' },
      { name: "int32 'target'", fn: (c) => lec.mseLoss(floats(c, [1, 2]), ints(c, [1, 2])), error: DTypeError, arg: 'target' },
    ],
  },
  {
    op: 'dropout',
    tol: 'elementwise',
    forward: [
      { name: 'rate 0.5, seed 7, 1031 values', inputs: [f([1031])], fn: ([x]) => lec.dropout(x, 0.5, { seed: 7 }) },
      { name: 'rate 0.1 on [17, 16]', inputs: [f([17, 16])], fn: ([x]) => lec.dropout(x, 0.1, { seed: 8 }) },
      { name: 'evaluation is the identity', inputs: [f([5])], fn: ([x]) => lec.dropout(x, 0.5, { training: false }) },
      { name: 'rate 0 is the identity', inputs: [f([5])], fn: ([x]) => lec.dropout(x, 0) },
    ],
    grad: [{ name: 'rate 0.3, seeded mask', inputs: [f([3, 4])], fn: ([x]) => lec.dropout(x, 0.3, { seed: 5 }) }],
    errors: [
      { name: 'rate 1', fn: (c) => lec.dropout(floats(c, [1]), 1), error: ValueError, arg: 'rate' },
      { name: "int32 'x'", fn: (c) => lec.dropout(ints(c, [1]), 0.5), error: DTypeError, arg: 'x' },
    ],
  },
  {
    op: 'lstmCell',
    tol: 'transcendental',
    forward: [
      { name: 'batch 3, hidden 4', inputs: [f([3, 16], uniformIn(-3, 3)), f([3, 4])], fn: ([z, c]) => lec.lstmCell(z, c) },
      { name: 'batch 1, hidden 17', inputs: [f([1, 68], uniformIn(-3, 3)), f([1, 17])], fn: ([z, c]) => lec.lstmCell(z, c) },
      {
        name: 'saturated gates (±50)',
        inputs: [f([2, 8], cycle([50, -50, 0, 3, -3, 50, -50, 1])), f([2, 2])],
        fn: ([z, c]) => lec.lstmCell(z, c),
      },
      { name: 'batch 0', inputs: [f([0, 8]), f([0, 2])], fn: ([z, c]) => lec.lstmCell(z, c) },
    ],
    grad: [
      { name: 'h and c', inputs: [f([2, 12], uniformIn(-2, 2)), f([2, 3])], fn: ([z, c]) => lec.lstmCell(z, c) },
      { name: 'h only (c gets no gradient)', inputs: [f([2, 8], uniformIn(-2, 2)), f([2, 2])], fn: ([z, c]) => lec.lstmCell(z, c)[0] },
      { name: 'c only (h gets no gradient)', inputs: [f([2, 8], uniformIn(-2, 2)), f([2, 2])], fn: ([z, c]) => lec.lstmCell(z, c)[1] },
    ],
    errors: [
      {
        name: "'z' not four gates wide",
        fn: (c) => lec.lstmCell(floats(c, [1, 2, 3], [1, 3]), floats(c, [1], [1, 1])),
        error: ShapeError,
        arg: 'z',
      },
      { name: "rank-1 'cPrev'", fn: (c) => lec.lstmCell(floats(c, [1, 2, 3, 4], [1, 4]), floats(c, [1])), error: ShapeError, arg: 'cPrev' },
    ],
  },
  {
    op: 'lstmSequence',
    tol: 'transcendental',
    forward: [
      ...[
        [3, 4, 4],
        [2, 1, 17],
        [1, 7, 3],
        [5, 3, 16],
      ].map(([batch, steps, hidden]) => ({
        name: `batch ${batch}, steps ${steps}, hidden ${hidden}`,
        inputs: [
          f([batch, steps, 4 * hidden], uniformIn(-2, 2)),
          f([hidden, 4 * hidden], uniformIn(-0.5, 0.5)),
          f([batch, hidden]),
          f([batch, hidden]),
        ],
        fn: ([p, w, h, c]: Tensor[]) => lec.lstmSequence(p, w, h, c),
      })),
      {
        name: 'saturated gates (±50)',
        inputs: [f([2, 2, 8], cycle([50, -50, 0, 3, -3, 50, -50, 1])), f([2, 8]), f([2, 2]), f([2, 2])],
        fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c),
      },
      {
        name: 'steps 0 (the state passes through)',
        inputs: [f([2, 0, 8]), f([2, 8]), f([2, 2]), f([2, 2])],
        fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c),
      },
      { name: 'batch 0', inputs: [f([0, 3, 8]), f([2, 8]), f([0, 2]), f([0, 2])], fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c) },
    ],
    grad: [
      {
        name: 'sequence, h and c; every input',
        inputs: [f([2, 3, 12], uniformIn(-1, 1)), f([3, 12], uniformIn(-0.5, 0.5)), f([2, 3]), f([2, 3])],
        fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c),
      },
      {
        name: 'last h only',
        inputs: [f([3, 4, 8], uniformIn(-1, 1)), f([2, 8], uniformIn(-0.5, 0.5)), f([3, 2]), f([3, 2])],
        fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c)[1],
      },
      {
        name: 'sequence only',
        inputs: [f([2, 5, 8], uniformIn(-1, 1)), f([2, 8], uniformIn(-0.5, 0.5)), f([2, 2]), f([2, 2])],
        fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c)[0],
      },
      {
        name: 'last c only',
        inputs: [f([1, 3, 8], uniformIn(-1, 1)), f([2, 8], uniformIn(-0.5, 0.5)), f([1, 2]), f([1, 2])],
        fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c)[2],
      },
    ],
    errors: [
      {
        name: "'weightHh' not [H, 4H]",
        fn: (c) =>
          lec.lstmSequence(
            floats(c, [0, 0, 0, 0], [1, 1, 4]),
            floats(c, [1, 2, 3], [1, 3]),
            floats(c, [0], [1, 1]),
            floats(c, [0], [1, 1]),
          ),
        error: ShapeError,
        arg: 'weightHh',
      },
      {
        name: "'projected' of the wrong width",
        fn: (c) =>
          lec.lstmSequence(
            floats(c, [0, 0, 0], [1, 1, 3]),
            floats(c, [1, 2, 3, 4], [1, 4]),
            floats(c, [0], [1, 1]),
            floats(c, [0], [1, 1]),
          ),
        error: ShapeError,
        arg: 'projected',
      },
      {
        name: "'h0' of the wrong batch",
        fn: (c) =>
          lec.lstmSequence(
            floats(c, [0, 0, 0, 0], [1, 1, 4]),
            floats(c, [1, 2, 3, 4], [1, 4]),
            floats(c, [0, 0], [2, 1]),
            floats(c, [0], [1, 1]),
          ),
        error: ShapeError,
        arg: 'h0',
      },
      {
        name: "int32 'projected'",
        fn: (c) =>
          lec.lstmSequence(ints(c, [0, 0, 0, 0], [1, 1, 4]), ints(c, [1, 2, 3, 4], [1, 4]), ints(c, [0], [1, 1]), ints(c, [0], [1, 1])),
        error: DTypeError,
        arg: 'projected',
      },
    ],
  },
];

export type { Tensor };

/** Builders for the families of cases every op of a kind gets. */
import { BackendError, DTypeError, ShapeError, type Tensor, jsBackend, tensor } from '@lec/tensor';
import { type Generator, SPECIAL_VALUES, crossFirst, cycle, f, uniformIn } from '../inputs.js';
import type { ToleranceKind } from '../tolerances.js';
import type { CaseContext, ErrorCase, ForwardCase, GradCase } from './types.js';

/** Edge sizes for elementwise kernels: empty, below, at and above SIMD widths and tiles, and 1000+. */
export const EDGE_SIZES: readonly number[] = [0, 1, 3, 4, 5, 16, 17, 1031];

/** Reduction lengths: the edge sizes plus a K large enough to expose float32 accumulation. */
export const REDUCTION_LENGTHS: readonly number[] = [1, 3, 4, 5, 16, 17, 1000, 4096];

/** A float tensor made on the case's backend in the case's dtype. */
export function floats(c: CaseContext, values: readonly number[], shape?: readonly number[]): Tensor {
  return tensor(Float64Array.from(values), shape ?? [values.length], { dtype: c.dtype, backend: c.backend });
}

/** An int32 tensor made on the case's backend. */
export function ints(c: CaseContext, values: readonly number[], shape?: readonly number[]): Tensor {
  return tensor(Int32Array.from(values), shape ?? [values.length], { dtype: 'int32', backend: c.backend });
}

/** Elementwise unary cases: every edge size, a matrix, a scalar, and the special values. */
export function unaryForward(fn: (x: Tensor) => Tensor, gen: Generator, specials = true): ForwardCase[] {
  const cases: ForwardCase[] = EDGE_SIZES.map((n) => ({ name: `size ${n}`, inputs: [f([n], gen)], fn: ([x]) => fn(x) }));
  cases.push({ name: 'matrix [7, 33]', inputs: [f([7, 33], gen)], fn: ([x]) => fn(x) });
  cases.push({ name: 'scalar []', inputs: [f([], gen)], fn: ([x]) => fn(x) });
  if (specials)
    cases.push({
      name: 'special values (NaN, ±Inf, ±0, denormals, ±1e38)',
      inputs: [f([SPECIAL_VALUES.length], cycle(SPECIAL_VALUES))],
      fn: ([x]) => fn(x),
    });
  return cases;
}

/** Broadcasting shape pairs every binary op gets. */
export const BROADCASTS: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[2, 3], [3]],
  [
    [4, 1],
    [1, 5],
  ],
  [
    [3, 1, 5],
    [4, 1],
  ],
  [
    [2, 1, 3],
    [2, 4, 1],
  ],
  [[], [17]],
  [[17], []],
  [[0, 3], [3]],
  [[1031], [1]],
  // a short row repeated past one tile of the CPU backend's repeat loop (period 6 → 1020), and the mirror
  [[300, 6], [6]],
  [
    [1, 7],
    [3, 150, 7],
  ],
];

/** Elementwise binary cases: edge sizes, broadcasting, number operands and a cross product of specials. */
export function binaryForward(
  fn: (a: Tensor | number, b: Tensor | number) => Tensor,
  genA: Generator,
  genB: Generator,
  options: { specials?: boolean; tol?: ToleranceKind } = {},
): ForwardCase[] {
  const tol = options.tol;
  const cases: ForwardCase[] = EDGE_SIZES.map((n) => ({
    name: `size ${n}`,
    inputs: [f([n], genA), f([n], genB)],
    fn: ([a, b]) => fn(a, b),
    tol,
  }));
  for (const [sa, sb] of BROADCASTS) {
    cases.push({
      name: `broadcast [${sa.join(', ')}] with [${sb.join(', ')}]`,
      inputs: [f(sa, genA), f(sb, genB)],
      fn: ([a, b]) => fn(a, b),
      tol,
    });
  }
  cases.push({ name: 'number as b', inputs: [f([5], genA)], fn: ([a]) => fn(a, 1.5), tol });
  cases.push({ name: 'number as a', inputs: [f([5], genB)], fn: ([b]) => fn(1.5, b), tol });
  if (options.specials ?? true) {
    const n = SPECIAL_VALUES.length * SPECIAL_VALUES.length;
    cases.push({
      name: 'special values, every pair',
      inputs: [f([n], crossFirst(SPECIAL_VALUES)), f([n], cycle(SPECIAL_VALUES))],
      fn: ([a, b]) => fn(a, b),
      tol,
    });
  }
  return cases;
}

/** Gradient cases of an elementwise binary op: same shapes and both broadcasting directions. */
export function binaryGrad(fn: (a: Tensor, b: Tensor) => Tensor, genA: Generator, genB: Generator): GradCase[] {
  return [
    { name: 'same shape [3, 4]', inputs: [f([3, 4], genA), f([3, 4], genB)], fn: ([a, b]) => fn(a, b) },
    { name: 'broadcast [2, 3] with [3]', inputs: [f([2, 3], genA), f([3], genB)], fn: ([a, b]) => fn(a, b) },
    { name: 'broadcast [4, 1] with [1, 3]', inputs: [f([4, 1], genA), f([1, 3], genB)], fn: ([a, b]) => fn(a, b) },
  ];
}

/** The standard gradient case of a unary op. */
export function unaryGrad(fn: (x: Tensor) => Tensor, gen: Generator): GradCase[] {
  return [{ name: 'matrix [3, 4]', inputs: [f([3, 4], gen)], fn: ([x]) => fn(x) }];
}

/** An int32 input where a float one is needed. */
export function intInputError(op: string, fn: (x: Tensor) => unknown, arg = 'x'): ErrorCase {
  return { name: `int32 '${arg}'`, fn: (c) => fn(ints(c, [1, 2])), error: DTypeError, arg, op };
}

/** The errors every binary op raises: shapes that do not broadcast, mixed dtypes, mixed backends. */
export function binaryErrors(op: string, fn: (a: Tensor, b: Tensor) => unknown): ErrorCase[] {
  return [
    { name: 'shapes that do not broadcast', fn: (c) => fn(floats(c, [1, 2, 3]), floats(c, [1, 2, 3, 4])), error: ShapeError, arg: 'b', op },
    { name: 'mixed dtypes', fn: (c) => fn(floats(c, [1, 2]), ints(c, [1, 2])), error: DTypeError, arg: 'b', op },
    {
      name: 'mixed backends',
      fn: (c) => fn(floats(c, [1, 2]), tensor([1, 2], undefined, { backend: jsBackend() })),
      error: BackendError,
      arg: 'b',
      op,
    },
  ];
}

export { uniformIn };

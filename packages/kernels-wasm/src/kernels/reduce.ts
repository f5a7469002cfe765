/**
 * The reduction family of the host side (assembly/reduce-f32.ts): sum, max and min of a
 * float32 tensor over any set of axes, on arena pointers. Dimensions of size 1 are dropped
 * and neighbouring axes of the same kind (reduced or kept) merged, so the common cases are one
 * kernel call over x viewed as [outer, r, inner] (a row sum, a bias gradient over the leading
 * axes, a middle axis); axes that stay apart after merging ([A, B, C] over 0 and 2) take one
 * call per group of reduced axes, last group first, through an arena temporary.
 */
import { type ReduceOp, ShapeError, ValueError } from '@lec/tensor';
import type { WasmKernels } from '../wasm-kernels.js';

/** Op codes of reduce_f32. */
export const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

/** A merged group of dimensions: its size and whether it is reduced. */
interface Group {
  size: number;
  reduced: boolean;
}

/**
 * The merged groups of `shape` reduced over `axes` (sorted, unique, in range: ShapeError
 * otherwise): [2, 3, 4] over axes [1, 2] is a kept group of 2 and a reduced group of 12.
 */
export function reductionGroups(shape: readonly number[], axes: readonly number[]): Group[] {
  axes.forEach((a, i) => {
    if (!Number.isInteger(a) || a < 0 || a >= shape.length || (i > 0 && a <= axes[i - 1])) {
      throw new ShapeError('reduce', `argument 'axes' expected sorted unique axes of a rank-${shape.length} tensor, got [${axes}]`);
    }
  });
  const groups: Group[] = [];
  shape.forEach((size, i) => {
    if (size === 1) return;
    const reduced = axes.includes(i);
    const last = groups[groups.length - 1];
    if (last !== undefined && last.reduced === reduced) last.size *= size;
    else groups.push({ size, reduced });
  });
  return groups;
}

const product = (groups: readonly Group[]) => groups.reduce((n, g) => n * g.size, 1);

/**
 * Reduces x (of `shape`, at arena pointer `x`) over `axes` into `out` (the kept dimensions,
 * contiguous). max/min of an empty axis is an error (no identity), before anything runs.
 */
export function reducePointers(
  kernels: WasmKernels,
  op: ReduceOp,
  x: number,
  shape: readonly number[],
  axes: readonly number[],
  out: number,
): void {
  const code = REDUCE_CODES[op];
  if (code === undefined) throw new RangeError(`reduce: unknown op '${String(op)}'`);
  let groups = reductionGroups(shape, axes);
  const outSize = product(groups.filter((g) => !g.reduced));
  if (outSize === 0) return;
  if (op !== 'sum' && groups.some((g) => g.reduced && g.size === 0)) {
    throw new ValueError(op, 'cannot reduce an empty axis (no identity for max/min)');
  }
  const exports = kernels.exports;
  const arena = kernels.arena;
  if (!groups.some((g) => g.reduced)) {
    // nothing to reduce (every reduced axis has size 1): a copy
    arena.f32(out, outSize).set(arena.f32(x, outSize));
    return;
  }
  const mark = arena.mark();
  try {
    let src = x;
    for (;;) {
      const at = groups.map((g) => g.reduced).lastIndexOf(true);
      const outer = product(groups.slice(0, at));
      const inner = product(groups.slice(at + 1));
      const rest = [...groups.slice(0, at), ...groups.slice(at + 1)];
      const done = !rest.some((g) => g.reduced);
      const dst = done ? out : arena.alloc(outer * inner * 4, 16);
      const work = arena.alloc(exports.reduce_f32_workspace_bytes(inner), 16);
      exports.reduce_f32(code, src, dst, outer, groups[at].size, inner, work);
      if (done) return;
      src = dst;
      // merge the kept neighbours the removed group separated
      groups = [];
      for (const g of rest) {
        const last = groups[groups.length - 1];
        if (last !== undefined && last.reduced === g.reduced) last.size *= g.size;
        else groups.push({ ...g });
      }
    }
  } finally {
    arena.release(mark);
  }
}

/** The reduction on arrays: copies x in and the result out (`out` fresh when not given). */
export function reduceArray(
  kernels: WasmKernels,
  op: ReduceOp,
  x: Float32Array,
  shape: readonly number[],
  axes: readonly number[],
  out?: Float32Array,
): Float32Array {
  const size = shape.reduce((n, d) => n * d, 1);
  if (x.length !== size) throw new ShapeError(op, `argument 'x' holds ${x.length} values, shape [${shape}] needs ${size}`);
  const outSize = shape.reduce((n, d, i) => (axes.includes(i) ? n : n * d), 1);
  const result = out ?? new Float32Array(outSize);
  if (result.length !== outSize) throw new ShapeError(op, `argument 'out' holds ${result.length} values, expected ${outSize}`);
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const px = arena.allocF32(x.length, x);
    const po = arena.alloc(outSize * 4, 16);
    reducePointers(kernels, op, px, shape, axes, po);
    result.set(arena.f32(po, outSize));
    return result;
  } finally {
    arena.release(mark);
  }
}

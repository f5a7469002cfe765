import { ShapeError, ValueError, fmtShape } from './errors.js';

/**
 * Number of elements of a shape (1 for a scalar `[]`).
 * @example
 * ```ts
 * sizeOf([2, 3, 4]); // 24
 * sizeOf([]); // 1
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Checks that every entry is a non-negative safe integer. */
export function checkShape(op: string, arg: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(op, `argument '${arg}' expected a shape of non-negative integers, got ${fmtShape(shape)}`);
    }
  }
}

/**
 * The numpy broadcast of two shapes, or a ShapeError naming the op and the two arguments
 * (`names`, default 'a' and 'b').
 * @example
 * ```ts
 * broadcastShapes('add', [2, 1], [3]); // [2, 3]
 * ```
 */
export function broadcastShapes(
  op: string,
  a: readonly number[],
  b: readonly number[],
  names: readonly [string, string] = ['a', 'b'],
): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `arguments '${names[0]}' ${fmtShape(a)} and '${names[1]}' ${fmtShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against a rank. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ValueError(op, `argument 'axis' expected an integer in [${-rank}, ${Math.max(rank - 1, 0)}], got ${axis}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves a list of axes (or all axes when undefined), sorted and without repeats. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length) {
    throw new ValueError(op, `argument 'axis' has a repeated axis: [${list.join(', ')}]`);
  }
  return out.sort((x, y) => x - y);
}

/** Whether two shapes are equal. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The elementwise family of the host side (assembly/elementwise-f32.ts): unary ops, binary
 * arithmetic and comparisons with numpy broadcasting, and `where`, on arena pointers. The
 * broadcast plan (dimensions of size 1 dropped, neighbours merged where every operand steps
 * through them as one) is made here, so the kernel sees as few dimensions as the operands
 * allow: a same-shape op is one row, a bias [C] against [N, C] two dimensions.
 */
import { type BinaryOp, ShapeError, type UnaryOp } from '@lec/tensor';
import type { WasmKernels } from '../wasm-kernels.js';

/** Op codes of unary_f32, in the kernel's order. */
export const UNARY_CODES: Readonly<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  sign: 2,
  exp: 3,
  expm1: 4,
  log: 5,
  log1p: 6,
  sqrt: 7,
  square: 8,
  reciprocal: 9,
  tanh: 10,
  sigmoid: 11,
  relu: 12,
  step: 13,
  floor: 14,
  ceil: 15,
  round: 16,
  sin: 17,
  cos: 18,
};

/** Op codes of binary_f32, in the kernel's order. */
export const BINARY_CODES: Readonly<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  equal: 7,
  notEqual: 8,
  less: 9,
  lessEqual: 10,
  greater: 11,
  greaterEqual: 12,
};

/** Whether a binary op writes int32 0/1 instead of float32. */
export function isComparison(op: BinaryOp): boolean {
  return BINARY_CODES[op] >= BINARY_CODES.equal;
}

/** A broadcasting operand on the arena: pointer and the shape it holds. */
export interface PointerOperand {
  ptr: number;
  shape: readonly number[];
}

/** The coalesced dimensions of a broadcast and each operand's element strides over them. */
export interface BroadcastPlan {
  shape: number[];
  strides: number[][];
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * The plan for operands of `shapes` broadcast to `outShape` (each must broadcast to it:
 * ShapeError otherwise). Always at least one dimension: [[4, 3], [3]] to [4, 3] gives shape
 * [4, 3] with strides [3, 1] and [0, 1]; two [2, 3] operands give shape [6], strides [1] and [1].
 */
export function broadcastPlan(shapes: readonly (readonly number[])[], outShape: readonly number[]): BroadcastPlan {
  const rank = outShape.length;
  const full = shapes.map((shape) => {
    if (shape.length > rank) throw new ShapeError('broadcast', `shape [${shape}] does not broadcast to [${outShape}]`);
    const strides = contiguousStrides(shape);
    return outShape.map((d, i) => {
      const j = i - (rank - shape.length);
      if (j < 0) return 0;
      if (shape[j] === d) return d === 1 ? 0 : strides[j];
      if (shape[j] === 1) return 0;
      throw new ShapeError('broadcast', `shape [${shape}] does not broadcast to [${outShape}]`);
    });
  });
  const shape: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  for (let i = 0; i < rank; i++) {
    if (outShape[i] === 1) continue;
    const last = shape.length - 1;
    // merge into the previous dimension when every operand steps through both as one
    if (last >= 0 && full.every((s, k) => strides[k][last] === s[i] * outShape[i])) {
      shape[last] *= outShape[i];
      full.forEach((s, k) => {
        strides[k][last] = s[i];
      });
      continue;
    }
    shape.push(outShape[i]);
    full.forEach((s, k) => strides[k].push(s[i]));
  }
  if (shape.length === 0) return { shape: [1], strides: shapes.map(() => [0]) };
  return { shape, strides };
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Writes the plan's i32 block (shape, stride rows, counters) on the arena; returns its pointer. */
function planBlock(kernels: WasmKernels, plan: BroadcastPlan): number {
  const rank = plan.shape.length;
  const rows = [plan.shape, ...plan.strides, new Array<number>(rank).fill(0)];
  const ptr = kernels.arena.alloc(rows.length * rank * 4, 16);
  const block = kernels.arena.i32(ptr, rows.length * rank);
  rows.forEach((row, r) => block.set(row, r * rank));
  return ptr;
}

/** The unary ops with a polynomial (or slower) evaluation: ~100 flop-equivalents per element, the rest ~10. */
const TRANSCENDENTAL_CODES = new Set([
  UNARY_CODES.exp,
  UNARY_CODES.expm1,
  UNARY_CODES.log,
  UNARY_CODES.log1p,
  UNARY_CODES.tanh,
  UNARY_CODES.sigmoid,
  UNARY_CODES.sin,
  UNARY_CODES.cos,
]);

/**
 * out[i] = op(x[i]) for `n` floats at arena pointers (out may equal x). A large one is split
 * into contiguous ranges claimed by the threads (`WasmKernels.splitRange`; each element's
 * result does not depend on the split, so results are the same on any thread count). The cost
 * per element is time on one thread in flop-equivalents (log ~3 ns, relu ~0.2 ns: scratch
 * elem-cost.mjs).
 */
export function unaryPointers(kernels: WasmKernels, op: UnaryOp, x: number, out: number, n: number): void {
  const code = UNARY_CODES[op];
  if (code === undefined) throw new RangeError(`unary: unknown op '${String(op)}'`);
  if (n <= 0) return;
  kernels.splitRange(n, TRANSCENDENTAL_CODES.has(code) ? 100 : 10, (begin, count) => ({
    kernel: 'unary_f32',
    args: [code, x + begin * 4, out + begin * 4, count],
  }));
}

/**
 * out = a op b with broadcasting to `outShape`, on arena pointers; out is contiguous, float32
 * (int32 0/1 for comparisons). Allocates its small plan block within a mark.
 */
export function binaryPointers(
  kernels: WasmKernels,
  op: BinaryOp,
  a: PointerOperand,
  b: PointerOperand,
  out: number,
  outShape: readonly number[],
): void {
  const code = BINARY_CODES[op];
  if (code === undefined) throw new RangeError(`binary: unknown op '${String(op)}'`);
  const plan = broadcastPlan([a.shape, b.shape], outShape);
  if (sizeOf(outShape) === 0) return;
  const mark = kernels.arena.mark();
  try {
    const dims = planBlock(kernels, plan);
    kernels.exports.binary_f32(code, a.ptr, b.ptr, out, plan.shape.length, dims);
  } finally {
    kernels.arena.release(mark);
  }
}

/** out = cond != 0 ? a : b with broadcasting (cond int32, the rest float32), on arena pointers. */
export function wherePointers(
  kernels: WasmKernels,
  cond: PointerOperand,
  a: PointerOperand,
  b: PointerOperand,
  out: number,
  outShape: readonly number[],
): void {
  const plan = broadcastPlan([cond.shape, a.shape, b.shape], outShape);
  if (sizeOf(outShape) === 0) return;
  const mark = kernels.arena.mark();
  try {
    const dims = planBlock(kernels, plan);
    kernels.exports.where_f32(cond.ptr, a.ptr, b.ptr, out, plan.shape.length, dims);
  } finally {
    kernels.arena.release(mark);
  }
}

function expectOperand(op: string, name: string, array: Float32Array | Int32Array, shape: readonly number[]): void {
  if (array.length !== sizeOf(shape)) {
    throw new ShapeError(op, `argument '${name}' holds ${array.length} values, shape [${shape}] needs ${sizeOf(shape)}`);
  }
}

/**
 * The unary kernel on arrays: copies x into the arena, runs, copies the result into `out`
 * (a fresh array when not given).
 */
export function unaryArray(
  kernels: WasmKernels,
  op: UnaryOp,
  x: Float32Array,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  if (out.length !== x.length) throw new ShapeError('unary', `argument 'out' holds ${out.length} values, x holds ${x.length}`);
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const p = arena.allocF32(x.length, x);
    unaryPointers(kernels, op, p, p, x.length);
    out.set(arena.f32(p, x.length));
    return out;
  } finally {
    arena.release(mark);
  }
}

/** The binary kernel on arrays (copies in and out); `out` Int32Array for comparisons. */
export function binaryArray(
  kernels: WasmKernels,
  op: BinaryOp,
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  outShape: readonly number[],
  out?: Float32Array | Int32Array,
): Float32Array | Int32Array {
  expectOperand(op, 'a', a, aShape);
  expectOperand(op, 'b', b, bShape);
  const n = sizeOf(outShape);
  const result = out ?? (isComparison(op) ? new Int32Array(n) : new Float32Array(n));
  expectOperand(op, 'out', result, outShape);
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const pa = arena.allocF32(a.length, a);
    const pb = arena.allocF32(b.length, b);
    const po = arena.alloc(n * 4);
    binaryPointers(kernels, op, { ptr: pa, shape: aShape }, { ptr: pb, shape: bShape }, po, outShape);
    result.set(result instanceof Int32Array ? arena.i32(po, n) : arena.f32(po, n));
    return result;
  } finally {
    arena.release(mark);
  }
}

/** The where kernel on arrays (copies in and out). */
export function whereArray(
  kernels: WasmKernels,
  cond: Int32Array,
  condShape: readonly number[],
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  outShape: readonly number[],
  out: Float32Array = new Float32Array(sizeOf(outShape)),
): Float32Array {
  expectOperand('where', 'cond', cond, condShape);
  expectOperand('where', 'a', a, aShape);
  expectOperand('where', 'b', b, bShape);
  expectOperand('where', 'out', out, outShape);
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const pc = arena.alloc(cond.byteLength, 16);
    arena.i32(pc, cond.length).set(cond);
    const pa = arena.allocF32(a.length, a);
    const pb = arena.allocF32(b.length, b);
    const po = arena.alloc(out.length * 4);
    wherePointers(kernels, { ptr: pc, shape: condShape }, { ptr: pa, shape: aShape }, { ptr: pb, shape: bShape }, po, outShape);
    out.set(arena.f32(po, out.length));
    return out;
  } finally {
    arena.release(mark);
  }
}

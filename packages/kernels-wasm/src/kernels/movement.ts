/**
 * The data-movement family of the host side (assembly/movement-32.ts): transpose, concat,
 * slice and broadcastTo of 32-bit elements as strided copies on arena pointers. Dimensions of
 * size 1 are dropped and neighbours merged where source and destination both step through
 * them as one, so a transpose that keeps the last axis copies whole rows.
 */
import { ShapeError, ValueError } from '@lec/tensor';
import type { WasmKernels } from '../wasm-kernels.js';
import { broadcastPlan } from './elementwise.js';

/** Contiguous row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** `shape` with source and destination strides, size-1 dimensions dropped and mergeable neighbours merged (at least one dimension). */
export function coalesce(
  shape: readonly number[],
  src: readonly number[],
  dst: readonly number[],
): { shape: number[]; src: number[]; dst: number[] } {
  const out = { shape: [] as number[], src: [] as number[], dst: [] as number[] };
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = out.shape.length - 1;
    if (last >= 0 && out.src[last] === src[i] * shape[i] && out.dst[last] === dst[i] * shape[i]) {
      out.shape[last] *= shape[i];
      out.src[last] = src[i];
      out.dst[last] = dst[i];
      continue;
    }
    out.shape.push(shape[i]);
    out.src.push(src[i]);
    out.dst.push(dst[i]);
  }
  if (out.shape.length === 0) return { shape: [1], src: [0], dst: [0] };
  return out;
}

/** Runs strided_copy_32 from `src` to `dst` (byte pointers) over `shape` with element strides. */
export function stridedCopy(
  kernels: WasmKernels,
  src: number,
  srcStrides: readonly number[],
  dst: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  if (shape.some((d) => d === 0)) return;
  const plan = coalesce(shape, srcStrides, dstStrides);
  const rank = plan.shape.length;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const dims = arena.alloc(rank * 16, 16);
    const block = arena.i32(dims, rank * 4);
    block.set(plan.shape, 0);
    block.set(plan.src, rank);
    block.set(plan.dst, 2 * rank);
    block.fill(0, 3 * rank);
    kernels.exports.strided_copy_32(src, dst, rank, dims);
  } finally {
    arena.release(mark);
  }
}

/** out (contiguous, shape perm.map(p => shape[p])) = x (of `shape`) with its axes permuted. */
export function transposePointers(kernels: WasmKernels, x: number, shape: readonly number[], perm: readonly number[], out: number): void {
  if (perm.length !== shape.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ValueError('transpose', `argument 'perm' expected a permutation of 0..${shape.length - 1}, got [${perm}]`);
  }
  const strides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  stridedCopy(
    kernels,
    x,
    perm.map((p) => strides[p]),
    out,
    stridesOf(outShape),
    outShape,
  );
}

/** out = the inputs (at `xs`, of `shapes`) joined along `axis`; every other dimension must agree. */
export function concatPointers(
  kernels: WasmKernels,
  xs: readonly number[],
  shapes: readonly (readonly number[])[],
  axis: number,
  out: number,
): void {
  const first = shapes[0];
  if (first === undefined || xs.length !== shapes.length)
    throw new ValueError('concat', 'expected one shape per input, and at least one input');
  for (const s of shapes) {
    if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i])) {
      throw new ShapeError('concat', `shapes [${first}] and [${s}] differ outside axis ${axis}`);
    }
  }
  const outShape = [...first];
  outShape[axis] = shapes.reduce((n, s) => n + s[axis], 0);
  const outStrides = stridesOf(outShape);
  let offset = 0;
  xs.forEach((x, i) => {
    stridedCopy(kernels, x, stridesOf(shapes[i]), out + offset * outStrides[axis] * 4, outStrides, shapes[i]);
    offset += shapes[i][axis];
  });
}

/** out (contiguous, of `size`) = the block of x (of `shape`) starting at `begin`. */
export function slicePointers(
  kernels: WasmKernels,
  x: number,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: number,
): void {
  if (
    begin.length !== shape.length ||
    size.length !== shape.length ||
    shape.some((d, i) => begin[i] < 0 || size[i] < 0 || begin[i] + size[i] > d)
  ) {
    throw new ShapeError('slice', `begin [${begin}] and size [${size}] do not fit in [${shape}]`);
  }
  const strides = stridesOf(shape);
  const start = begin.reduce((n, b, i) => n + b * strides[i], 0);
  stridedCopy(kernels, x + start * 4, strides, out, stridesOf(size), size);
}

/** out (contiguous, of `outShape`) = x (of `shape`) repeated along its broadcast dimensions. */
export function broadcastToPointers(
  kernels: WasmKernels,
  x: number,
  shape: readonly number[],
  outShape: readonly number[],
  out: number,
): void {
  const plan = broadcastPlan([shape], outShape);
  stridedCopy(kernels, x, plan.strides[0], out, stridesOf(plan.shape), plan.shape);
}

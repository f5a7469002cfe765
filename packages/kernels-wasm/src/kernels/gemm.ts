/**
 * The GEMM family of the host side (assembly/gemm-f32.ts): products on arena pointers, split
 * over threads along n or m (which leaves each element's summation order unchanged); the
 * batched matmul and the fused gemm (+ bias + activation) on Float32Arrays or resident
 * operands; resident copies (plain, or packed as the micro-kernel reads op(B)).
 */
import type { WasmKernels } from '../wasm-kernels.js';
import { ResidentBlock, activationCode, alignUp, expectLength, outputArray, type Activation } from './shared.js';
import type { KernelJob } from '../thread-pool.js';
import type { WasmArena } from '../wasm-arena.js';

/** The algorithm of `WasmKernels.gemmPointers` (see there). */
export function gemmPointers(
  kernels: WasmKernels,
  m: number,
  n: number,
  k: number,
  a: number,
  lda: number,
  transA: boolean,
  b: number,
  ldb: number,
  transB: boolean,
  c: number,
  ldc: number,
  bias: number,
  activation: number,
  accumulate: boolean,
  bPacked = false,
): void {
  if (m === 0 || n === 0) return;
  const e = kernels.exports;
  // b packed by gemm_f32_pack_b (ldb unused): panels of NR = 8 columns over all of k
  const job = (mm: number, nn: number, aa: number, bb: number, cc: number, bs: number, work: number): KernelJob =>
    bPacked
      ? { kernel: 'gemm_f32_packed_b', args: [mm, nn, k, aa, lda, +transA, bb, cc, ldc, bs, activation, +accumulate, work] }
      : { kernel: 'gemm_f32', args: [mm, nn, k, aa, lda, +transA, bb, ldb, +transB, cc, ldc, bs, activation, +accumulate, work] };
  const arena = kernels.arena;
  const alongN = n >= m;
  const quantum = alongN ? 8 : 4;
  const extent = alongN ? n : m;
  // chunks claimed by the threads as they come free (see thread-pool.ts runChunks); each
  // chunk packs its own copy of A (along n) or B (along m), so chunks stay at least 64
  // columns or 32 rows wide
  const count = kernels.chunks(2 * m * n * k, Math.ceil(extent / (alongN ? 64 : 32)));
  if (count <= 1) {
    const mark = arena.mark();
    try {
      const work = arena.alloc(e.gemm_f32_workspace_bytes(m, n, k));
      if (bPacked) e.gemm_f32_packed_b(m, n, k, a, lda, +transA, b, c, ldc, bias, activation, +accumulate, work);
      else e.gemm_f32(m, n, k, a, lda, +transA, b, ldb, +transB, c, ldc, bias, activation, +accumulate, work);
    } finally {
      arena.release(mark);
    }
    return;
  }
  const step = Math.ceil(extent / count / quantum) * quantum;
  const chunks: KernelJob[] = [];
  const mark = arena.mark();
  try {
    for (let begin = 0; begin < extent; begin += step) {
      const size = Math.min(step, extent - begin);
      if (alongN) {
        // begin is a multiple of 8: a whole number of packed panels
        const bSub = b + (bPacked ? begin * k : transB ? begin * ldb : begin) * 4;
        chunks.push(job(m, size, a, bSub, c + begin * 4, bias === 0 ? 0 : bias + begin * 4, 0));
      } else {
        const aSub = a + (transA ? begin : begin * lda) * 4;
        chunks.push(job(size, n, aSub, b, c + begin * ldc * 4, bias, 0));
      }
    }
    // one workspace per thread, sized for the largest chunk (the sizes are monotone)
    const bytes = alongN ? e.gemm_f32_workspace_bytes(m, step, k) : e.gemm_f32_workspace_bytes(step, n, k);
    const works = Array.from({ length: Math.min(kernels.threads, chunks.length) }, () => arena.alloc(bytes));
    kernels.runChunks(chunks, chunks[0].args.length - 1, works);
  } finally {
    arena.release(mark);
  }
}

/** The algorithm of `WasmKernels.matmul` (see there). */
export function matmul(
  kernels: WasmKernels,
  a: Float32Array | ResidentF32,
  b: Float32Array | ResidentF32,
  shape: MatmulShape,
  out?: Float32Array,
): Float32Array {
  const { batch, aBatch, bBatch, m, n, k, transposeA, transposeB } = shape;
  for (const [name, value] of Object.entries({ batch, aBatch, bBatch, m, n, k })) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`matmul: ${name} must be a non-negative integer, got ${value}`);
  }
  if ((aBatch !== 1 && aBatch !== batch) || (bBatch !== 1 && bBatch !== batch)) {
    throw new RangeError(`matmul: aBatch and bBatch must be 1 or batch=${batch}, got ${aBatch} and ${bBatch}`);
  }
  expectOperand('matmul', 'a', a, aBatch * m * k, `[${aBatch}, ${transposeA ? `${k}, ${m}` : `${m}, ${k}`}]`, kernels.arena);
  expectOperand('matmul', 'b', b, bBatch * k * n, `[${bBatch}, ${transposeB ? `${n}, ${k}` : `${k}, ${n}`}]`, kernels.arena);
  const bPacked = expectPacking('matmul', a, b, k, n, transposeB);
  if (bPacked && bBatch !== 1) throw new RangeError(`matmul: a packed b must be shared by the batch (bBatch = 1), got bBatch = ${bBatch}`);
  const result = outputArray('matmul', out, batch * m * n);
  if (result.length === 0) return result;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const pa = operandPointer(arena, a);
    const pb = operandPointer(arena, b);
    const pc = arena.allocF32(result.length);
    for (let t = 0; t < batch; t++) {
      const at = pa + (aBatch === 1 ? 0 : t * m * k) * 4;
      const bt = pb + (bBatch === 1 ? 0 : t * k * n) * 4;
      gemmPointers(
        kernels,
        m,
        n,
        k,
        at,
        transposeA ? m : k,
        transposeA,
        bt,
        transposeB ? k : n,
        transposeB,
        pc + t * m * n * 4,
        n,
        0,
        0,
        false,
        bPacked,
      );
    }
    result.set(arena.f32(pc, result.length));
    return result;
  } finally {
    arena.release(mark);
  }
}

/** The algorithm of `WasmKernels.gemm` (see there). */
export function gemm(
  kernels: WasmKernels,
  a: Float32Array | ResidentF32,
  b: Float32Array | ResidentF32,
  m: number,
  n: number,
  k: number,
  options: GemmOptions = {},
): Float32Array {
  for (const [name, value] of Object.entries({ m, n, k })) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`gemm: ${name} must be a non-negative integer, got ${value}`);
  }
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  expectOperand('gemm', 'a', a, m * k, transA ? `[k=${k}, m=${m}]` : `[m=${m}, k=${k}]`, kernels.arena);
  expectOperand('gemm', 'b', b, k * n, transB ? `[n=${n}, k=${k}]` : `[k=${k}, n=${n}]`, kernels.arena);
  const bPacked = expectPacking('gemm', a, b, k, n, transB);
  if (options.bias !== undefined) expectLength('gemm', 'bias', options.bias, n, `[n=${n}]`);
  const activation = activationCode('gemm', options.activation);
  const out = outputArray('gemm', options.out, m * n);
  if (out.length === 0) return out;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const pa = operandPointer(arena, a);
    const pb = operandPointer(arena, b);
    const pbias = options.bias === undefined ? 0 : arena.allocF32(n, options.bias);
    const pc = arena.allocF32(m * n);
    gemmPointers(kernels, m, n, k, pa, transA ? m : k, transA, pb, transB ? k : n, transB, pc, n, pbias, activation, false, bPacked);
    out.set(arena.f32(pc, m * n));
    return out;
  } finally {
    arena.release(mark);
  }
}

/** The algorithm of `WasmKernels.residentF32` (see there). */
export function residentF32(kernels: WasmKernels, values: Float32Array): ResidentF32 {
  if (!(values instanceof Float32Array)) {
    throw new TypeError(`residentF32: values must be a Float32Array, got ${Object.prototype.toString.call(values)}`);
  }
  const ptr = kernels.arena.allocResident(values.byteLength);
  kernels.arena.f32(ptr, values.length).set(values);
  return new ResidentF32(kernels.arena, ptr, values.length, values.byteLength, null);
}

/** The algorithm of `WasmKernels.residentPackedB` (see there). */
export function residentPackedB(kernels: WasmKernels, values: Float32Array, k: number, n: number, transB: boolean): ResidentF32 {
  for (const [name, value] of Object.entries({ k, n })) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`residentPackedB: ${name} must be a non-negative integer, got ${value}`);
  }
  expectLength('residentPackedB', 'values', values, k * n, transB ? `[n=${n}, k=${k}]` : `[k=${k}, n=${n}]`);
  const arena = kernels.arena;
  const bytes = kernels.exports.gemm_f32_packed_b_floats(k, n) * 4;
  const ptr = arena.allocResident(bytes);
  const mark = arena.mark();
  try {
    const raw = arena.allocF32(values.length, values);
    kernels.exports.gemm_f32_pack_b(k, n, raw, transB ? k : n, +transB, ptr);
  } finally {
    arena.release(mark);
  }
  return new ResidentF32(arena, ptr, values.length, bytes, { k, n, transB });
}

/** Batched product shape, as in the Backend interface's `matmul`. */
export interface MatmulShape {
  batch: number;
  /** 1 (shared by every product) or `batch`. */
  aBatch: number;
  /** 1 (shared by every product) or `batch`. */
  bBatch: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

/** Options of `WasmKernels.gemm`. */
export interface GemmOptions {
  /** A is stored [k, m] and used transposed. */
  transA?: boolean;
  /** B is stored [n, k] and used transposed. */
  transB?: boolean;
  /** bias[n], added to every row. */
  bias?: Float32Array;
  activation?: Activation;
  /** Receives the result (m·n floats) and is returned; default a fresh array. */
  out?: Float32Array;
}

/**
 * A float32 array copied into resident arena memory by `WasmKernels.residentF32` (`ptr` is its
 * first float; `bytes` is at least 64, blocks being whole cache lines).
 */
export class ResidentF32 extends ResidentBlock {
  /** Floats of the array it was made from. */
  readonly length: number;
  /** For `residentPackedB`: the op(B) it was packed as; null for a plain copy. */
  readonly packed: { readonly k: number; readonly n: number; readonly transB: boolean } | null;

  /** @internal Made by `WasmKernels.residentF32` and `residentPackedB`. */
  constructor(arena: WasmArena, ptr: number, length: number, dataBytes: number, packed: ResidentF32['packed']) {
    super(arena, ptr, Math.max(64, alignUp(dataBytes, 64)));
    this.length = length;
    this.packed = packed;
  }
}

/** Checks a gemm/matmul operand: a Float32Array, or a live ResidentF32 of this arena, of `expected` floats. */
function expectOperand(op: string, name: string, x: Float32Array | ResidentF32, expected: number, shape: string, arena: WasmArena): void {
  if (!(x instanceof ResidentF32)) {
    expectLength(op, name, x, expected, shape);
    return;
  }
  if (x.arena !== arena) throw new Error(`${op}: ${name} was made resident by another kernels instance`);
  if (x.disposed) throw new Error(`${op}: ${name} is a resident array that was disposed`);
  if (x.length !== expected) throw new RangeError(`${op}: ${name} must hold ${expected} floats for shape ${shape}, got ${x.length}`);
}

/** Whether b is packed (checked to match k, n, transB); a may not be. */
function expectPacking(
  op: string,
  a: Float32Array | ResidentF32,
  b: Float32Array | ResidentF32,
  k: number,
  n: number,
  transB: boolean,
): boolean {
  if (a instanceof ResidentF32 && a.packed !== null)
    throw new RangeError(`${op}: a is packed as a b operand (residentPackedB); pass it as b`);
  if (!(b instanceof ResidentF32) || b.packed === null) return false;
  const p = b.packed;
  if (p.k !== k || p.n !== n || p.transB !== transB) {
    throw new RangeError(`${op}: b was packed for k=${p.k}, n=${p.n}, transB=${p.transB}, used with k=${k}, n=${n}, transB=${transB}`);
  }
  return true;
}

/** The arena pointer of an operand: a resident one's own, or a stack copy of an array. */
function operandPointer(arena: WasmArena, x: Float32Array | ResidentF32): number {
  return x instanceof ResidentF32 ? x.ptr : arena.operandF32(x);
}

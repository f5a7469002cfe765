/**
 * The sparse × dense family of the host side (assembly/spmm-f32.ts): CSR structure checks, the
 * product, and resident CSR copies that later products reuse.
 */
import type { WasmKernels } from '../wasm-kernels.js';
import { ResidentBlock, alignUp, expectLength, outputArray } from './shared.js';
import type { WasmArena } from '../wasm-arena.js';

/** The algorithm of `WasmKernels.spmm` (see there). */
export function spmm(
  kernels: WasmKernels,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float32Array,
  rows: number,
  cols: number,
  dense: Float32Array,
  n: number,
  out?: Float32Array,
): Float32Array {
  checkCsrStructure(rowPtr, colIdx, values, rows, cols);
  expectLength('spmm', 'dense', dense, cols * n, `[${cols}, ${n}]`);
  const result = outputArray('spmm', out, rows * n);
  if (result.length === 0) return result;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const nnz = colIdx.length;
    const prp = arena.alloc(rowPtr.byteLength, 16);
    arena.i32(prp, rowPtr.length).set(rowPtr);
    const pci = arena.alloc(colIdx.byteLength, 16);
    arena.i32(pci, nnz).set(colIdx);
    const pv = arena.allocF32(nnz, values);
    spmmInto(kernels, prp, pci, pv, rows, dense, n, result);
    return result;
  } finally {
    arena.release(mark);
  }
}

/** The algorithm of `WasmKernels.residentCsr` (see there). */
export function residentCsr(
  kernels: WasmKernels,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float32Array,
  rows: number,
  cols: number,
): ResidentCsr {
  checkCsrStructure(rowPtr, colIdx, values, rows, cols);
  const nnz = colIdx.length;
  const arena = kernels.arena;
  const valuesOffset = alignUp(rowPtr.byteLength + colIdx.byteLength, 16);
  const bytes = valuesOffset + values.byteLength;
  const ptr = arena.allocResident(bytes);
  arena.i32(ptr, rowPtr.length).set(rowPtr);
  arena.i32(ptr + rowPtr.byteLength, nnz).set(colIdx);
  arena.f32(ptr + valuesOffset, nnz).set(values);
  return new ResidentCsr(arena, ptr, bytes, rows, cols, nnz, ptr + rowPtr.byteLength, ptr + valuesOffset);
}

/** The algorithm of `WasmKernels.spmmResident` (see there). */
export function spmmResident(kernels: WasmKernels, a: ResidentCsr, dense: Float32Array, n: number, out?: Float32Array): Float32Array {
  if (a.arena !== kernels.arena) throw new Error('spmmResident: the matrix was made resident by another kernels instance');
  if (a.disposed) throw new Error('spmmResident: the resident matrix was disposed');
  expectLength('spmmResident', 'dense', dense, a.cols * n, `[${a.cols}, ${n}]`);
  const result = outputArray('spmmResident', out, a.rows * n);
  if (result.length === 0) return result;
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    spmmInto(kernels, a.ptr, a.colIdxPtr, a.valuesPtr, a.rows, dense, n, result);
    return result;
  } finally {
    arena.release(mark);
  }
}

/** Copies `dense` in, runs spmm_f32 on arena pointers and copies the product into `out` (within a mark). */
function spmmInto(
  kernels: WasmKernels,
  prp: number,
  pci: number,
  pv: number,
  rows: number,
  dense: Float32Array,
  n: number,
  out: Float32Array,
): void {
  const arena = kernels.arena;
  const pd = arena.operandF32(dense);
  const po = arena.allocF32(out.length);
  kernels.exports.spmm_f32(prp, pci, pv, rows, pd, n, po);
  out.set(arena.f32(po, out.length));
}

/** A CSR matrix copied into resident arena memory by `WasmKernels.residentCsr` (`ptr` is rowPtr). */
export class ResidentCsr extends ResidentBlock {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  /** @internal */
  readonly colIdxPtr: number;
  /** @internal */
  readonly valuesPtr: number;

  /** @internal Made by `WasmKernels.residentCsr`. */
  constructor(arena: WasmArena, ptr: number, bytes: number, rows: number, cols: number, nnz: number, colIdxPtr: number, valuesPtr: number) {
    super(arena, ptr, bytes);
    this.rows = rows;
    this.cols = cols;
    this.nnz = nnz;
    this.colIdxPtr = colIdxPtr;
    this.valuesPtr = valuesPtr;
  }
}

/** Checks a CSR structure (RangeError, as the other kernels' argument checks). */
function checkCsrStructure(rowPtr: Int32Array, colIdx: Int32Array, values: Float32Array, rows: number, cols: number): void {
  const nnz = colIdx.length;
  if (rowPtr.length !== rows + 1 || values.length !== nnz || rowPtr[0] !== 0 || rowPtr[rows] !== nnz) {
    throw new RangeError(
      `spmm: a CSR [${rows}, ${cols}] needs rowPtr of ${rows + 1} from 0 to nnz = colIdx.length = values.length; got rowPtr ${rowPtr.length} long (${rowPtr[0]} .. ${rowPtr[rows]}), colIdx ${nnz}, values ${values.length}`,
    );
  }
  for (let i = 0; i < rows; i++) if (rowPtr[i + 1] < rowPtr[i]) throw new RangeError(`spmm: rowPtr must be non-decreasing (row ${i})`);
  for (let p = 0; p < nnz; p++)
    if (!(colIdx[p] >= 0 && colIdx[p] < cols)) throw new RangeError(`spmm: colIdx has ${colIdx[p]} at entry ${p}, outside [0, ${cols})`);
}

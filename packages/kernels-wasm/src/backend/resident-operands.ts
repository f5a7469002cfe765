/**
 * Arena copies the wasm backend keeps for handles it sees again (see `ResidentOperands`).
 *
 * spmm's sparse matrix: a CSR (rowPtr, colIdx, values handles, as CsrMatrix keeps them per
 * backend) is checked on its first product and its float32 form kept resident in the arena,
 * so later products with the same handles copy only the dense operand; the copy is freed when
 * one of the three handles is disposed or collected, or evicted (least recently used first)
 * past a quarter of the arena's maximum. Large float32 operands of matmul and gemm are kept
 * resident the same way from their second product on (see `operand`), within another quarter.
 */
import type { CpuBackend, CpuHandle } from '@lec/tensor';
import { checkCsr } from '../js-kernels.js';
import { WasmOutOfMemoryError } from '../wasm-arena.js';
import type { ResidentCsr, ResidentF32, WasmKernels } from '../wasm-kernels.js';

/** A handle of this backend (an object, as CpuBackend's handles are), as a weak key. */
type Key = object;

/** What the backend keeps of a CSR triple spmm has seen (weakly: the handles own it). */
export interface CsrEntry {
  values: WeakRef<Key>;
  rowPtr: WeakRef<Key>;
  colIdx: WeakRef<Key>;
  rows: number;
  cols: number;
  /** The float32 copy in the arena, or null (float64, not made yet, or over the budget). */
  resident: ResidentCsr | null;
  dropped: boolean;
}

/** A float32 gemm/matmul operand kept resident in the arena for its handle (see operand). */
interface DenseEntry {
  handle: WeakRef<Key>;
  /** 'a' (a plain copy) or `b:k:n:transB` (packed as that op(B)). */
  role: string;
  resident: ResidentF32;
  dropped: boolean;
}

/**
 * Float32 operands of at least this many floats are kept resident from their second product
 * on (smaller ones copy in a few microseconds: not worth an arena block).
 */
const DENSE_RESIDENT_MIN_FLOATS = 4096;

/**
 * Resident arena copies under a byte budget, least recently used first (the CSR copies and
 * the dense operands each have one).
 */
class ResidentLru<E> {
  /** Entry → its bytes, in use order (a Map iterates in insertion order). */
  readonly #entries = new Map<E, number>();
  #bytes = 0;
  readonly budget: number;

  constructor(budget: number) {
    this.budget = budget;
  }

  /** Bytes held by the entries. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Marks an entry as just used. */
  touch(entry: E): void {
    const bytes = this.#entries.get(entry);
    if (bytes === undefined) return;
    this.#entries.delete(entry);
    this.#entries.set(entry, bytes);
  }

  /**
   * Makes room for `bytes` more, calling `evict` (which must `remove`) on the least recently
   * used entries; false when `bytes` alone is over the budget.
   */
  makeRoom(bytes: number, evict: (entry: E) => void): boolean {
    if (bytes > this.budget) return false;
    for (const old of this.#entries.keys()) {
      if (this.#bytes + bytes <= this.budget) break;
      evict(old);
    }
    return true;
  }

  add(entry: E, bytes: number): void {
    this.#entries.set(entry, bytes);
    this.#bytes += bytes;
  }

  remove(entry: E): void {
    const bytes = this.#entries.get(entry);
    if (bytes === undefined) return;
    this.#entries.delete(entry);
    this.#bytes -= bytes;
  }
}

/** The resident copies of one wasm backend, by handle. */
export class ResidentOperands {
  readonly #store: CpuBackend;
  readonly #kernels: WasmKernels;
  /** CSR triples spmm has checked, by their values handle. */
  readonly #csr = new WeakMap<Key, CsrEntry>();
  /** The entries that use a rowPtr or colIdx handle (to forget them when it is disposed). */
  readonly #csrByIndex = new WeakMap<Key, Set<CsrEntry>>();
  /** Entries holding resident arena memory, within a quarter of the arena's maximum. */
  readonly #csrLru: ResidentLru<CsrEntry>;
  /** Frees the arena copy of a CSR whose values handle was collected without dispose(). */
  readonly #collected = new FinalizationRegistry<CsrEntry>((entry) => this.#drop(entry));
  /** The roles (see DenseEntry) large float32 handles have had in one product (the second makes them resident). */
  readonly #seen = new WeakMap<Key, string[]>();
  /** Resident copies of float32 gemm/matmul operands, by handle (one per role). */
  readonly #dense = new WeakMap<Key, DenseEntry[]>();
  /** The entries of #dense, within another quarter of the arena's maximum. */
  readonly #denseLru: ResidentLru<DenseEntry>;
  /** Frees the arena copy of an operand whose handle was collected without dispose(). */
  readonly #denseCollected = new FinalizationRegistry<DenseEntry>((entry) => this.#dropDense(entry));

  constructor(store: CpuBackend, kernels: WasmKernels) {
    this.#store = store;
    this.#kernels = kernels;
    this.#csrLru = new ResidentLru(Math.floor(kernels.arena.limitBytes / 4));
    this.#denseLru = new ResidentLru(Math.floor(kernels.arena.limitBytes / 4));
  }

  /** Bytes of resident CSR copies. */
  get csrBytes(): number {
    return this.#csrLru.bytes;
  }

  /** Bytes of resident dense operands. */
  get operandBytes(): number {
    return this.#denseLru.bytes;
  }

  /** Forgets what is kept for a handle being disposed (its sparse matrix, its operand copies). */
  forget(h: CpuHandle): void {
    const entry = this.#csr.get(h);
    if (entry !== undefined) this.#drop(entry);
    const users = this.#csrByIndex.get(h);
    if (users !== undefined) for (const e of [...users]) this.#drop(e);
    const dense = this.#dense.get(h);
    if (dense !== undefined) for (const e of [...dense]) this.#dropDense(e);
  }

  /**
   * A float32 gemm/matmul operand: the handle's array, or its resident arena copy. A handle's
   * values never change while it lives (handles are immutable; a disposed handle's array may
   * be recycled into a new handle, and dispose drops the copy first), so a large operand read
   * a second time (a weight in forward and backward, repeated inference) is copied into the
   * arena once and reused until the handle is disposed or collected, or evicted (least
   * recently used first) past a quarter of the arena's maximum. As the b of a product (`packB`
   * given: its k, n and transB) the copy is kept packed the way the gemm micro-kernel reads it,
   * so such a product packs nothing per call; one handle may have a copy per role.
   */
  operand(h: CpuHandle, packB?: { k: number; n: number; transB: boolean }): Float32Array | ResidentF32 {
    const data = this.#store.get(h) as Float32Array;
    if (data.length < DENSE_RESIDENT_MIN_FLOATS) return data;
    const key = h as Key;
    const role = packB === undefined ? 'a' : `b:${packB.k}:${packB.n}:${packB.transB}`;
    const entries = this.#dense.get(key);
    const known = entries?.find((e) => e.role === role);
    if (known !== undefined) {
      this.#denseLru.touch(known);
      return known.resident;
    }
    const seen = this.#seen.get(key);
    if (seen === undefined) {
      this.#seen.set(key, [role]);
      return data;
    }
    if (!seen.includes(role)) {
      seen.push(role);
      return data;
    }
    const arena = this.#kernels.arena;
    const bytes = data.byteLength + (packB === undefined ? 64 : 32 * packB.k + 64); // packing pads n to a multiple of 8
    if (arena.usedBytes !== 0 || !this.#denseLru.makeRoom(bytes, (old) => this.#dropDense(old))) return data;
    let resident: ResidentF32;
    try {
      resident =
        packB === undefined ? this.#kernels.residentF32(data) : this.#kernels.residentPackedB(data, packB.k, packB.n, packB.transB);
    } catch (e) {
      if (e instanceof WasmOutOfMemoryError) return data; // copied per call instead
      throw e;
    }
    const entry: DenseEntry = { handle: new WeakRef(key), role, resident, dropped: false };
    if (entries === undefined) this.#dense.set(key, [entry]);
    else entries.push(entry);
    this.#denseLru.add(entry, resident.bytes);
    this.#denseCollected.register(key, entry, entry);
    return resident;
  }

  /** Forgets a resident operand and frees its arena copy (again: nothing). */
  #dropDense(entry: DenseEntry): void {
    if (entry.dropped) return;
    entry.dropped = true;
    entry.resident.dispose();
    this.#denseLru.remove(entry);
    this.#denseCollected.unregister(entry);
    const h = entry.handle.deref();
    const entries = h === undefined ? undefined : this.#dense.get(h);
    if (entries !== undefined) {
      const i = entries.indexOf(entry);
      if (i >= 0) entries.splice(i, 1);
      if (entries.length === 0) this.#dense.delete(h!);
    }
  }

  /** The entry of a CSR triple, checking the structure the first time it is seen. */
  csrEntry(rowPtr: CpuHandle, colIdx: CpuHandle, values: CpuHandle, rows: number, cols: number): CsrEntry {
    const known = this.#csr.get(values as Key);
    if (
      known !== undefined &&
      known.rows === rows &&
      known.cols === cols &&
      known.rowPtr.deref() === rowPtr &&
      known.colIdx.deref() === colIdx
    ) {
      return known;
    }
    checkCsr(this.#store.get(rowPtr) as Int32Array, this.#store.get(colIdx) as Int32Array, this.#store.get(values), rows, cols);
    if (known !== undefined) this.#drop(known);
    const entry: CsrEntry = {
      values: new WeakRef(values as Key),
      rowPtr: new WeakRef(rowPtr as Key),
      colIdx: new WeakRef(colIdx as Key),
      rows,
      cols,
      resident: null,
      dropped: false,
    };
    this.#csr.set(values as Key, entry);
    for (const h of [rowPtr as Key, colIdx as Key]) {
      let users = this.#csrByIndex.get(h);
      if (users === undefined) this.#csrByIndex.set(h, (users = new Set()));
      users.add(entry);
    }
    this.#collected.register(values as Key, entry, entry);
    return entry;
  }

  /** The resident float32 copy of an entry (made now if the budget allows), or null. */
  residentCsrOf(entry: CsrEntry, rowPtr: Int32Array, colIdx: Int32Array, values: Float32Array): ResidentCsr | null {
    if (entry.resident !== null) {
      this.#csrLru.touch(entry);
      return entry.resident;
    }
    const arena = this.#kernels.arena;
    const bytes = rowPtr.byteLength + colIdx.byteLength + values.byteLength + 64;
    if (arena.usedBytes !== 0 || !this.#csrLru.makeRoom(bytes, (old) => this.#drop(old))) return null;
    try {
      entry.resident = this.#kernels.residentCsr(rowPtr, colIdx, values, entry.rows, entry.cols);
    } catch (e) {
      if (e instanceof WasmOutOfMemoryError) return null; // the plain spmm copies it per call
      throw e;
    }
    this.#csrLru.add(entry, entry.resident.bytes);
    return entry.resident;
  }

  /** Forgets an entry and frees its arena copy (again: nothing). */
  #drop(entry: CsrEntry): void {
    if (entry.dropped) return;
    entry.dropped = true;
    entry.resident?.dispose();
    entry.resident = null;
    this.#csrLru.remove(entry);
    this.#collected.unregister(entry);
    const values = entry.values.deref();
    if (values !== undefined && this.#csr.get(values) === entry) this.#csr.delete(values);
    for (const ref of [entry.rowPtr, entry.colIdx]) {
      const h = ref.deref();
      const users = h === undefined ? undefined : this.#csrByIndex.get(h);
      users?.delete(entry);
      if (h !== undefined && users?.size === 0) this.#csrByIndex.delete(h);
    }
  }
}

/**
 * The sparse matrices spmm has seen: the wasm backend's one cache besides the tensor heap (a
 * CSR's index arrays are int32, which lives in JavaScript memory, and the structure is
 * checked once, not per product).
 *
 * A CSR (rowPtr, colIdx, values handles, as CsrMatrix keeps them per backend) is checked on
 * its first product and its float32 form kept resident in the arena, so later products with
 * the same handles copy only the dense operand; the copy is freed when one of the three
 * handles is disposed or collected, or evicted (least recently used first) past a quarter of
 * the arena's maximum.
 */
import type { CpuBackend, CpuHandle } from '@lec/tensor';
import { checkCsr } from '../js-kernels.js';
import { WasmOutOfMemoryError } from '../wasm-arena.js';
import type { ResidentCsr, WasmKernels } from '../wasm-kernels.js';

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

/**
 * Resident arena copies under a byte budget, least recently used first.
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

/** The checked CSR triples of one wasm backend and their resident copies, by handle. */
export class ResidentCsrs {
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

  constructor(store: CpuBackend, kernels: WasmKernels) {
    this.#store = store;
    this.#kernels = kernels;
    this.#csrLru = new ResidentLru(Math.floor(kernels.arena.limitBytes / 4));
  }

  /** Bytes of resident CSR copies. */
  get csrBytes(): number {
    return this.#csrLru.bytes;
  }

  /** Forgets what is kept for a handle being disposed (its sparse matrix). */
  forget(h: CpuHandle): void {
    const entry = this.#csr.get(h);
    if (entry !== undefined) this.#drop(entry);
    const users = this.#csrByIndex.get(h);
    if (users !== undefined) for (const e of [...users]) this.#drop(e);
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

/**
 * The `wasm` backend: lec's Backend interface v1 over the WebAssembly kernels.
 *
 * Tensors live in ordinary typed arrays (the garbage collector frees them; nothing to
 * dispose), exactly as in the `js` backend it extends. A kernel call copies its operands
 * into the wasm arena, runs, and copies the result out; for gemm and conv that is O(n²)
 * copying against O(n³) work. The exception is spmm's sparse matrix: a CSR (rowPtr, colIdx,
 * values handles, as CsrMatrix keeps them per backend) is checked on its first product and
 * its float32 form kept resident in the arena, so later products with the same handles copy
 * only the dense operand; the copy is freed when one of the three handles is disposed or
 * collected, or evicted (least recently used first) past a quarter of the arena's maximum.
 * Large float32 operands of matmul and gemm are kept resident the same way from their second
 * product on (see #operand), within another quarter. What runs in wasm (float32 only):
 *   matmul (batched, both transposes), gemm (+ bias + activation), conv2d and both of its
 *   gradients, maxPool2d/avgPool2d and their gradients, spmm.
 * What stays JavaScript: every elementwise primitive, reductions and shape ops (a wasm round
 * trip measured no faster: they are memory-bound), softmax cross-entropy (dominated by exp,
 * which wasm has no SIMD form of), float64 everywhere (so the float64 gradient checks run
 * on this backend too, in double precision) and int32.
 */
import {
  CpuBackend,
  BackendError,
  type BackendInfo,
  type BackendV1,
  type Conv2dGeometry,
  type DType,
  type FusedActivation,
  type GemmDims,
  type Handle,
  type MatmulDims,
  type Pool2dGeometry,
  type TypedArray,
} from '@lec/tensor';
import type { Conv2dShape } from './conv2d-shape.js';
import {
  avgPool2dBackwardJs,
  avgPool2dJs,
  biasActivationJs,
  checkCsr,
  conv2dBackpropFilterJs,
  conv2dBackpropInputJs,
  conv2dJs,
  maxPool2dBackwardJs,
  maxPool2dJs,
  softmaxCrossEntropyJs,
  spmmJs,
} from './js-kernels.js';
import { loadKernels } from './load-kernels.js';
import { WasmOutOfMemoryError } from './wasm-arena.js';
import type { ResidentCsr, ResidentF32, WasmKernels } from './wasm-kernels.js';

/** A handle of this backend (an object, as CpuBackend's handles are), as a weak key. */
type Key = object;

/** What the backend keeps of a CSR triple spmm has seen (weakly: the handles own it). */
interface CsrEntry {
  values: WeakRef<Key>;
  rowPtr: WeakRef<Key>;
  colIdx: WeakRef<Key>;
  rows: number;
  cols: number;
  /** The float32 copy in the arena, or null (float64, not made yet, or over the budget). */
  resident: ResidentCsr | null;
  dropped: boolean;
}

/** A float32 gemm/matmul operand kept resident in the arena for its handle (see #operand). */
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

/** Options of `wasmBackend`. */
export interface WasmBackendOptions {
  /**
   * Threads to split large gemm/conv calls over, the calling thread included (default 1).
   * Needs shared memory and workers (Node worker_threads, or Workers in a cross-origin
   * isolated page); without them the backend runs on one thread and says why in `info()`.
   */
  threads?: number;
  /** Kernel build: 'auto' (default: relaxed SIMD, else SIMD128, else scalar) or one by name. */
  feature?: 'auto' | 'relaxed' | 'simd' | 'scalar';
  /** Most bytes wasm linear memory may grow to (default 1 GiB, at most 4 GiB). */
  maximumBytes?: number;
}

/** The fast paths this backend implements (all of Backend v1's). */
const WASM_FAST_PATHS = [
  'gemm',
  'conv2d',
  'conv2dBias',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
  'maxPool2d',
  'maxPool2dBackward',
  'avgPool2d',
  'avgPool2dBackward',
  'spmm',
  'softmaxCrossEntropy',
  'lstmCell',
  'lstmCellBackward',
  'lstmSequence',
  'lstmSequenceBackward',
] as const;

/**
 * The wasm backend class. Use `wasmBackend()` to make one (loading the kernels is async).
 */
export class WasmBackend extends CpuBackend {
  /** The kernels this backend runs (exposed for benchmarks and tests). */
  readonly kernels: WasmKernels;
  readonly #maximumBytes: number;
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

  /** Ops refuse a tensor larger than linear memory may grow to, before allocating. */
  get memoryLimit(): { bytes: number; option: string } {
    return { bytes: this.#maximumBytes, option: 'wasmBackend({ maximumBytes })' };
  }

  constructor(kernels: WasmKernels, maximumBytes: number) {
    super('wasm', 'native');
    this.kernels = kernels;
    this.#maximumBytes = maximumBytes;
    this.#csrLru = new ResidentLru(Math.floor(kernels.arena.limitBytes / 4));
    this.#denseLru = new ResidentLru(Math.floor(kernels.arena.limitBytes / 4));
    // float32 LSTM recurrences run in wasm; other dtypes keep the JavaScript fast path that
    // CpuBackend's constructor installed
    const jsForward = this.lstmSequence!;
    const jsBackward = this.lstmSequenceBackward!;
    this.lstmSequence = (projected, weightHh, h0, c0, dims, dtype) => {
      if (dtype !== 'float32') return jsForward.call(this, projected, weightHh, h0, c0, dims, dtype);
      const r = kernels.lstmSequence(
        this.#f32(projected),
        this.#f32(weightHh),
        this.#f32(h0),
        this.#f32(c0),
        dims.batch,
        dims.steps,
        dims.hidden,
      );
      return {
        sequence: this.make(r.sequence),
        h: this.make(r.h),
        c: this.make(r.c),
        saved: this.make(r.saved),
        savedSize: r.saved.length,
      };
    };
    this.lstmSequenceBackward = (saved, weightHh, dSequence, dh, dc, dims, dtype) => {
      if (dtype !== 'float32') return jsBackward.call(this, saved, weightHh, dSequence, dh, dc, dims, dtype);
      const f = (h: Handle | null) => (h === null ? null : this.#f32(h));
      const r = kernels.lstmSequenceBackward(
        this.#f32(saved),
        this.#f32(weightHh),
        f(dSequence),
        f(dh),
        f(dc),
        dims.batch,
        dims.steps,
        dims.hidden,
      );
      return { dProjected: this.make(r.dProjected), dWeightHh: this.make(r.dWeightHh), dh0: this.make(r.dh0), dc0: this.make(r.dc0) };
    };
  }

  override info(): BackendInfo {
    return {
      ...super.info(),
      name: 'wasm',
      feature: this.kernels.feature,
      featureReason: this.kernels.reason,
      threads: this.kernels.threads,
      threadsReason: this.kernels.threadsReason,
      maximumBytes: this.#maximumBytes,
      arenaBytes: this.kernels.arena.memoryBytes,
      residentCsrBytes: this.#csrLru.bytes,
      residentOperandBytes: this.#denseLru.bytes,
      fastPaths: [...WASM_FAST_PATHS],
      wasmOps:
        'float32 matmul, gemm, conv2d (+ both gradients), max/avg pooling (+ gradients), spmm, LSTM recurrences (lstmSequence + its gradient)',
      jsOps: 'elementwise, reductions, shape ops, softmax cross-entropy, the single LSTM step (lstmCell), every float64 and int32 op',
    };
  }

  /** Stops the worker threads so the process can exit. The backend keeps working on one thread. */
  disposeBackend(): void {
    this.kernels.dispose();
  }

  /** Disposes a handle; a sparse matrix spmm kept in the arena for it is freed too. */
  override dispose(h: Handle): void {
    super.dispose(h);
    const entry = this.#csr.get(h as Key);
    if (entry !== undefined) this.#drop(entry);
    const users = this.#csrByIndex.get(h as Key);
    if (users !== undefined) for (const e of [...users]) this.#drop(e);
    const dense = this.#dense.get(h as Key);
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
  #operand(h: Handle, packB?: { k: number; n: number; transB: boolean }): Float32Array | ResidentF32 {
    const data = this.#f32(h);
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
    const arena = this.kernels.arena;
    const bytes = data.byteLength + (packB === undefined ? 64 : 32 * packB.k + 64); // packing pads n to a multiple of 8
    if (arena.usedBytes !== 0 || !this.#denseLru.makeRoom(bytes, (old) => this.#dropDense(old))) return data;
    let resident: ResidentF32;
    try {
      resident = packB === undefined ? this.kernels.residentF32(data) : this.kernels.residentPackedB(data, packB.k, packB.n, packB.transB);
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

  #f32(h: Handle): Float32Array {
    return this.get(h) as Float32Array;
  }

  override matmul(a: Handle, b: Handle, dims: MatmulDims, dtype: DType): Handle {
    if (dtype !== 'float32') return super.matmul(a, b, dims, dtype);
    const { k, n, transposeB } = dims;
    const bOperand = dims.bBatch === 1 ? this.#operand(b, { k, n, transB: transposeB }) : this.#operand(b);
    return this.make(this.kernels.matmul(this.#operand(a), bOperand, dims, this.#out(dims.batch * dims.m * dims.n)));
  }

  gemm(a: Handle, b: Handle, bias: Handle | null, dims: GemmDims, activation: FusedActivation, dtype: DType): Handle {
    const { m, n, k, transposeA, transposeB } = dims;
    if (dtype === 'float32') {
      const biasData = bias === null ? undefined : this.#f32(bias);
      return this.make(
        this.kernels.gemm(this.#operand(a), this.#operand(b, { k, n, transB: transposeB }), m, n, k, {
          transA: transposeA,
          transB: transposeB,
          bias: biasData,
          activation,
          out: this.#out(m * n),
        }),
      );
    }
    if (dtype === 'int32') throw new BackendError('wasm', `gemm: dtype 'int32' is not supported (use matmul)`);
    const product = super.matmul(a, b, { batch: 1, aBatch: 1, bBatch: 1, m, n, k, transposeA, transposeB }, dtype);
    biasActivationJs(this.get(product), m, n, bias === null ? null : this.get(bias), activation);
    return product;
  }

  conv2d(x: Handle, w: Handle, g: Conv2dGeometry, dtype: DType): Handle {
    if (dtype === 'float32')
      return this.make(this.kernels.conv2d(this.#f32(x), this.#f32(w), this.#shape(g), undefined, undefined, this.#out(outSize(g))));
    return this.#js(dtype, g.batch * g.outHeight * g.outWidth * g.outChannels, (out) => conv2dJs(this.get(x), this.get(w), g, out));
  }

  /** conv2d with the bias added by the kernel (float32); other dtypes add it in JavaScript. */
  conv2dBias(x: Handle, w: Handle, bias: Handle, g: Conv2dGeometry, dtype: DType): Handle {
    if (dtype === 'float32')
      return this.make(this.kernels.conv2d(this.#f32(x), this.#f32(w), this.#shape(g), this.#f32(bias), undefined, this.#out(outSize(g))));
    const outShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
    const y = this.conv2d(x, w, g, dtype);
    const out = this.binary('add', y, outShape, bias, [g.outChannels], outShape, dtype);
    this.dispose(y);
    return out;
  }

  conv2dBackpropInput(dy: Handle, w: Handle, g: Conv2dGeometry, dtype: DType): Handle {
    if (dtype === 'float32')
      return this.make(
        this.kernels.conv2dBackpropInput(
          this.#f32(dy),
          this.#f32(w),
          this.#shape(g),
          this.#out(g.batch * g.inHeight * g.inWidth * g.inChannels),
        ),
      );
    return this.#js(dtype, g.batch * g.inHeight * g.inWidth * g.inChannels, (out) =>
      conv2dBackpropInputJs(this.get(dy), this.get(w), g, out),
    );
  }

  conv2dBackpropFilter(x: Handle, dy: Handle, g: Conv2dGeometry, dtype: DType): Handle {
    if (dtype === 'float32')
      return this.make(
        this.kernels.conv2dBackpropFilter(
          this.#f32(x),
          this.#f32(dy),
          this.#shape(g),
          this.#out(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels),
        ),
      );
    return this.#js(dtype, g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, (out) =>
      conv2dBackpropFilterJs(this.get(x), this.get(dy), g, out),
    );
  }

  maxPool2d(x: Handle, g: Pool2dGeometry, dtype: DType): Handle {
    if (dtype === 'float32') return this.make(this.kernels.maxPool2d(this.#f32(x), g));
    return this.#js(dtype, g.batch * g.outHeight * g.outWidth * g.channels, (out) => maxPool2dJs(this.get(x), g, out));
  }

  maxPool2dBackward(dy: Handle, x: Handle, g: Pool2dGeometry, dtype: DType): Handle {
    if (dtype === 'float32') return this.make(this.kernels.maxPool2dBackward(this.#f32(dy), this.#f32(x), g));
    return this.#js(dtype, g.batch * g.inHeight * g.inWidth * g.channels, (out) => maxPool2dBackwardJs(this.get(dy), this.get(x), g, out));
  }

  avgPool2d(x: Handle, g: Pool2dGeometry, dtype: DType): Handle {
    if (dtype === 'float32') return this.make(this.kernels.avgPool2d(this.#f32(x), g));
    return this.#js(dtype, g.batch * g.outHeight * g.outWidth * g.channels, (out) => avgPool2dJs(this.get(x), g, out));
  }

  avgPool2dBackward(dy: Handle, g: Pool2dGeometry, dtype: DType): Handle {
    if (dtype === 'float32') return this.make(this.kernels.avgPool2dBackward(this.#f32(dy), g));
    return this.#js(dtype, g.batch * g.inHeight * g.inWidth * g.channels, (out) => avgPool2dBackwardJs(this.get(dy), g, out));
  }

  override spmm(
    rowPtr: Handle,
    colIdx: Handle,
    values: Handle,
    rows: number,
    cols: number,
    dense: Handle,
    n: number,
    dtype: DType,
  ): Handle {
    const entry = this.#csrEntry(rowPtr, colIdx, values, rows, cols);
    const rp = this.get(rowPtr) as Int32Array;
    const ci = this.get(colIdx) as Int32Array;
    const vals = this.get(values);
    if (dtype === 'float32') {
      const x = this.#f32(dense);
      const out = this.#out(rows * n);
      const resident = this.#residentOf(entry, rp, ci, vals as Float32Array);
      if (resident !== null) return this.make(this.kernels.spmmResident(resident, x, n, out));
      return this.make(this.kernels.spmm(rp, ci, vals as Float32Array, rows, cols, x, n, out));
    }
    return this.#js(dtype, rows * n, (out) => spmmJs(rp, ci, vals, rows, this.get(dense), n, out));
  }

  /** The entry of a CSR triple, checking the structure the first time it is seen. */
  #csrEntry(rowPtr: Handle, colIdx: Handle, values: Handle, rows: number, cols: number): CsrEntry {
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
    checkCsr(this.get(rowPtr) as Int32Array, this.get(colIdx) as Int32Array, this.get(values), rows, cols);
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
  #residentOf(entry: CsrEntry, rowPtr: Int32Array, colIdx: Int32Array, values: Float32Array): ResidentCsr | null {
    if (entry.resident !== null) {
      this.#csrLru.touch(entry);
      return entry.resident;
    }
    const arena = this.kernels.arena;
    const bytes = rowPtr.byteLength + colIdx.byteLength + values.byteLength + 64;
    if (arena.usedBytes !== 0 || !this.#csrLru.makeRoom(bytes, (old) => this.#drop(old))) return null;
    try {
      entry.resident = this.kernels.residentCsr(rowPtr, colIdx, values, entry.rows, entry.cols);
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

  /** A float32 output array of `size` for a kernel that writes all of it (recycled, not zeroed, when one fits). */
  #out(size: number): Float32Array {
    return this.arrayToOverwrite('float32', size) as Float32Array;
  }

  softmaxCrossEntropy(logits: Handle, labels: Handle, n: number, c: number, dtype: DType): { loss: Handle; dlogits: Handle } {
    const dlogits = this.array(dtype, n * c);
    const loss = softmaxCrossEntropyJs(this.get(logits), this.get(labels) as Int32Array, n, c, dlogits);
    const lossData = this.array(dtype, 1);
    lossData[0] = loss;
    return { loss: this.make(lossData), dlogits: this.make(dlogits) };
  }

  /** Runs a JavaScript kernel into a fresh array of `dtype`. */
  #js(dtype: DType, size: number, run: (out: TypedArray) => void): Handle {
    if (dtype === 'int32') throw new BackendError('wasm', `dtype 'int32' is not supported by this kernel (float32 or float64 only)`);
    const out = this.array(dtype, size);
    run(out);
    return this.make(out);
  }

  #shape(g: Conv2dGeometry): Conv2dShape {
    return {
      batch: g.batch,
      inHeight: g.inHeight,
      inWidth: g.inWidth,
      inChannels: g.inChannels,
      filterHeight: g.filterHeight,
      filterWidth: g.filterWidth,
      outChannels: g.outChannels,
      strides: [g.strideHeight, g.strideWidth],
      dilations: [g.dilationHeight, g.dilationWidth],
      pads: [g.padTop, g.padLeft, g.padBottom, g.padRight],
    };
  }
}

/**
 * Creates the `wasm` backend: lec's Backend interface v1 on WebAssembly SIMD kernels, with
 * optional worker threads. Await it once, then hand it to `setBackend`.
 * @example
 * ```ts
 * import { setBackend, matmul, randn } from '@lec/tensor';
 * import { wasmBackend } from '@lec/kernels-wasm';
 *
 * const backend = await wasmBackend({ threads: 2 });
 * setBackend(backend);
 * backend.info(); // { name: 'wasm', threads: 2 } (and feature, e.g. 'relaxed', and more)
 * matmul(randn([512, 512]), randn([512, 512])).shape; // [512, 512]
 * backend.disposeBackend?.(); // stop the workers
 * ```
 */
export async function wasmBackend(options: WasmBackendOptions = {}): Promise<BackendV1> {
  const maximumBytes = options.maximumBytes ?? 1 << 30;
  const kernels = await loadKernels({ feature: options.feature ?? 'auto', threads: options.threads ?? 1, maximumBytes });
  return namingOutOfMemory(new WasmBackend(kernels, maximumBytes));
}

/**
 * Re-raises the arena's WasmOutOfMemoryError from every backend method naming the primitive
 * that allocated (`matmul`, `binary(add)`, `conv2d`, ...), so the user sees which op ran out.
 */
function namingOutOfMemory(backend: WasmBackend): WasmBackend {
  const target = backend as unknown as Record<string, unknown>;
  const names = new Set<string>();
  for (let o: object | null = backend; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o))
    for (const name of Object.getOwnPropertyNames(o)) {
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (name !== 'constructor' && d && typeof d.value === 'function') names.add(name);
    }
  for (const name of names) {
    const method = target[name] as (...args: unknown[]) => unknown;
    target[name] = function namedOutOfMemory(this: unknown, ...args: unknown[]) {
      try {
        return method.apply(this, args);
      } catch (e) {
        if (!(e instanceof WasmOutOfMemoryError)) throw e;
        throw e.naming(typeof args[0] === 'string' ? `${name}(${args[0]})` : name);
      }
    };
  }
  return backend;
}

/** Floats of a conv2d output [batch, outHeight, outWidth, outChannels]. */
function outSize(g: Conv2dGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.outChannels;
}

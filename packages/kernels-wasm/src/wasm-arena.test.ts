import { describe, expect, it } from 'vitest';
import { compareToReference, gemmReference, randomF32, reductionAtol, reductionRtol } from '../test/reference.js';
import { loadKernels } from './load-kernels.js';
import { WASM_PAGE_BYTES, WasmArena, WasmOutOfMemoryError } from './wasm-arena.js';

describe('WasmArena', () => {
  it('hands out aligned, non-overlapping blocks and reuses them after release', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const arena = new WasmArena(memory, 100, 4 * WASM_PAGE_BYTES);
    const mark = arena.mark();
    const a = arena.alloc(10);
    const b = arena.alloc(3, 16);
    expect(a % 64).toBe(0);
    expect(b % 16).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 10);
    arena.release(mark);
    expect(arena.usedBytes).toBe(0);
    expect(arena.alloc(10)).toBe(a);
  });

  it('runs the documented example', () => {
    const arena = new WasmArena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0, 2 * WASM_PAGE_BYTES);
    const mark = arena.mark();
    const ptr = arena.alloc(16);
    arena.f32(ptr, 4).set([1, 2, 3, 4]);
    expect(Array.from(arena.f32(ptr, 4))).toEqual([1, 2, 3, 4]);
    arena.release(mark);
  });

  it('grows memory while a view is held: the old view detaches, data survives', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 });
    const arena = new WasmArena(memory, 0, 64 * WASM_PAGE_BYTES);
    const ptr = arena.allocF32(4, [1, 2, 3, 4]);
    const held = arena.f32(ptr, 4);
    arena.alloc(10 * WASM_PAGE_BYTES); // forces growth
    expect(arena.memoryBytes).toBeGreaterThanOrEqual(11 * WASM_PAGE_BYTES);
    expect(held.length).toBe(0); // detached: callers must re-derive views
    expect(Array.from(arena.f32(ptr, 4))).toEqual([1, 2, 3, 4]);
  });

  it('throws WasmOutOfMemoryError naming the bytes and the limit, and stays usable', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const arena = new WasmArena(memory, 0, 2 * WASM_PAGE_BYTES);
    arena.alloc(1000);
    expect(() => arena.alloc(200_000)).toThrow(
      'kernels-wasm arena: out of memory: asked for 200000 bytes with 1000 in use, limit 131072 bytes (raise it with wasmBackend({ maximumBytes })',
    );
    expect(arena.usedBytes).toBe(1000);
    expect(arena.alloc(1000)).toBeGreaterThan(0);
  });
});

describe('WasmArena resident blocks', () => {
  it('keeps resident blocks across stack use, reuses freed ones first-fit and shrinks back', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 8 });
    const arena = new WasmArena(memory, 100, 8 * WASM_PAGE_BYTES);
    const a = arena.allocResident(1000);
    arena.i32(a, 4).set([1, 2, 3, 4]);
    const b = arena.allocResident(100);
    expect(a % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 1000);
    expect(arena.residentBytes).toBe(1024 + 128);
    // the stack starts above the resident region and leaves it intact
    const mark = arena.mark();
    const s = arena.alloc(500);
    expect(s).toBeGreaterThanOrEqual(b + 100);
    arena.f32(s, 125).fill(7);
    arena.release(mark);
    expect(Array.from(arena.i32(a, 4))).toEqual([1, 2, 3, 4]);
    // a freed block below another one is a hole, refilled by a block that fits
    arena.freeResident(a);
    expect(arena.residentBytes).toBe(128);
    expect(arena.allocResident(900)).toBe(a);
    arena.freeResident(a);
    // freeing the last block drops the hole below it as well: the stack starts at the bottom again
    arena.freeResident(b);
    expect(arena.residentBytes).toBe(0);
    expect(arena.alloc(10)).toBe(a);
  });

  it('refuses resident allocation while the stack is in use, and bad frees', () => {
    const arena = new WasmArena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0, 2 * WASM_PAGE_BYTES);
    const mark = arena.mark();
    arena.alloc(64);
    expect(() => arena.allocResident(64)).toThrow(/stack are in use/);
    arena.release(mark);
    const r = arena.allocResident(64);
    expect(() => arena.freeResident(r + 64)).toThrow(/not a resident block/);
    arena.freeResident(r);
    expect(() => arena.freeResident(r)).toThrow(/not a resident block/);
    expect(() => arena.allocResident(-1)).toThrow(RangeError);
  });

  it('counts resident bytes against the limit', () => {
    const arena = new WasmArena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0, 2 * WASM_PAGE_BYTES);
    arena.allocResident(WASM_PAGE_BYTES);
    expect(() => arena.alloc(WASM_PAGE_BYTES + 64)).toThrow(WasmOutOfMemoryError);
    expect(() => arena.allocResident(WASM_PAGE_BYTES + 64)).toThrow(WasmOutOfMemoryError);
    expect(arena.alloc(1000)).toBe(WASM_PAGE_BYTES);
  });

  it('shrinks when the stack empties after a block was freed during a kernel call', () => {
    const arena = new WasmArena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0, 2 * WASM_PAGE_BYTES);
    const r = arena.allocResident(256);
    const mark = arena.mark();
    arena.alloc(64);
    arena.freeResident(r); // the region cannot move under live stack allocations
    expect(arena.residentBytes).toBe(0);
    arena.release(mark);
    expect(arena.alloc(64)).toBe(0);
  });
});

describe('resident CSR matrices', () => {
  it('spmmResident matches spmm for every column block width, and a disposed matrix is refused', async () => {
    const kernels = await loadKernels({ feature: 'relaxed' });
    const rows = 7,
      cols = 5;
    const rowPtr = Int32Array.of(0, 2, 2, 5, 6, 6, 9, 10);
    const colIdx = Int32Array.of(0, 4, 1, 2, 3, 0, 1, 3, 4, 2);
    const values = randomF32(10, 3);
    const a = kernels.residentCsr(rowPtr, colIdx, values, rows, cols);
    expect(a.nnz).toBe(10);
    for (const n of [1, 3, 4, 8, 12, 16, 21, 36]) {
      const dense = randomF32(cols * n, n);
      const want = new Float64Array(rows * n);
      for (let i = 0; i < rows; i++)
        for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) for (let j = 0; j < n; j++) want[i * n + j] += values[p] * dense[colIdx[p] * n + j];
      const out = new Float32Array(rows * n);
      expect(kernels.spmmResident(a, dense, n, out)).toBe(out);
      expect(compareToReference(out, want, reductionRtol(3), reductionAtol(3))).toBe('');
      expect(Array.from(kernels.spmm(rowPtr, colIdx, values, rows, cols, dense, n))).toEqual(Array.from(out));
    }
    expect(() => kernels.spmmResident(a, new Float32Array(cols), 2)).toThrow(RangeError);
    expect(() => kernels.spmmResident(a, new Float32Array(cols * 2), 2, new Float32Array(3))).toThrow(/out must hold 14 floats/);
    const used = kernels.arena.residentBytes;
    expect(used).toBeGreaterThan(0);
    a.dispose();
    a.dispose(); // again: nothing
    expect(kernels.arena.residentBytes).toBe(0);
    expect(() => kernels.spmmResident(a, new Float32Array(cols), 1)).toThrow(/disposed/);
    expect(() => kernels.residentCsr(rowPtr, Int32Array.of(0, 4, 1, 2, 3, 0, 1, 3, 5, 2), values, rows, cols)).toThrow(
      'spmm: colIdx has 5 at entry 8, outside [0, 5)',
    );
    expect(kernels.arena.residentBytes).toBe(0);
  });
});

describe('kernels over a growing, limited memory', () => {
  it('gives right gemm results when a call grows memory while an old view is held', async () => {
    const kernels = await loadKernels({ feature: 'simd', initialBytes: WASM_PAGE_BYTES });
    const before = kernels.arena.memoryBytes;
    const held = kernels.arena.f32(kernels.arena.alloc(16), 4);
    const [m, n, k] = [300, 200, 100]; // ~0.5 MB of operands: more than one page
    const a = randomF32(m * k, 1),
      b = randomF32(k * n, 2);
    const got = kernels.gemm(a, b, m, n, k);
    expect(kernels.arena.memoryBytes).toBeGreaterThan(before);
    expect(held.length).toBe(0);
    expect(compareToReference(got, gemmReference(a, b, m, n, k, false, false), reductionRtol(k), reductionAtol(k))).toBe('');
  });

  it('fails a too-large gemm with WasmOutOfMemoryError, then keeps working', async () => {
    const kernels = await loadKernels({ feature: 'simd', maximumBytes: 2 << 20 });
    const big = new Float32Array(1024 * 1024); // 4 MiB > 2 MiB limit
    let error: unknown;
    try {
      kernels.gemm(big, big, 1024, 1024, 1024);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WasmOutOfMemoryError);
    expect((error as WasmOutOfMemoryError).requestedBytes).toBe(4 << 20);
    expect((error as Error).message).toMatch(/asked for 4194304 bytes .* limit \d+ bytes/);
    expect(kernels.arena.usedBytes).toBe(0);
    expect(Array.from(kernels.gemm(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 1, 2))).toEqual([11]);
  });

  it('rejects a maximum outside wasm32 limits', async () => {
    await expect(loadKernels({ maximumBytes: 5 * 2 ** 30 })).rejects.toThrow(
      'loadKernels: maximumBytes must be between 65536 and 4294967296, got 5368709120',
    );
  });
});

describe('out of memory through the backend (issue 25, defect 5)', () => {
  it('is a LecError naming the op, the bytes and wasmBackend({ maximumBytes }); the backend stays usable', async () => {
    const { wasmBackend } = await import('./wasm-backend.js');
    const { LecError, OutOfMemoryError, matmul, randn, zeros, withBackend } = await import('@lec/tensor');
    const backend = await wasmBackend({ feature: 'simd', maximumBytes: 4 << 20 });
    try {
      withBackend(backend, () => {
        // bigger than the whole limit: refused by the op before anything is allocated
        let e: unknown;
        try {
          zeros([1024, 1024, 2]);
        } catch (err) {
          e = err;
        }
        expect(e).toBeInstanceOf(OutOfMemoryError);
        expect((e as Error).message).toContain('wasmBackend({ maximumBytes })');
        expect((e as InstanceType<typeof LecError>).op).toBe('zeros');
        // fits alone, but the kernel's operands and scratch do not: the arena's error, naming the primitive
        const a = randn([700, 700], { seed: 1 });
        const b = randn([700, 700], { seed: 2 });
        let f: unknown;
        try {
          matmul(a, b);
        } catch (err) {
          f = err;
        }
        expect(f).toBeInstanceOf(OutOfMemoryError);
        expect(f).toBeInstanceOf(LecError);
        expect((f as Error).message).toMatch(
          /^(matmul|gemm|fromArray)\b.*: out of memory: asked for \d+ bytes .*wasmBackend\(\{ maximumBytes \}\)/,
        );
        expect((f as InstanceType<typeof OutOfMemoryError>).requestedBytes).toBeGreaterThan(0);
        expect(matmul(randn([8, 8]), randn([8, 8])).shape).toEqual([8, 8]);
      });
    } finally {
      backend.disposeBackend?.();
    }
  });
});

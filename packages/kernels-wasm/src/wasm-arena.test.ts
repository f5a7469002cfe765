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
      'kernels-wasm arena: out of memory: asked for 200000 bytes with 1000 in use, limit 131072 bytes',
    );
    expect(arena.usedBytes).toBe(1000);
    expect(arena.alloc(1000)).toBeGreaterThan(0);
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

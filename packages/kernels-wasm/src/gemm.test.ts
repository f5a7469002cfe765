import { describe, expect, it } from 'vitest';
import { compareToReference, gemmReference, randomF32, reductionAtol, reductionRtol } from '../test/reference.js';
import { loadKernels } from './load-kernels.js';
import type { KernelFeature } from './feature-detection.js';

const FEATURES: KernelFeature[] = ['scalar', 'simd', 'relaxed'];
const EDGE_SIZES = [0, 1, 3, 4, 5, 16, 17];
const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe.each(FEATURES)('gemm (%s build)', (feature) => {
  const kernelsPromise = loadKernels({ feature });

  function check(
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    seed: number,
    bias?: Float32Array,
    activation?: 'none' | 'relu' | 'sigmoid' | 'tanh',
  ) {
    return kernelsPromise.then((kernels) => {
      const a = randomF32(m * k, seed);
      const b = randomF32(k * n, seed + 1);
      const got = kernels.gemm(a, b, m, n, k, { transA, transB, bias, activation });
      const expected = gemmReference(a, b, m, n, k, transA, transB, bias, activation);
      return compareToReference(got, expected, reductionRtol(k), reductionAtol(k));
    });
  }

  it('uses the requested build', async () => {
    expect((await kernelsPromise).feature).toBe(feature);
  });

  it.each(TRANSPOSES)('every m, n, k in {0,1,3,4,5,16,17}, transA=%s transB=%s', async (transA, transB) => {
    const failures: string[] = [];
    for (const m of EDGE_SIZES)
      for (const n of EDGE_SIZES)
        for (const k of EDGE_SIZES) {
          const report = await check(m, n, k, transA, transB, m * 1000 + n * 10 + k);
          if (report) failures.push(`m=${m} n=${n} k=${k}: ${report}`);
        }
    expect(failures).toEqual([]);
  });

  it.each([
    [1001, 17, 5],
    [5, 1003, 17],
    [17, 5, 1031],
    [67, 259, 300],
    [9, 1100, 260],
    [130, 33, 520],
  ])('large and block-crossing m=%i n=%i k=%i, all transposes', async (m, n, k) => {
    for (const [transA, transB] of TRANSPOSES) {
      expect(await check(m, n, k, transA, transB, m + n + k)).toBe('');
    }
  });

  it.each(['none', 'relu', 'sigmoid', 'tanh'] as const)('bias and %s activation', async (activation) => {
    for (const [m, n, k] of [
      [5, 17, 3],
      [16, 16, 16],
      [33, 70, 300],
      [3, 0, 4],
      [4, 5, 0],
    ]) {
      expect(await check(m, n, k, false, true, 7, randomF32(n, 99), activation)).toBe('');
    }
    // few rows against a large B (packed a group of panels at a time), ragged groups and panels
    for (const transB of [false, true]) expect(await check(40, 700, 600, true, transB, 8, randomF32(700, 98), activation)).toBe('');
  });

  it('reads subarray operands at unaligned offsets', async () => {
    const kernels = await kernelsPromise;
    const [m, n, k] = [17, 19, 23];
    const a = randomF32(m * k + 3, 1).subarray(3);
    const b = randomF32(k * n + 1, 2).subarray(1);
    const got = kernels.gemm(a, b, m, n, k);
    expect(compareToReference(got, gemmReference(a, b, m, n, k, false, false), reductionRtol(k), reductionAtol(k))).toBe('');
  });

  it('runs the raw kernel on misaligned pointers and padded leading dimensions', async () => {
    const kernels = await kernelsPromise;
    const { arena, exports } = kernels;
    for (const [transA, transB] of TRANSPOSES) {
      const [m, n, k] = [13, 21, 37];
      const [lda, ldb, ldc] = [(transA ? m : k) + 3, (transB ? k : n) + 5, n + 2];
      const aRows = transA ? k : m,
        bRows = transB ? n : k;
      const mark = arena.mark();
      const pa = arena.alloc(aRows * lda * 4 + 4) + 4;
      const pb = arena.alloc(bRows * ldb * 4 + 8) + 8;
      const pc = arena.alloc(m * ldc * 4 + 12) + 12;
      const work = arena.alloc(exports.gemm_f32_workspace_bytes(m, n, k) + 4) + 4;
      const aStrided = randomF32(aRows * lda, 5),
        bStrided = randomF32(bRows * ldb, 6);
      arena.f32(pa, aStrided.length).set(aStrided);
      arena.f32(pb, bStrided.length).set(bStrided);
      arena.f32(pc, m * ldc).fill(-7); // the padding columns of C must stay -7
      exports.gemm_f32(m, n, k, pa, lda, +transA, pb, ldb, +transB, pc, ldc, 0, 0, 0, work);
      const aDense = new Float32Array(m * k),
        bDense = new Float32Array(k * n);
      for (let r = 0; r < aRows; r++) for (let q = 0; q < (transA ? m : k); q++) aDense[r * (transA ? m : k) + q] = aStrided[r * lda + q];
      for (let r = 0; r < bRows; r++) for (let q = 0; q < (transB ? k : n); q++) bDense[r * (transB ? k : n) + q] = bStrided[r * ldb + q];
      const c = arena.f32(pc, m * ldc);
      const got = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        got.set(c.subarray(i * ldc, i * ldc + n), i * n);
        expect([c[i * ldc + n], c[i * ldc + n + 1]]).toEqual([-7, -7]);
      }
      expect(compareToReference(got, gemmReference(aDense, bDense, m, n, k, transA, transB), reductionRtol(k), reductionAtol(k))).toBe('');
      arena.release(mark);
    }
  });

  it.each([
    [9, 10, 300],
    [9, 700, 600],
  ])('accumulates into C when asked, m=%i n=%i k=%i', async (m, n, k) => {
    const { arena, exports } = await kernelsPromise;
    const mark = arena.mark();
    const a = randomF32(m * k, 1),
      b = randomF32(k * n, 2),
      c0 = randomF32(m * n, 3);
    const pa = arena.allocF32(a.length, a),
      pb = arena.allocF32(b.length, b),
      pc = arena.allocF32(c0.length, c0);
    const work = arena.alloc(exports.gemm_f32_workspace_bytes(m, n, k));
    exports.gemm_f32(m, n, k, pa, k, 0, pb, n, 0, pc, n, 0, 0, 1, work);
    const expected = gemmReference(a, b, m, n, k, false, false).map((v, i) => v + c0[i]);
    expect(compareToReference(arena.f32(pc, m * n), expected, reductionRtol(k), reductionAtol(k))).toBe('');
    arena.release(mark);
  });

  it('propagates NaN and infinities', async () => {
    const kernels = await kernelsPromise;
    for (const [transA, transB] of TRANSPOSES) {
      const [m, n, k] = [7, 11, 9];
      const a = randomF32(m * k, 3).map(Math.abs);
      const b = randomF32(k * n, 4).map((v) => Math.abs(v) + 0.5);
      const at = (i: number, p: number) => (transA ? p * m + i : i * k + p);
      a[at(1, 2)] = NaN; // row 1 of C: NaN
      a[at(3, 4)] = Infinity; // row 3: +Inf
      a[at(5, 0)] = -Infinity; // row 5: -Inf
      a[at(6, 1)] = Infinity;
      a[at(6, 2)] = -Infinity; // row 6: Inf − Inf = NaN
      const got = kernels.gemm(a, b, m, n, k, { transA, transB, activation: 'relu' });
      const expected = gemmReference(a, b, m, n, k, transA, transB, undefined, 'relu');
      expect(expected[1 * n]).toBeNaN();
      expect(expected[3 * n]).toBe(Infinity);
      expect(expected[5 * n]).toBe(0); // relu(-Inf)
      expect(expected[6 * n]).toBeNaN();
      expect(compareToReference(got, expected, reductionRtol(k), reductionAtol(k))).toBe('');
    }
  });
});

describe('gemm argument checks', () => {
  it('names the op, the argument, the expected and the actual length', async () => {
    const kernels = await loadKernels({ feature: 'scalar' });
    expect(() => kernels.gemm(new Float32Array(5), new Float32Array(6), 2, 3, 3)).toThrow(
      'gemm: a must hold 6 floats for shape [m=2, k=3], got 5',
    );
    expect(() => kernels.gemm(new Float32Array(6), new Float32Array(6), 2, 3, 3, { transB: true })).toThrow(
      'gemm: b must hold 9 floats for shape [n=3, k=3], got 6',
    );
    expect(() => kernels.gemm(new Float32Array(0), new Float32Array(0), -1, 0, 0)).toThrow(
      'gemm: m must be a non-negative integer, got -1',
    );
  });

  it('runs the documented example', async () => {
    const kernels = await loadKernels();
    expect(Array.from(kernels.gemm(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 1, 2))).toEqual([11]);
    const w = kernels.residentF32(Float32Array.of(3, 4));
    expect(Array.from(kernels.gemm(Float32Array.of(1, 2), w, 1, 1, 2))).toEqual([11]);
    w.dispose();
  });
});

describe('resident gemm/matmul operands', () => {
  it('give the same products as arrays, both sides and both transposes, and are checked', async () => {
    const kernels = await loadKernels({ feature: 'relaxed' });
    const [m, n, k] = [37, 150, 70];
    const a = randomF32(m * k, 5),
      b = randomF32(k * n, 6);
    const ra = kernels.residentF32(a),
      rb = kernels.residentF32(b);
    expect(kernels.arena.residentBytes).toBeGreaterThanOrEqual((m * k + k * n) * 4);
    a.fill(0); // the resident copies are independent of the arrays
    const a0 = randomF32(m * k, 5);
    for (const [transA, transB] of TRANSPOSES) {
      const want = kernels.gemm(a0, b, m, n, k, { transA, transB });
      expect(Array.from(kernels.gemm(ra, rb, m, n, k, { transA, transB }))).toEqual(Array.from(want));
      expect(Array.from(kernels.gemm(a0, rb, m, n, k, { transA, transB }))).toEqual(Array.from(want));
      const shape = { batch: 1, aBatch: 1, bBatch: 1, m, n, k, transposeA: transA, transposeB: transB };
      expect(Array.from(kernels.matmul(ra, b, shape))).toEqual(Array.from(want));
    }
    expect(() => kernels.gemm(ra, rb, m, n, k + 1)).toThrow(
      `gemm: a must hold ${m * (k + 1)} floats for shape [m=${m}, k=${k + 1}], got ${m * k}`,
    );
    const other = await loadKernels({ feature: 'simd' });
    expect(() => other.gemm(ra, b, m, n, k)).toThrow('gemm: a was made resident by another kernels instance');
    rb.dispose();
    rb.dispose(); // again: nothing
    expect(() => kernels.gemm(a0, rb, m, n, k)).toThrow('gemm: b is a resident array that was disposed');
    ra.dispose();
    expect(kernels.arena.residentBytes).toBe(0);
    expect(() => kernels.residentF32([1, 2] as unknown as Float32Array)).toThrow('residentF32: values must be a Float32Array');
  });

  it.each([1, 2])('packed b (residentPackedB) gives the same products on %i thread(s), edge and block-crossing sizes', async (threads) => {
    const kernels = await loadKernels({ feature: 'relaxed', threads });
    const failures: string[] = [];
    for (const [m, n, k] of [
      [1, 1, 1],
      [5, 17, 3],
      [37, 150, 70],
      [130, 61, 600],
      [9, 1100, 260],
      [200, 530, 40],
    ]) {
      for (const [transA, transB] of TRANSPOSES) {
        const a = randomF32(m * k, m + k),
          b = randomF32(k * n, n + k),
          bias = randomF32(n, 3);
        const rb = kernels.residentPackedB(b, k, n, transB);
        expect(rb.packed).toEqual({ k, n, transB });
        const want = kernels.gemm(a, b, m, n, k, { transA, transB, bias, activation: 'relu' });
        const got = kernels.gemm(a, rb, m, n, k, { transA, transB, bias, activation: 'relu' });
        if (Array.from(got).some((v, i) => v !== want[i])) failures.push(`m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`);
        const shape = { batch: 3, aBatch: 3, bBatch: 1, m, n, k, transposeA: transA, transposeB: transB };
        const a3 = randomF32(3 * m * k, 9);
        const want3 = kernels.matmul(a3, b, shape);
        if (Array.from(kernels.matmul(a3, rb, shape)).some((v, i) => v !== want3[i]))
          failures.push(`matmul m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`);
        rb.dispose();
      }
    }
    expect(failures).toEqual([]);
    expect(kernels.arena.residentBytes).toBe(0);
    const rb = kernels.residentPackedB(randomF32(12, 1), 3, 4, false);
    expect(() => kernels.gemm(randomF32(6, 2), rb, 2, 4, 3, { transB: true })).toThrow(
      'gemm: b was packed for k=3, n=4, transB=false, used with k=3, n=4, transB=true',
    );
    expect(() => kernels.gemm(rb, randomF32(12, 2), 4, 4, 3)).toThrow('gemm: a is packed as a b operand (residentPackedB); pass it as b');
    expect(() =>
      kernels.matmul(randomF32(12, 2), rb, { batch: 2, aBatch: 2, bBatch: 2, m: 2, n: 4, k: 3, transposeA: false, transposeB: false }),
    ).toThrow('matmul: b must hold 24 floats');
    rb.dispose();
    kernels.dispose();
  });
});

/** The "% relaxed peak" and "÷ 1T" columns of the tables, from results of one run. */
import { describe, expect, it } from 'vitest';
import type { Result } from '../harness/types.js';
import { buildTables } from './table.js';

const ok = (suite: string, c: string, impl: string, threads: number, ms: number, gflops?: number): Result => ({
  suite,
  case: c,
  impl,
  threads,
  median_ms: ms,
  min_ms: ms,
  max_ms: ms,
  status: 'ok',
  gflops,
});

describe('tables', () => {
  it('give % of the relaxed peak at the same thread count and the threaded variant over one thread', () => {
    const results = [
      ok('peak', 'relaxed-simd f32x4.relaxed_madd', 'bench-wasm-kernel', 1, 1, 50),
      ok('peak', 'relaxed-simd f32x4.relaxed_madd', 'bench-wasm-kernel', 2, 1, 100),
      ok('gemm', '512²', 'lec-wasm', 1, 10, 45),
      ok('gemm', '512²', 'lec-wasm-t2', 2, 5.5, 81.8),
      ok('gemm', '512²', 'tfjs-wasm', 1, 15, 30),
    ];
    const kinds = new Map<string, 'lec' | 'peer'>([
      ['lec-wasm', 'lec'],
      ['lec-wasm-t2', 'lec'],
      ['tfjs-wasm', 'peer'],
      ['bench-wasm-kernel', 'peer'],
    ]);
    const gemm = buildTables(results, { kinds, notes: [] }).find((t) => t.suite === 'gemm')!;
    const col = (name: string) => gemm.header.indexOf(name);
    expect(col('% relaxed peak')).toBeGreaterThan(0);
    const row = (impl: string) => gemm.rows.find((r) => r[1] === impl)!;
    expect(row('lec-wasm')[col('% relaxed peak')]).toBe('90 %');
    expect(row('lec-wasm-t2')[col('% relaxed peak')]).toBe('82 %');
    expect(row('lec-wasm-t2')[col('÷ 1T')]).toBe('1.82');
    expect(row('lec-wasm')[col('÷ 1T')]).toBe('');
  });

  it('leave the columns out when the peak suite or a threaded variant did not run', () => {
    const kinds = new Map<string, 'lec' | 'peer'>([['lec-wasm', 'lec']]);
    const [t] = buildTables([ok('gemm', '512²', 'lec-wasm', 1, 10, 45)], { kinds, notes: [] });
    expect(t.header).not.toContain('% relaxed peak');
    expect(t.header).not.toContain('÷ 1T');
  });
});

import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../dtype.js';
import { CpuBackend, type CpuHandle } from './cpu-backend.js';

/** A js backend and a view of which arrays it hands out (through its public store methods). */
function probe() {
  const b = new CpuBackend({ name: 'probe', storage: 'native' });
  return Object.assign(b, {
    dataOf: (h: CpuHandle): TypedArray => b.get(h),
    take: (size: number, zeroed: boolean): TypedArray => (zeroed ? b.array('float32', size) : b.arrayToOverwrite('float32', size)),
  });
}

describe('CpuBackend array recycling', () => {
  it('hands a disposed array out again: zeroed by array, as it was by arrayToOverwrite', () => {
    const b = probe();
    const h = b.fromArray(new Float32Array(5000).fill(3), 'float32');
    const data = b.dataOf(h);
    b.dispose(h);
    const again = b.take(5000, false);
    expect(again === data).toBe(true);
    expect(again[4999]).toBe(3);
    const h2 = b.fromArray(new Float32Array(5000).fill(3), 'float32');
    const data2 = b.dataOf(h2);
    b.dispose(h2);
    const zeroed = b.take(5000, true);
    expect(zeroed === data2).toBe(true);
    expect(zeroed.every((v) => v === 0)).toBe(true);
  });

  it('keeps a working set larger than 64 MiB for reuse once it has been alive at once', () => {
    const b = probe();
    const size = 4 << 20; // 16 MiB of float32
    const source = new Float32Array(size);
    const live = Array.from({ length: 6 }, () => b.fromArray(source, 'float32'));
    const arrays = live.map((h) => b.dataOf(h));
    expect(new Set(arrays).size).toBe(6);
    for (const h of live) b.dispose(h); // 96 MiB disposed at once
    const reused = Array.from({ length: 6 }, () => b.take(size, false));
    // all six come back, not only the first 64 MiB of them
    expect(new Set(reused).size).toBe(6);
    expect(reused.every((r) => arrays.includes(r))).toBe(true);
    expect(b.liveBuffers()).toBe(0);
  });
});

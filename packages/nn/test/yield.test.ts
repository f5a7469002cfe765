/** nextMacrotask's browser paths, run in Node with setImmediate hidden. */
import { describe, expect, it } from 'vitest';
import { nextMacrotask } from '../src/index.js';

async function withoutSetImmediate<T>(fn: () => Promise<T>, scheduler?: unknown): Promise<T> {
  const g = globalThis as { setImmediate?: unknown; scheduler?: unknown };
  const saved = [g.setImmediate, g.scheduler];
  g.setImmediate = undefined;
  g.scheduler = scheduler;
  try {
    return await fn();
  } finally {
    [g.setImmediate, g.scheduler] = saved;
  }
}

describe('nextMacrotask in a page', () => {
  it('one reused MessageChannel: yields resolve in order, after queued timers-free tasks, and keep working', async () => {
    const order = await withoutSetImmediate(async () => {
      const seen: number[] = [];
      let micro = false;
      queueMicrotask(() => {
        micro = true;
      });
      const all = [1, 2, 3].map((i) => nextMacrotask().then(() => seen.push(i)));
      expect(micro).toBe(false);
      await Promise.all(all);
      expect(micro).toBe(true);
      for (let i = 0; i < 100; i++) await nextMacrotask();
      return seen;
    });
    expect(order).toEqual([1, 2, 3]);
  });

  it('uses scheduler.yield() where the page has it', async () => {
    let calls = 0;
    const scheduler = {
      yield: () => {
        calls++;
        return Promise.resolve();
      },
    };
    await withoutSetImmediate(() => nextMacrotask(), scheduler);
    expect(calls).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { loadMnist } from './mnist.js';

describe('loadMnist', () => {
  it('gives a seeded, disjoint 8,000 / 2,000 split of real digits in [0, 1]', async () => {
    const a = await loadMnist();
    expect(a.train.images.shape).toEqual([8000, 28, 28, 1]);
    expect(a.test.images.shape).toEqual([2000, 28, 28, 1]);
    const labels = a.train.labels.dataSync();
    const counts = new Array(10).fill(0);
    for (const l of labels) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(600);
    const px = a.test.images.dataSync();
    let max = 0;
    let min = 1;
    for (const v of px) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    expect(min).toBe(0);
    expect(max).toBeGreaterThan(0.9);
    expect(max).toBeLessThanOrEqual(1);
    const b = await loadMnist({ trainSize: 10, testSize: 5 });
    expect(Array.from(b.train.labels.dataSync())).toEqual(Array.from(labels.subarray(0, 10)));
    const c = await loadMnist({ trainSize: 10, testSize: 5, seed: 1 });
    expect(Array.from(c.train.labels.dataSync())).not.toEqual(Array.from(labels.subarray(0, 10)));
  });

  it('rejects impossible sizes', async () => {
    await expect(loadMnist({ trainSize: 9000, testSize: 2000 })).rejects.toThrow(/loadMnist: trainSize/);
  });
});

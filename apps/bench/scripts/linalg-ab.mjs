#!/usr/bin/env node
// A/B in one process: @lec/linalg's symmetricEigen (tred2/tql2 on flat, transposed storage)
// against ml-matrix's EigenvalueDecomposition (the same algorithm on its row arrays), on a
// seeded symmetric positive semi-definite n×n Gram matrix, alternating the two per repetition.
// Prints the medians, every repetition, the largest eigenvalue difference and the load.
//
//   node apps/bench/scripts/linalg-ab.mjs [n=784] [reps=3]
import { cpus, loadavg } from 'node:os';
import { gram, symmetricEigen } from '@lec/linalg';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

const n = Number(process.argv[2] ?? 784);
const reps = Number(process.argv[3] ?? 3);
let seed = 12345;
const uniform = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
};
const x = { rows: 2 * n, cols: n, data: new Float64Array(2 * n * n).map(uniform) };
const s = gram(x);
const nested = Array.from({ length: n }, (_, i) => Array.from(s.data.subarray(i * n, (i + 1) * n)));
const time = (f) => {
  const t0 = performance.now();
  const r = f();
  return [performance.now() - t0, r];
};
const ours = [];
const theirs = [];
let a;
let b;
for (let i = 0; i < reps; i++) {
  let ms;
  [ms, a] = time(() => symmetricEigen(s).values);
  ours.push(ms);
  [ms, b] = time(() => new EigenvalueDecomposition(new Matrix(nested), { assumeSymmetric: true }).realEigenvalues.sort((p, q) => q - p));
  theirs.push(ms);
}
const median = (v) => v.slice().sort((p, q) => p - q)[v.length >> 1];
let diff = 0;
for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
const list = (v) => v.map((t) => t.toFixed(0)).join(', ');
console.log(
  `${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`n=${n}: @lec/linalg symmetricEigen median ${median(ours).toFixed(1)} ms (${list(ours)})`);
console.log(`n=${n}: ml-matrix EigenvalueDecomposition median ${median(theirs).toFixed(1)} ms (${list(theirs)})`);
console.log(`ratio ${(median(theirs) / median(ours)).toFixed(2)}x; max |Δλ| ${diff.toExponential(2)}`);

#!/usr/bin/env node
// Kipf & Welling on a Planetoid dataset, standard split, N seeds: test accuracy mean ± std
// (sample std), epochs run, and per-epoch times. Build first (pnpm exec turbo run build --filter @lec/bench...).
//   node apps/bench/scripts/gcn/cora.mjs [--data ../shared/datasets] [--source original|text] [--seeds 10] [--first-seed 0] [--dataset cora] [--backend js|f64]
import { f64Backend, jsBackend } from '@lec/tensor';
import * as api from '@lec/gcn';
import { arg, meanStd, planetoidFromArgs } from './common.mjs';

const { rowNormalize, trainGCN } = api;

const name = arg('dataset', 'cora');
const seeds = Number(arg('seeds', '10'));
const firstSeed = Number(arg('first-seed', '0'));
const backendName = arg('backend', 'js'); // js (float32) or f64 (float64 reference)
const backend = backendName === 'f64' ? f64Backend() : jsBackend();
const dtype = backendName === 'f64' ? 'float64' : 'float32';
const d = await planetoidFromArgs(api, name);
if (!d.features) {
  console.error(d.notes.join('\n'));
  process.exit(1);
}
const features = rowNormalize(d.features);
const rows = [];
for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
  const t0 = performance.now();
  const r = trainGCN({ graph: d.graph, features, labels: d.labels, split: d.split, seed, dtype, backend });
  const last = r.history[r.history.length - 1];
  rows.push({
    seed,
    test: r.testAccuracy,
    epochs: r.epochs,
    val: last.valAccuracy,
    stepMs: r.meanStepMs,
    epochMs: r.meanEpochMs,
    totalS: (performance.now() - t0) / 1000,
  });
  console.log(
    `seed ${seed}: test ${(100 * r.testAccuracy).toFixed(1)} %  val ${(100 * last.valAccuracy).toFixed(1)} %  epochs ${r.epochs}${r.stoppedEarly ? ' (early stop)' : ''}  step ${r.meanStepMs.toFixed(1)} ms  epoch+eval ${r.meanEpochMs.toFixed(1)} ms`,
  );
}
const [m, s] = meanStd(rows.map((r) => 100 * r.test));
const [step] = meanStd(rows.map((r) => r.stepMs));
const [epoch] = meanStd(rows.map((r) => r.epochMs));
console.log(
  `\n${name}: test accuracy ${m.toFixed(2)} % ± ${s.toFixed(2)} over ${seeds} seeds (paper 81.5 % for cora); ${dtype}, ${process.version}`,
);
console.log(`mean training step ${step.toFixed(1)} ms, with the validation pass ${epoch.toFixed(1)} ms per epoch (${backendName} backend)`);

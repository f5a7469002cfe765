#!/usr/bin/env node
// 200 full-batch training steps of the paper's GCN on Cora (hidden 16, dropout 0.5, sparse
// features and Â; forward, backward, Adam; no evaluation pass) with benchmarkEpochs, on the
// js backend (float32) and the wasm backend (threads 1 by default), with the load average.
// Build first (pnpm exec turbo run build --filter @lec/bench...).
//   node apps/bench/scripts/gcn/bench-epochs.mjs [--data ../shared/datasets] [--source original|text] [--epochs 200] [--warmup 3] [--backends js,wasm] [--threads 1]
import { loadavg } from 'node:os';
import { jsBackend } from '@lec/tensor';
import * as api from '@lec/gcn';
import { arg, planetoidFromArgs } from './common.mjs';

const { benchmarkEpochs, rowNormalize } = api;

const epochs = Number(arg('epochs', '200'));
const warmup = Number(arg('warmup', '3'));
const threads = Number(arg('threads', '1'));
const names = arg('backends', 'js,wasm').split(',');
const d = await planetoidFromArgs(api, 'cora');
const features = rowNormalize(d.features);
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

async function backendOf(name) {
  if (name === 'js') return jsBackend();
  if (name === 'wasm') return (await import('@lec/kernels-wasm')).wasmBackend({ threads });
  throw new Error(`unknown backend '${name}' (js or wasm)`);
}

console.log(`cora, ${epochs} epochs after ${warmup} warm-up, ${process.version}`);
console.log('| backend | median ms | mean ms | total s | load before | load after |');
console.log('|---|---:|---:|---:|---|---|');
for (const name of names) {
  const backend = await backendOf(name);
  const before = load();
  const r = benchmarkEpochs({ graph: d.graph, features, labels: d.labels, train: d.split.train, epochs, warmup, backend });
  console.log(
    `| ${name}${name === 'wasm' ? ` (threads ${threads})` : ''} | ${r.medianMs.toFixed(1)} | ${r.meanMs.toFixed(1)} | ${(r.totalMs / 1000).toFixed(2)} | ${before} | ${load()} |`,
  );
}

#!/usr/bin/env node
// Training-step time of the paper's GCN (hidden 16, dropout 0.5) on SBM graphs from 10^4 to
// 10^6 edges, average degree 10, 4 blocks, 32 dense features; float32 on the js backend or the
// wasm one (one thread). apps/bench's gcn suite has the same case on lec-wasm.
//   node apps/bench/scripts/gcn/sbm-scale.mjs [--epochs 10] [--max 1000000] [--backend js|wasm]
import { jsBackend, randn } from '@lec/tensor';
import { benchmarkEpochs, sbm } from '@lec/gcn';
import { arg } from './common.mjs';

const epochs = Number(arg('epochs', '10'));
const max = Number(arg('max', '1000000'));
const backendName = arg('backend', 'js');
if (backendName !== 'js' && backendName !== 'wasm') throw new Error(`unknown backend '${backendName}' (js or wasm)`);
const backend = backendName === 'wasm' ? await (await import('@lec/kernels-wasm')).wasmBackend({ threads: 1 }) : jsBackend();
console.log(`${backendName} backend`);
console.log('| edges (target) | nodes | edges | build ms | median step ms | ms per 10^6 edges |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const m of [1e4, 3e4, 1e5, 3e5, 1e6].filter((v) => v <= max)) {
  const n = Math.round(m / 5); // average degree 10
  const sizes = [n / 4, n / 4, n / 4, n / 4].map(Math.round);
  const degIn = 8;
  const degOut = 2;
  const t0 = performance.now();
  const { graph, labels } = sbm({ sizes, pIn: degIn / (sizes[0] - 1), pOut: degOut / (n - sizes[0]), seed: 1 });
  const buildMs = performance.now() - t0;
  const features = randn([graph.numNodes, 32], { seed: 2, backend });
  const train = Array.from({ length: 80 }, (_, i) => Math.floor((i * graph.numNodes) / 80));
  const b = benchmarkEpochs({ graph, features, labels, train, epochs, warmup: 2, backend });
  console.log(
    `| ${m.toExponential(0)} | ${graph.numNodes} | ${graph.numEdges} | ${buildMs.toFixed(0)} | ${b.medianMs.toFixed(1)} | ${((b.medianMs * 1e6) / graph.numEdges).toFixed(0)} |`,
  );
}

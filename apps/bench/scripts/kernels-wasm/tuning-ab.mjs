#!/usr/bin/env node
// A/B of GEMM tunings (kernels/tuning.ts) in one process, interleaved: the default 4×8 kernel,
// the 6×8 kernel, and what `wasmBackend()`'s calibration chose, on the bench's GEMM shapes, one
// thread, operands already in the arena (kernel level: no copies). Prints the median and best
// GFLOP/s of each and their share of the relaxed-SIMD peak measured in the same rounds, and the
// calibration's report. Run after `pnpm build`:
//   node apps/bench/scripts/kernels-wasm/tuning-ab.mjs [rounds=9] ['{"gemm":{"mr":6,"mc":144}}' ...]
// Extra arguments are more tunings to compare (JSON, as `wasmBackend({ tuning })` takes).
import { PEAK_FLOPS_PER_ITERATION, wasmBackend } from '@lec/kernels-wasm';

const rounds = Number(process.argv[2] ?? 9);
const backend = await wasmBackend();
const calibrated = backend.info().tuning;
const kernels = backend.kernels;
const tunings = [
  ['default 4x8', 'default'],
  ['6x8', { gemm: { mr: 6 } }],
  ['calibrated', calibrated.config],
  ...process.argv.slice(3).map((json) => [json, JSON.parse(json)]),
];
const shapes = [
  [256, 256, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
  [32, 2048, 512],
  [2048, 32, 512],
];
const e = kernels.exports;
const arena = kernels.arena;
const most = Math.max(...shapes.map(([m, n, k]) => Math.max(m * k, k * n, m * n)));
const a = arena.allocF32(most);
const b = arena.allocF32(most);
const c = arena.allocF32(most);
arena.f32(a, most).fill(0.25);
arena.f32(b, most).fill(0.5);

/** GFLOP/s of one timed batch of about 20 ms (after the first round's warm-up). */
function rate([m, n, k], work) {
  const flops = 2 * m * n * k;
  const reps = Math.max(1, Math.round(Number(process.env.AB_FLOPS ?? 1e9) / flops));
  const start = performance.now();
  for (let r = 0; r < reps; r++) e.gemm_f32(m, n, k, a, k, 0, b, n, 0, c, n, 0, 0, 0, work);
  return (reps * flops) / ((performance.now() - start) * 1e6);
}

function peak() {
  const iterations = 2e6;
  const start = performance.now();
  e.peak_madd_f32x4(iterations);
  return (iterations * PEAK_FLOPS_PER_ITERATION) / ((performance.now() - start) * 1e6);
}

const rates = new Map();
const peaks = [];
for (let round = 0; round <= rounds; round++) {
  for (const shape of shapes) {
    for (const [name, tuning] of tunings) {
      kernels.tune(tuning);
      const mark = arena.mark();
      const work = arena.alloc(e.gemm_f32_workspace_bytes(...shape));
      const r = rate(shape, work);
      arena.release(mark);
      if (round > 0) rates.set(`${shape.join('×')} ${name}`, [...(rates.get(`${shape.join('×')} ${name}`) ?? []), r]);
    }
  }
  if (round > 0) peaks.push(peak());
}
const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
const peakMedian = median(peaks);
console.log(`relaxed-SIMD peak (1 thread): median ${peakMedian.toFixed(1)} GFLOP/s, best ${Math.max(...peaks).toFixed(1)}`);
for (const [key, v] of rates) {
  const med = median(v);
  console.log(
    `${key.padEnd(28)} median ${med.toFixed(1).padStart(5)} GFLOP/s (${((100 * med) / peakMedian).toFixed(0)} % of peak), best ${Math.max(...v).toFixed(1)}`,
  );
}
console.log(`calibration: ${calibrated.reason} (${calibrated.calibration?.ms.toFixed(1)} ms)`);
backend.disposeBackend();

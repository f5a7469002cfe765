#!/usr/bin/env node
// Quick throughput check of the built kernels (run `pnpm exec turbo run build --filter @lec/bench...` first):
// peak probes, gemm on the target shapes (all transposes, one thread), then host-level conv2d
// forward/backward and gemm on one and two threads.
// Kernel-level numbers use operands already in the arena; "host" numbers include the copies
// in and out done by WasmKernels.gemm. Every case is warmed up first (V8 tiers up wasm).
// Usage: node apps/bench/scripts/kernels-wasm/measure.mjs [relaxed|simd|scalar ...]
import { loadKernels, PEAK_FLOPS_PER_ITERATION, resolveConv2dShape } from '@lec/kernels-wasm';

const features = process.argv.length > 2 ? process.argv.slice(2) : ['simd', 'relaxed'];

/** Median GFLOP/s of `run` over 7 timed batches, after a warm-up. */
function gflops(flops, run) {
  const warmUntil = performance.now() + 150;
  let reps = 0;
  while (performance.now() < warmUntil) {
    run();
    reps++;
  }
  const perBatch = Math.max(1, Math.ceil(reps * (50 / 150)));
  const rates = [];
  for (let batch = 0; batch < 7; batch++) {
    const start = performance.now();
    for (let i = 0; i < perBatch; i++) run();
    rates.push((flops * perBatch) / ((performance.now() - start) * 1e6));
  }
  rates.sort((x, y) => x - y);
  return rates[3];
}

function fill(view) {
  for (let i = 0; i < view.length; i++) view[i] = Math.random() - 0.5;
}

for (const feature of features) {
  const kernels = await loadKernels({ feature });
  const { exports: e, arena } = kernels;
  console.log(`\n== ${kernels.feature} build (${kernels.reason})`);
  const iterations = 2_000_000;
  const peakPlain = gflops(PEAK_FLOPS_PER_ITERATION * iterations, () => e.peak_mul_add_f32x4(iterations));
  const peakMadd = gflops(PEAK_FLOPS_PER_ITERATION * iterations, () => e.peak_madd_f32x4(iterations));
  console.log(`peak  mul+add ${peakPlain.toFixed(1)} GFLOP/s   madd ${peakMadd.toFixed(1)} GFLOP/s`);
  const peak = feature === 'relaxed' ? peakMadd : peakPlain;

  const gemmShapes = [
    [256, 256, 256],
    [512, 512, 512],
    [1024, 1024, 1024],
    [64, 128, 784],
    [32, 2048, 512],
  ];
  for (const [m, n, k] of gemmShapes) {
    const cells = [];
    for (const [transA, transB] of [
      [0, 0],
      [0, 1],
      [1, 0],
    ]) {
      const mark = arena.mark();
      const a = arena.allocF32(m * k),
        b = arena.allocF32(k * n),
        c = arena.allocF32(m * n);
      const work = arena.alloc(e.gemm_f32_workspace_bytes(m, n, k));
      fill(arena.f32(a, m * k));
      fill(arena.f32(b, k * n));
      const rate = gflops(2 * m * n * k, () =>
        e.gemm_f32(m, n, k, a, transA ? m : k, transA, b, transB ? k : n, transB, c, n, 0, 0, 0, work),
      );
      cells.push(`${['NN', 'NT', 'TN'][transA * 2 + transB]} ${rate.toFixed(1)} (${Math.round((100 * rate) / peak)}%)`);
      arena.release(mark);
    }
    const a = new Float32Array(m * k),
      b = new Float32Array(k * n);
    fill(a);
    fill(b);
    const host = gflops(2 * m * n * k, () => kernels.gemm(a, b, m, n, k));
    console.log(`gemm ${m}x${k}·${k}x${n}`.padEnd(26) + cells.join('  ') + `  host NN ${host.toFixed(1)}`);
  }

  const convShapes = {
    'N=64 28x28x1 5x5x6 same': {
      batch: 64,
      inHeight: 28,
      inWidth: 28,
      inChannels: 1,
      filterHeight: 5,
      filterWidth: 5,
      outChannels: 6,
      pads: [2, 2, 2, 2],
    },
    'N=64 14x14x6 5x5x16 same': {
      batch: 64,
      inHeight: 14,
      inWidth: 14,
      inChannels: 6,
      filterHeight: 5,
      filterWidth: 5,
      outChannels: 16,
      pads: [2, 2, 2, 2],
    },
    'N=1 56x56x64 3x3x64 same': {
      batch: 1,
      inHeight: 56,
      inWidth: 56,
      inChannels: 64,
      filterHeight: 3,
      filterWidth: 3,
      outChannels: 64,
      pads: [1, 1, 1, 1],
    },
    'N=32 32x32x3 3x3x32 same': {
      batch: 32,
      inHeight: 32,
      inWidth: 32,
      inChannels: 3,
      filterHeight: 3,
      filterWidth: 3,
      outChannels: 32,
      pads: [1, 1, 1, 1],
    },
  };
  // Host level (copies in and out included), each algorithm choice as WasmKernels makes it.
  const threaded = await loadKernels({ feature, threads: 2 });
  for (const [name, shape] of Object.entries(convShapes)) {
    const s = resolveConv2dShape(shape);
    const x = new Float32Array(s.batch * s.inHeight * s.inWidth * s.inChannels);
    const w = new Float32Array(s.filterHeight * s.filterWidth * s.inChannels * s.outChannels);
    const dy = new Float32Array(s.batch * s.outHeight * s.outWidth * s.outChannels);
    fill(x);
    fill(w);
    fill(dy);
    const flops = 2 * dy.length * s.filterHeight * s.filterWidth * s.inChannels;
    const cells = [];
    for (const k of [kernels, threaded]) {
      const forward = gflops(flops, () => k.conv2d(x, w, shape));
      const input = gflops(flops, () => k.conv2dBackpropInput(dy, w, shape));
      const filter = gflops(flops, () => k.conv2dBackpropFilter(x, dy, shape));
      cells.push(
        `${k.threads}t fwd ${forward.toFixed(1)} dx ${input.toFixed(1)} (${Math.round((100 * input) / forward)}%) dw ${filter.toFixed(1)} (${Math.round((100 * filter) / forward)}%)`,
      );
    }
    console.log(`conv ${name}`.padEnd(31) + cells.join('   ') + '  GFLOP/s (host)');
  }
  for (const [m, n, k] of gemmShapes) {
    const a = new Float32Array(m * k),
      b = new Float32Array(k * n);
    fill(a);
    fill(b);
    const one = gflops(2 * m * n * k, () => kernels.gemm(a, b, m, n, k));
    const two = gflops(2 * m * n * k, () => threaded.gemm(a, b, m, n, k));
    console.log(`gemm ${m}x${k}·${k}x${n} host`.padEnd(31) + `1t ${one.toFixed(1)}  2t ${two.toFixed(1)}  (×${(two / one).toFixed(2)})`);
  }
  threaded.dispose();
}

/**
 * Blocking as kernel parameters (kernels/tuning.ts): the micro-kernel and block sizes change
 * how the work is cut, never the result (bit-identical to the default for MR, MC, NC and the
 * pack group; close to the float64 reference for another KC or other conv thresholds, and
 * deterministic on each); the calibration keeps its time bound and says what it measured; a
 * bad supplied tuning is refused with a ValueError naming the field, before anything changes;
 * `info().tuning` says what was chosen and why.
 */
import { ValueError } from '@lec/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareToReference,
  conv2dBackpropFilterReference,
  conv2dBackpropInputReference,
  conv2dReference,
  gemmReference,
  randomF32,
  reductionAtol,
  reductionRtol,
} from '../../test/reference.js';
import type { Conv2dShape } from '../conv2d-shape.js';
import type { KernelFeature } from '../feature-detection.js';
import { loadKernels } from '../load-kernels.js';
import { wasmBackend } from '../wasm-backend.js';
import type { WasmKernels } from '../wasm-kernels.js';
import { DEFAULT_KERNEL_TUNING, type KernelTuningInput, calibrate, resolveTuning } from './tuning.js';

/** Tunings that only re-cut the work: results must be bit-identical to the default's. */
const SAME_RESULT: [string, KernelTuningInput][] = [
  ['6x8', { gemm: { mr: 6 } }],
  ['6x8 small blocks', { gemm: { mr: 6, mc: 30, nc: 24, packGroup: 8 } }],
  ['6x8 with the edge rule', { gemm: { mr: 6, mr6Cost: 900 } }],
  ['4x8 small blocks', { gemm: { mr: 4, mc: 8, nc: 16, packGroup: 16 } }],
];
/** Tunings that move the k blocks' ends or the conv algorithm: close to the reference. */
const OTHER_RESULT: [string, KernelTuningInput][] = [
  ['kc 100', { gemm: { kc: 100, mr: 6 } }],
  ['kc 16, 4x8', { gemm: { kc: 16, mc: 12 } }],
  [
    'im2col everywhere',
    { conv: { directMaxInChannels: 0, directFewOutChannels: 0, directFilterMaxInChannels: 0, implicitFilterMaxFloats: 0 } },
  ],
  ['planar direct', { conv: { implicitMinOutChannels: 1000, directChunkFloats: 100 } }],
];

// [m, n, k, transA, transB]: edges in m (not multiples of 4 or 6) and n, k over two KC blocks,
// a few rows of A (the direct-B and fused-B paths), one block of A against a wide B; m % 6 of
// every value 0-5 (the 6-row kernel's blocks end in 4-row tiles, or a padded 6-row one)
const GEMMS: [number, number, number, boolean, boolean][] = [
  [37, 29, 45, false, false],
  [9, 20, 7, true, false],
  [11, 16, 19, false, false],
  [2, 24, 9, false, false],
  [100, 70, 600, true, false],
  [13, 130, 17, false, true],
  [6, 8, 5, true, true],
  [32, 300, 64, false, false],
  [200, 41, 33, false, true],
];
const CONVS: Conv2dShape[] = [
  { batch: 4, inHeight: 28, inWidth: 28, inChannels: 1, filterHeight: 5, filterWidth: 5, outChannels: 6 },
  { batch: 3, inHeight: 14, inWidth: 14, inChannels: 6, filterHeight: 5, filterWidth: 5, outChannels: 16 },
  { batch: 1, inHeight: 9, inWidth: 11, inChannels: 20, filterHeight: 3, filterWidth: 3, outChannels: 40, pads: [1, 1, 1, 1] },
];

function runAll(kernels: WasmKernels, seed: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (const [m, n, k, transA, transB] of GEMMS) {
    const a = randomF32(m * k, seed + m);
    const b = randomF32(k * n, seed + n);
    const bias = randomF32(n, seed + k);
    out.push(kernels.gemm(a, b, m, n, k, { transA, transB, bias, activation: 'relu' }));
    out.push(kernels.gemm(a, kernels.residentPackedB(b, k, n, transB), m, n, k, { transA, transB }));
  }
  for (const shape of CONVS) {
    const [x, w, dy] = convOperands(shape, seed);
    out.push(kernels.conv2d(x, w, shape), kernels.conv2dBackpropInput(dy, w, shape), kernels.conv2dBackpropFilter(x, dy, shape));
  }
  return out;
}

function convOperands(s: Conv2dShape, seed: number): [Float32Array, Float32Array, Float32Array] {
  const [oh, ow] = [s.inHeight + 2 * (s.pads?.[0] ?? 0) - s.filterHeight + 1, s.inWidth + 2 * (s.pads?.[1] ?? 0) - s.filterWidth + 1];
  return [
    randomF32(s.batch * s.inHeight * s.inWidth * s.inChannels, seed),
    randomF32(s.filterHeight * s.filterWidth * s.inChannels * s.outChannels, seed + 1),
    randomF32(s.batch * oh * ow * s.outChannels, seed + 2),
  ];
}

/** The float64 references of runAll's results, in the same order, with each one's reduction length. */
function references(seed: number): [Float64Array, number][] {
  const out: [Float64Array, number][] = [];
  for (const [m, n, k, transA, transB] of GEMMS) {
    const a = randomF32(m * k, seed + m);
    const b = randomF32(k * n, seed + n);
    const bias = randomF32(n, seed + k);
    out.push([gemmReference(a, b, m, n, k, transA, transB, bias, 'relu'), k], [gemmReference(a, b, m, n, k, transA, transB), k]);
  }
  for (const s of CONVS) {
    const [x, w, dy] = convOperands(s, seed);
    const taps = s.filterHeight * s.filterWidth;
    out.push(
      [conv2dReference(x, w, s), taps * s.inChannels],
      [conv2dBackpropInputReference(dy, w, s), taps * s.outChannels],
      [conv2dBackpropFilterReference(x, dy, s), s.batch * s.inHeight * s.inWidth],
    );
  }
  return out;
}

const builds: [KernelFeature, number][] = [
  ['scalar', 1],
  ['simd', 2],
  ['relaxed', 1],
  ['relaxed', 2],
];

describe.each(builds)('tuning parameters (%s build, %i threads)', (feature, threads) => {
  const kernelsPromise = loadKernels({ feature, threads });
  afterAll(async () => (await kernelsPromise).dispose());

  it('untuned kernels report the defaults; a tuning of only MR, MC, NC and the pack group gives bit-identical results', async () => {
    const kernels = await kernelsPromise;
    expect(kernels.tuning.source).toBe('default');
    expect(kernels.tuning.config).toEqual(DEFAULT_KERNEL_TUNING);
    const want = runAll(kernels, 11);
    for (const [name, tuning] of SAME_RESULT) {
      expect(kernels.tune(tuning).source, name).toBe('supplied');
      const got = runAll(kernels, 11);
      got.forEach((g, i) => expect(g, `${name}, result ${i}`).toEqual(want[i]));
    }
    kernels.tune('default');
  }, 120_000);

  it('another KC or other conv thresholds: close to the reference and deterministic', async () => {
    const kernels = await kernelsPromise;
    const refs = references(23);
    for (const [name, tuning] of OTHER_RESULT) {
      kernels.tune(tuning);
      const got = runAll(kernels, 23);
      got.forEach((g, i) => {
        const [ref, length] = refs[i];
        expect(compareToReference(g, ref, reductionRtol(length), 4 * reductionAtol(length)), `${name}, result ${i}`).toBe('');
      });
      const again = runAll(kernels, 23);
      again.forEach((g, i) => expect(g, `${name}, result ${i} again`).toEqual(got[i]));
    }
    kernels.tune('default');
  }, 120_000);
});

describe('calibration', () => {
  it('keeps its time bound, times every candidate, and leaves the kernels as they were', async () => {
    const kernels = await loadKernels({ feature: 'auto' });
    try {
      const before = kernels.arena.i32(kernels.exports.gemm_tuning_block(), 16).slice();
      const budget = 20;
      // a deterministic clock (the real one, on a machine shared with other test files, can be
      // descheduled for any time between two readings): 0.5 ms per reading, and every 7th reading
      // 4 ms more, as if a run had been descheduled
      let t = 0;
      let readings = 0;
      const clock = () => (t += ++readings % 7 === 0 ? 4.5 : 0.5);
      const report = calibrate(kernels, budget, clock);
      // runs start only while the last run's time still fits: at most the bound plus one run
      // (plus the reading that ends the loop)
      const c = report.calibration;
      expect(c?.longestRunMs).toBeGreaterThan(1);
      expect((c?.ms ?? 0) - (c?.warmupMs ?? 0)).toBeLessThanOrEqual(budget + (c?.longestRunMs ?? 0) + 4.5);
      expect((c?.ms ?? 0) - (c?.warmupMs ?? 0)).toBeGreaterThan(budget - (c?.longestRunMs ?? 0) - 4.5);
      expect(report.source).toBe('calibrated');
      expect(report.calibration?.budgetMs).toBe(budget);
      const candidates = report.calibration?.candidates ?? [];
      expect(candidates.map((c) => c.gemm.mr)).toEqual([4, 6]);
      for (const c of candidates) {
        expect(c.runs).toBeGreaterThanOrEqual(1);
        expect(c.gflops).toBeGreaterThan(0);
      }
      expect(report.reason).toMatch(/4x8 \(default\) [\d.]+ GFLOP\/s, 6x8 [\d.]+ GFLOP\/s/);
      // the choice only ever differs from the default in MR (results unchanged)
      expect({ ...report.config.gemm, mr: 4, mr6Cost: 0 }).toEqual(DEFAULT_KERNEL_TUNING.gemm);
      expect(report.config.conv).toEqual(DEFAULT_KERNEL_TUNING.conv);
      expect(kernels.arena.i32(kernels.exports.gemm_tuning_block(), 16)).toEqual(before);
      expect(kernels.tuning.source).toBe('default');
    } finally {
      kernels.dispose();
    }
  });

  it('a budget too small for three runs of each keeps the default and says so', async () => {
    const kernels = await loadKernels({ feature: 'auto' });
    try {
      const report = calibrate(kernels, 0);
      expect(report.config).toEqual(DEFAULT_KERNEL_TUNING);
      expect(report.reason).toMatch(/inconclusive, default kept/);
    } finally {
      kernels.dispose();
    }
  });
});

describe('wasmBackend({ tuning }) and info().tuning', () => {
  it('calibrates by default, once per process; a saved config is taken back as supplied; default on request', async () => {
    const first = await wasmBackend();
    const second = await wasmBackend();
    try {
      const report = first.info().tuning as import('./tuning.js').TuningReport;
      expect(report.source).toBe('calibrated');
      expect(report.calibration?.candidates).toHaveLength(2);
      const again = second.info().tuning as import('./tuning.js').TuningReport;
      expect(again.calibration?.cached).toBe(true);
      expect(again.config).toEqual(report.config);
      const saved = JSON.parse(JSON.stringify(report.config));
      const third = await wasmBackend({ tuning: saved });
      expect(third.info().tuning).toMatchObject({ source: 'supplied', config: report.config });
      expect(third.kernels.arena.i32(third.kernels.exports.gemm_tuning_block(), 2)[0]).toBe(report.config.gemm.mr);
      third.disposeBackend();
      const plain = await wasmBackend({ tuning: 'default' });
      expect(plain.info().tuning).toMatchObject({ source: 'default', config: DEFAULT_KERNEL_TUNING });
      plain.disposeBackend();
    } finally {
      first.disposeBackend();
      second.disposeBackend();
    }
  });

  const BAD: [string, unknown, RegExp][] = [
    ['mr 5', { gemm: { mr: 5 } }, /'tuning\.gemm\.mr' must be 4 or 6, got 5/],
    ['mc 0', { gemm: { mc: 0 } }, /'tuning\.gemm\.mc' must be an integer in \[4, 1024\], got 0/],
    ['kc 1.5', { gemm: { kc: 1.5 } }, /'tuning\.gemm\.kc'/],
    ['nc not a multiple of 8', { gemm: { nc: 100 } }, /'tuning\.gemm\.nc' .* a multiple of 8, got 100/],
    ['packGroup a string', { gemm: { packGroup: '64' } }, /'tuning\.gemm\.packGroup' .* got '64'/],
    [
      'negative conv threshold',
      { conv: { directChunkFloats: -1 } },
      /'tuning\.conv\.directChunkFloats' must be a non-negative integer, got -1/,
    ],
    ['unknown gemm field', { gemm: { nr: 8 } }, /'tuning\.gemm\.nr' is not a tuning field/],
    ['unknown section', { blas: {} }, /'tuning\.blas' is not a tuning field/],
    ['gemm not an object', { gemm: 4 }, /'tuning\.gemm' must be an object, got 4/],
    ['a string', 'fast', /'tuning' must be an object, 'calibrate' or 'default', got 'fast'/],
  ];
  it.each(BAD)('refuses %s with a ValueError naming the field', async (_name, tuning, message) => {
    const attempt = wasmBackend({ tuning: tuning as KernelTuningInput });
    await expect(attempt).rejects.toThrow(ValueError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('a bad tuning leaves loaded kernels as they were', async () => {
    const kernels = await loadKernels({ feature: 'auto' });
    try {
      kernels.tune({ gemm: { mr: 6, mc: 48 } });
      const block = kernels.arena.i32(kernels.exports.gemm_tuning_block(), 16).slice();
      expect(() => kernels.tune({ gemm: { mc: 4096 } })).toThrow(/'tuning\.gemm\.mc'/);
      expect(kernels.tuning.config.gemm).toMatchObject({ mr: 6, mc: 48 });
      expect(kernels.arena.i32(kernels.exports.gemm_tuning_block(), 16)).toEqual(block);
      expect(resolveTuning({ gemm: { mc: 48 } }).gemm).toEqual({ ...DEFAULT_KERNEL_TUNING.gemm, mc: 48 });
    } finally {
      kernels.dispose();
    }
  });
});

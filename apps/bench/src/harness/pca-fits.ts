/**
 * PCA measurement helpers for the `pca` suite and scripts/pca/measure.mjs: our fits, seeded
 * synthetic data, fit timing, and the peak memory of one fit (Node only: reads
 * process.resourceUsage and /proc, so run each memory case in a fresh process that imports
 * this module's built file, dist/harness/pca-fits.js).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { IncrementalPCA, type MatrixInput, PCA, type PcaModel } from '@lec/pca';
import { Rng, ValueError } from '@lec/tensor';

/** A fit to time: a name and a function fitting a model to the data. */
export interface PcaFitter {
  name: string;
  fit(x: MatrixInput): PcaModel;
}

/**
 * Our PCA fits with k components: covariance, svd, randomized (seed 0), incremental.
 */
export function pcaFitters(k: number, options: { batchSize?: number } = {}): PcaFitter[] {
  return [
    { name: 'lec covariance', fit: (x) => new PCA({ method: 'covariance', nComponents: k }).fit(x) },
    { name: 'lec svd', fit: (x) => new PCA({ method: 'svd', nComponents: k }).fit(x) },
    { name: 'lec randomized', fit: (x) => new PCA({ method: 'randomized', nComponents: k, seed: 0 }).fit(x) },
    {
      name: 'lec incremental',
      fit: (x) => new IncrementalPCA({ nComponents: k, batchSize: options.batchSize ?? Math.max(5 * k, 200) }).fit(x),
    },
  ];
}

/**
 * n samples of d features: `rank` Gaussian factors with scales rank, rank−1, …, 1 mixed by a
 * random matrix, plus Gaussian noise of σ 0.1, seeded. Rows `start`.. of the same
 * stream can be generated separately (a batch at a time), so streaming fits never hold all of it.
 */
export function syntheticMatrix(
  n: number,
  d: number,
  options: { rank?: number; seed?: number; start?: number } = {},
): { data: Float64Array; shape: [number, number] } {
  const rank = options.rank ?? 10;
  const seed = options.seed ?? 0;
  if (!(Number.isSafeInteger(n) && n >= 0 && Number.isSafeInteger(d) && d >= 1))
    throw new ValueError('syntheticMatrix', `expected n >= 0 and d >= 1 integers, got ${n}, ${d}`);
  const mix = new Rng(seed).normal(rank * d);
  const data = new Float64Array(n * d);
  const start = options.start ?? 0;
  for (let i = 0; i < n; i++) {
    const rng = new Rng(seed * 1_000_003 + 1 + start + i); // one stream per row: any slice is reproducible
    const z = rng.normal(rank);
    const e = rng.normal(d);
    for (let j = 0; j < d; j++) {
      let v = 0.1 * e[j];
      for (let l = 0; l < rank; l++) v += (rank - l) * z[l] * mix[l * d + j];
      data[i * d + j] = v;
    }
  }
  return { data, shape: [n, d] };
}

/** Timing of repeated calls, in ms. */
export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

/**
 * Calls `fn` `repeats` times (after `warmup` untimed calls) and reports the median.
 */
export function timeIt(fn: () => unknown, options: { repeats?: number; warmup?: number } = {}): Timing {
  const repeats = options.repeats ?? 3;
  for (let i = 0; i < (options.warmup ?? 0); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], minMs: times[0], maxMs: times[times.length - 1], runs: repeats };
}

/** What `peakMemoryOfFit` measured (MiB). */
export interface MemoryCase {
  method: 'covariance' | 'svd' | 'incremental';
  n: number;
  d: number;
  k: number;
  /** Resident set size just before the fit (data already in memory for batch methods). */
  rssBeforeMiB: number;
  /** The process's peak resident set size during the fit. */
  peakRssMiB: number;
  /** peak − before: what the fit itself added at its peak. */
  fitPeakMiB: number;
  /**
   * How the peak was read. `vmhwm`: Linux, the high-water mark (VmHWM) reset to the current
   * RSS just before the fit (/proc/self/clear_refs), so start-up cannot hide the fit;
   * `maxrss`: elsewhere, the process-lifetime maxRSS (the fit shows only where it exceeds start-up).
   */
  source: 'vmhwm' | 'maxrss';
  ms: number;
}

const MIB = 2 ** 20;

/** Linux only: resets this process's peak RSS to its current RSS; false where unsupported. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return readVmKiB('VmHWM') !== null;
  } catch {
    return false;
  }
}

/** A `Vm…:` line of /proc/self/status, in KiB, or null. */
function readVmKiB(field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Fits one model and reports the peak resident memory the fit added. Batch methods get the
 * whole [n, d] matrix; `incremental` generates and feeds `batchSize` rows at a time, so only
 * O(d·(k + batch)) is ever resident (with `--expose-gc` the collector runs between batches, so
 * the figure is what is live, not garbage the collector has yet to free). On Linux the peak is
 * the fit's own (the high-water mark is reset just before it); elsewhere it is the process's
 * maxRSS. Call once per fresh process (a second fit in the same process reuses memory the
 * allocator kept, and reads low), best with `MALLOC_MMAP_THRESHOLD_=65536` in its environment
 * (glibc then maps every large array from the OS) and the median of a few processes. A fit of
 * the same method on n rows of a few features runs first, so that loading and compiling code
 * is not counted as the fit's memory.
 */
export function peakMemoryOfFit(options: {
  method: MemoryCase['method'];
  n: number;
  d: number;
  k: number;
  batchSize?: number;
  seed?: number;
}): MemoryCase {
  const { method, n, d, k } = options;
  if (!['covariance', 'svd', 'incremental'].includes(method))
    throw new ValueError('peakMemoryOfFit', `option 'method' expected 'covariance', 'svd' or 'incremental', got '${method}'`);
  const batchSize = options.batchSize ?? 100;
  const seed = options.seed ?? 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  const fitter = (rows: number, cols: number): (() => void) => {
    if (method === 'incremental')
      return () => {
        const model = new IncrementalPCA({ nComponents: k, batchSize });
        for (let s = 0; s < rows; s += batchSize) {
          model.partialFit(syntheticMatrix(Math.min(batchSize, rows - s), cols, { seed, start: s }));
          gc?.();
        }
      };
    const x = syntheticMatrix(rows, cols, { seed });
    return () => void new PCA({ method, nComponents: k }).fit(x);
  };
  // warm-up on a small problem: code loading and compilation are not the fit's memory
  const small = Math.min(d, Math.max(k, 16));
  fitter(n, small)();
  const run = fitter(n, d);
  gc?.();
  const vmhwm = resetPeakRss();
  const before = (vmhwm ? readVmKiB('VmRSS')! * 1024 : process.memoryUsage().rss) / MIB;
  const t = performance.now();
  run();
  const ms = performance.now() - t;
  const peak = (vmhwm ? readVmKiB('VmHWM')! * 1024 : process.resourceUsage().maxRSS * 1024) / MIB;
  return {
    method,
    n,
    d,
    k,
    rssBeforeMiB: before,
    peakRssMiB: peak,
    fitPeakMiB: Math.max(0, peak - before),
    source: vmhwm ? 'vmhwm' : 'maxrss',
    ms,
  };
}

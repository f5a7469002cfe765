/**
 * pca: @lec/pca against ml-pca (the JS peer; both compute in float64).
 *
 * (a) Fit time on MNIST digits (rows = images): `PCA({method: 'covariance'})` vs ml-pca's
 *     `covarianceMatrix` method, both all components; `PCA({method: 'randomized',
 *     nComponents: 50})` and `IncrementalPCA({nComponents: 50})` for reference. Full mode:
 *     10,000 × 784; quick: 2,000 digits pooled 2×2 to 14×14 (d = 196), so it runs in seconds.
 * (b) Peak memory of full (covariance) vs incremental PCA as d grows (n = 1000 rows of seeded
 *     low-rank data, k = 16, batch 100; d up to 1024 in quick mode, 4096 in full mode, where
 *     the O(d³) eigendecomposition takes minutes): each case runs `peakMemoryOfFit` from
 *     `harness/pca-fits.ts` in fresh Node processes (median of 3), which report the peak resident
 *     memory the fit added above the RSS just before it (Linux: the high-water mark reset
 *     before the fit).
 *     Full PCA holds the data and the d×d covariance and its eigenvectors (O(d²)); incremental
 *     PCA streams batches and holds O(d·(k + batch)).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type LTensor, errorLine, importChecked, skip, timeCalls, timed } from '../harness/lec-models.js';
import type { Suite, SuiteContext } from '../harness/types.js';
import { data } from '../harness/data.js';

interface PcaModelLike {
  explainedVarianceRatio: number[];
}
interface PcaApi {
  PCA: new (o?: { nComponents?: number; method?: string; seed?: number }) => { fit(x: unknown): PcaModelLike };
  IncrementalPCA: new (o: { nComponents: number; batchSize?: number }) => { fit(x: unknown): PcaModelLike };
}
interface CnnApi {
  loadMnist(o: { trainSize: number; testSize: number; seed: number }): Promise<{ train: { images: LTensor } }>;
}
type MlPca = new (data: number[][], o?: { method?: string }) => { getExplainedVariance(): number[] };

const SUITE = 'pca';
const here = path.dirname(fileURLToPath(import.meta.url));
/** The built harness module a fresh process imports to measure one fit. */
// the built file in dist/ both when this module runs from dist/suites and when vitest runs it from src/suites
const pcaFitsUrl = pathToFileURL(path.join(here, '..', '..', 'dist', 'harness', 'pca-fits.js')).href;

function plan(ctx: SuiteContext) {
  if (ctx.tiny) return { mode: 'tiny', n: 100, cols: 32, pool: false, warmup: 0, steps: 1, dims: [32, 64], memRows: 200 };
  if (ctx.quick) return { mode: 'quick', n: 2000, cols: 196, pool: true, warmup: 0, steps: 1, dims: [256, 512, 1024], memRows: 1000 };
  return { mode: 'full', n: 10000, cols: 784, pool: false, warmup: 1, steps: 3, dims: [256, 512, 1024, 2048, 4096], memRows: 1000 };
}

/** MNIST images [n, 28·28] averaged over 2×2 blocks: [n, 14·14]. */
function pool2x2(images: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * 196);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < 14; r++)
      for (let c = 0; c < 14; c++) {
        const o = i * 784 + 2 * r * 28 + 2 * c;
        out[i * 196 + r * 14 + c] = (images[o] + images[o + 1] + images[o + 28] + images[o + 29]) / 4;
      }
  return out;
}

interface MemoryCase {
  fitPeakMiB: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  source: 'vmhwm' | 'maxrss';
  ms: number;
}

/**
 * Runs `peakMemoryOfFit` of harness/pca-fits.ts in `runs` fresh Node processes and keeps the median
 * figure. Each child runs with --expose-gc (the incremental fit's figure is what is live
 * between batches), a 1 MiB young generation (short-lived garbage does not pose as peak) and
 * glibc's mmap threshold fixed at 64 KiB (large arrays always come from, and go back to, the
 * OS, so a fit cannot hide in memory the allocator kept from earlier).
 */
function memoryOfFit(method: 'covariance' | 'incremental', n: number, d: number, k: number, batchSize: number, runs: number): MemoryCase {
  const script = `
    const { peakMemoryOfFit } = await import(${JSON.stringify(pcaFitsUrl)});
    process.stdout.write(JSON.stringify(peakMemoryOfFit(${JSON.stringify({ method, n, d, k, batchSize })})));
  `;
  const cases: MemoryCase[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', '--input-type=module', '-e', script], {
      cwd: here,
      encoding: 'utf8',
      timeout: 600_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536' },
    });
    const r = JSON.parse(out) as MemoryCase;
    if (!(Number.isFinite(r.fitPeakMiB) && r.fitPeakMiB >= 0)) throw new Error(`peakMemoryOfFit returned ${out}`);
    cases.push(r);
  }
  cases.sort((a, b) => a.fitPeakMiB - b.fitPeakMiB);
  return cases[(cases.length - 1) >> 1];
}

export const pca: Suite = {
  name: SUITE,
  description: 'PCA: fit time on MNIST vs ml-pca; peak memory of full vs incremental PCA as d grows',
  figure: 'figure',
  steps: (ctx) => 4 + 2 * plan(ctx).dims.length,
  async run(ctx) {
    const p = plan(ctx);
    const lec = { name: '@lec/pca', threads: 1 };
    const peer = { name: 'ml-pca', threads: 1 };
    const src = ctx.tiny ? 'random' : p.pool ? 'MNIST 14×14' : 'MNIST';
    const caseFit = `fit ${src} ${p.n}×${p.cols} all components (covariance)`;
    let api: PcaApi;
    let rows: Float32Array;
    try {
      api = await importChecked<PcaApi>('@lec/pca', ['PCA', 'IncrementalPCA']);
      const cnn = await importChecked<CnnApi>('@lec/cnn', ['loadMnist']);
      // tiny (tests): seeded data, since a 784×784 eigendecomposition alone takes seconds
      if (ctx.tiny) rows = data(p.n * p.cols, 5);
      else {
        const images = Float32Array.from((await cnn.loadMnist({ trainSize: p.n, testSize: 0, seed: 0 })).train.images.dataSync());
        rows = p.pool ? pool2x2(images, p.n) : images;
      }
    } catch (e) {
      ctx.emit(skip(SUITE, caseFit, lec, errorLine(e)));
      return;
    }
    const x = { data: rows, shape: [p.n, p.cols] };
    const cases: { id: string; impl: { name: string; threads: number }; fit: () => number }[] = [
      { id: caseFit, impl: lec, fit: () => new api.PCA({ method: 'covariance' }).fit(x).explainedVarianceRatio[0] },
      {
        id: `fit ${src} ${p.n}×${p.cols} k=${Math.min(50, p.cols)} (randomized)`,
        impl: lec,
        fit: () => new api.PCA({ method: 'randomized', nComponents: Math.min(50, p.cols), seed: 0 }).fit(x).explainedVarianceRatio[0],
      },
      {
        id: `fit ${src} ${p.n}×${p.cols} k=${Math.min(50, p.cols)} (incremental, batch 200)`,
        impl: lec,
        fit: () => new api.IncrementalPCA({ nComponents: Math.min(50, p.cols), batchSize: 200 }).fit(x).explainedVarianceRatio[0],
      },
    ];
    try {
      const mod = (await import('ml-pca')) as unknown as { PCA: MlPca };
      const nested = Array.from({ length: p.n }, (_, i) => Array.from(rows.subarray(i * p.cols, (i + 1) * p.cols)));
      cases.splice(1, 0, {
        id: caseFit,
        impl: peer,
        fit: () => {
          const v = new mod.PCA(nested, { method: 'covarianceMatrix' }).getExplainedVariance();
          return v[0];
        },
      });
    } catch (e) {
      ctx.emit(skip(SUITE, caseFit, peer, `ml-pca cannot be loaded: ${errorLine(e)}`));
    }
    const firstRatio: Record<string, number> = {};
    let peerMs: number | undefined;
    const fitResults = [];
    for (const c of cases) {
      ctx.progress.tick(`${SUITE} ${c.impl.name} ${c.id}`);
      try {
        let ratio = 0;
        const ms = await timeCalls(
          () => {
            ratio = c.fit();
          },
          p.warmup,
          p.steps,
        );
        const r = timed(SUITE, c.id, c.impl, ms, `${(ms.reduce((s, v) => s + v, 0) / ms.length / 1000).toFixed(2)} s`, {
          rows: p.n,
          cols: p.cols,
          first_explained_variance_ratio: ratio,
          mode: p.mode,
        });
        if (c.id === caseFit) firstRatio[c.impl.name] = ratio;
        if (c.impl === peer) peerMs = r.median_ms!;
        fitResults.push(r);
      } catch (e) {
        fitResults.push(skip(SUITE, c.id, c.impl, `error: ${errorLine(e)}`));
      }
    }
    for (const r of fitResults) {
      if (peerMs && r.status === 'ok' && r.case === caseFit && r.impl === lec.name) r.metrics!.vs_ml_pca = peerMs / r.median_ms!;
      ctx.emit(r);
    }
    if (firstRatio['@lec/pca'] !== undefined && firstRatio['ml-pca'] !== undefined)
      ctx.note(
        `first explained-variance ratio: @lec/pca ${firstRatio['@lec/pca'].toFixed(6)}, ml-pca ${firstRatio['ml-pca'].toFixed(6)} (must agree)${
          peerMs
            ? `; fit ${(peerMs / fitResults.find((r) => r.case === caseFit && r.impl === lec.name)!.median_ms!).toFixed(2)}× ml-pca`
            : ''
        }`,
      );

    // (b) peak memory, full vs incremental, as d grows
    const k = 16;
    const batchSize = 100;
    const id = (d: number) => `peak memory n=${p.memRows} d=${d} k=${k}`;
    const peaks: Record<string, Record<number, number>> = { covariance: {}, incremental: {} };
    let source = '';
    for (const d of p.dims) {
      for (const method of ['covariance', 'incremental'] as const) {
        ctx.progress.tick(`${SUITE} ${method} d=${d}`);
        const impl = { name: method === 'covariance' ? 'lec PCA' : 'lec IncrementalPCA', threads: 1 };
        try {
          // three processes where a fit is cheap; one for the slow O(d³) eigendecompositions
          const runs = method === 'incremental' || d <= 512 ? 3 : 1;
          const m = memoryOfFit(method, p.memRows, d, k, batchSize, runs);
          peaks[method][d] = m.fitPeakMiB;
          source = m.source;
          ctx.emit(
            timed(SUITE, id(d), impl, [m.ms], `${m.fitPeakMiB.toFixed(1)} MiB`, {
              d,
              rows: p.memRows,
              k,
              peak_extra_bytes: Math.round(m.fitPeakMiB * 2 ** 20),
              rss_before_bytes: Math.round(m.rssBeforeMiB * 2 ** 20),
              covariance_bytes: d * d * 8,
              method: method === 'covariance' ? 'covariance (d×d)' : `incremental, batch ${batchSize}`,
              peak_source: m.source,
              processes: runs,
              mode: p.mode,
            }),
          );
        } catch (e) {
          ctx.emit(skip(SUITE, id(d), impl, `error: ${errorLine(e)}`));
        }
      }
    }
    const cells = p.dims
      .filter((d) => peaks.covariance[d] !== undefined && peaks.incremental[d] !== undefined)
      .map(
        (d) =>
          `d=${d}: ${peaks.covariance[d].toFixed(1)} vs ${peaks.incremental[d].toFixed(1)} MiB (d²·8 B = ${((d * d * 8) / 2 ** 20).toFixed(1)})`,
      );
    ctx.note(
      `peak memory a fit adds above the RSS just before it (${
        source === 'vmhwm' ? 'Linux VmHWM, reset before the fit' : 'process maxRSS: start-up can hide small fits on this OS'
      }), the median of 3 fresh processes (1 for covariance with d > 512, whose d² signal dwarfs the noise), each after a small warm-up fit; full PCA holds the data, the d×d covariance and its eigenvectors, incremental PCA streams batches of ${batchSize} rows (gc between batches). Full vs incremental: ${cells.join('; ')}. Median ms = that one fit.`,
    );
  },
};

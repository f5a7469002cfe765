/**
 * pca: @lec/pca against ml-pca (the JS peer; both compute in float64 with ml-matrix).
 *
 * (a) Fit time on MNIST digits (rows = images, d = 784): `PCA({method: 'covariance'})` vs
 *     ml-pca's `covarianceMatrix` method, both all components; `PCA({method: 'randomized',
 *     nComponents: 50})` and `IncrementalPCA({nComponents: 50})` for reference.
 * (b) Peak memory of full vs incremental PCA as d grows (n = 2000 rows of seeded low-rank data,
 *     k = 16): each fit runs in a fresh Node process, and the figure is its peak resident set
 *     (maxRSS) minus that of a process that only makes the data.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

function plan(ctx: SuiteContext) {
  if (ctx.tiny) return { mode: 'tiny', n: 100, cols: 32, warmup: 0, steps: 1, dims: [32], memRows: 200 };
  if (ctx.quick) return { mode: 'quick', n: 1000, cols: 784, warmup: 0, steps: 1, dims: [256, 1024], memRows: 2000 };
  return { mode: 'full', n: 8000, cols: 784, warmup: 1, steps: 5, dims: [256, 512, 1024, 2048], memRows: 2000 };
}

/** Runs one fit (or, for `none`, only the data) in a fresh process: its peak resident bytes and the fit time. */
function memoryOfFit(kind: 'PCA' | 'IncrementalPCA' | 'none', n: number, d: number, k: number): { peak: number; ms: number } {
  const script = `
    const { PCA, IncrementalPCA } = await import('@lec/pca');
    const n = ${n}, d = ${d}, k = ${k}, r = 32;
    let s = 12345;
    const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296 - 0.5; };
    const basis = Float64Array.from({ length: r * d }, rnd);
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) { const c = rnd() * (r - j); for (let t = 0; t < d; t++) data[i * d + t] += c * basis[j * d + t]; }
    const x = { data, shape: [n, d] };
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const m = ${kind === 'PCA' ? 'new PCA({ nComponents: k }).fit(x)' : kind === 'IncrementalPCA' ? 'new IncrementalPCA({ nComponents: k, batchSize: 200 }).fit(x)' : '{ explainedVarianceRatio: new Array(k) }'};
    const ms = performance.now() - t0;
    const peak = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(JSON.stringify({ before, peak, ms, ok: m.explainedVarianceRatio.length === k }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: here, encoding: 'utf8', timeout: 300_000 });
  const r = JSON.parse(out) as { before: number; peak: number; ms: number; ok: boolean };
  if (!r.ok) throw new Error(`${kind} returned the wrong number of components`);
  return { peak: r.peak, ms: r.ms };
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
    const src = ctx.tiny ? 'random' : 'MNIST';
    const caseFit = `fit ${src} ${p.n}×${p.cols} all components (covariance)`;
    let api: PcaApi;
    let rows: Float32Array;
    try {
      api = await importChecked<PcaApi>('@lec/pca', ['PCA', 'IncrementalPCA']);
      const cnn = await importChecked<CnnApi>('@lec/cnn', ['loadMnist']);
      // tiny (tests): seeded data, since a 784×784 eigendecomposition alone takes seconds
      rows = ctx.tiny
        ? data(p.n * p.cols, 5)
        : Float32Array.from((await cnn.loadMnist({ trainSize: p.n, testSize: 0, seed: 0 })).train.images.dataSync());
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
    for (const d of p.dims) {
      let baseline: number;
      try {
        baseline = memoryOfFit('none', p.memRows, d, 16).peak;
      } catch (e) {
        ctx.emit(skip(SUITE, `peak memory d=${d}`, { name: 'lec PCA', threads: 1 }, `error: ${errorLine(e)}`));
        continue;
      }
      for (const kind of ['PCA', 'IncrementalPCA'] as const) {
        const id = `peak memory n=${p.memRows} d=${d} k=16`;
        ctx.progress.tick(`${SUITE} ${kind} d=${d}`);
        const impl = { name: kind === 'PCA' ? 'lec PCA' : 'lec IncrementalPCA', threads: 1 };
        try {
          const { peak, ms } = memoryOfFit(kind, p.memRows, d, 16);
          const extraBytes = Math.max(0, peak - baseline);
          const r = timed(SUITE, id, impl, [ms], `${(extraBytes / 2 ** 20).toFixed(1)} MiB`, {
            d,
            rows: p.memRows,
            k: 16,
            peak_extra_bytes: extraBytes,
            method: kind === 'PCA' ? 'auto' : 'incremental, batch 200',
            mode: p.mode,
          });
          ctx.emit(r);
        } catch (e) {
          ctx.emit(skip(SUITE, id, impl, `error: ${errorLine(e)}`));
        }
      }
    }
    ctx.note(
      'peak memory = maxRSS of a fresh Node process that makes the data and fits − maxRSS of one that only makes the data (median ms = that one fit); PROVISIONAL: start-up dominates maxRSS at these sizes and the difference is often 0, so this is not yet a measure of the fit',
    );
  },
};

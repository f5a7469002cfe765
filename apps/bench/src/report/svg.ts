/**
 * One SVG chart per suite, rendered headless with vega-lite + vega (renderer 'none'):
 * bars of GFLOP/s per impl for every case, and for gemm also GFLOP/s against the square size.
 */
import type { Result } from '../harness/types.js';

type Spec = Record<string, unknown>;

function barSpec(rows: Record<string, unknown>[], title: string): Spec {
  return {
    title,
    data: { values: rows },
    mark: 'bar',
    encoding: {
      row: { field: 'case', type: 'nominal', header: { labelAngle: 0, labelAlign: 'left', labelLimit: 260 }, title: null },
      y: { field: 'impl', type: 'nominal', title: null },
      x: { field: 'gflops', type: 'quantitative', title: 'GFLOP/s' },
      color: { field: 'kind', type: 'nominal', title: null },
      tooltip: [{ field: 'median_ms' }],
    },
  };
}

function lineSpec(rows: Record<string, unknown>[]): Spec {
  return {
    title: 'square gemm: GFLOP/s against size',
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'size', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'n (n×n·n×n)' },
      y: { field: 'gflops', type: 'quantitative', title: 'GFLOP/s' },
      color: { field: 'impl', type: 'nominal' },
    },
    width: 360,
    height: 220,
  };
}

export function suiteChartSpec(suite: string, results: readonly Result[], kinds: Map<string, 'lec' | 'peer'>): Spec | null {
  const ok = results.filter((r) => r.suite === suite && r.status === 'ok' && r.gflops !== undefined);
  if (ok.length === 0) return null;
  const rows = ok.map((r) => ({
    case: r.case,
    impl: r.threads > 1 && !r.impl.includes(`t${r.threads}`) ? `${r.impl} ×${r.threads}` : r.impl,
    gflops: r.gflops,
    median_ms: r.median_ms,
    kind: kinds.get(r.impl) ?? 'bench',
  }));
  const bars = barSpec(rows, `${suite}: GFLOP/s (higher is better)`);
  if (suite !== 'gemm') return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...bars };
  const square = ok
    .filter((r) => typeof r.metrics?.square === 'number')
    .map((r) => ({ impl: r.impl, size: r.metrics!.square, gflops: r.gflops }));
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', vconcat: [lineSpec(square), bars] };
}

export async function renderSvg(spec: Spec): Promise<string> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vl.compile(spec as never);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

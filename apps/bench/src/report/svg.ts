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

/**
 * Model suites: bars of throughput (`metrics.throughput`, unit in `metrics.throughput_unit`)
 * per impl and case, and line charts of every per-step series a result carries
 * (`metrics.series_*`: number[], e.g. ‖∂L/∂h_t‖ per timestep, test MSE per 100 steps).
 */
function modelSuiteSpec(suite: string, results: readonly Result[], kinds: Map<string, 'lec' | 'peer'>): Spec | null {
  const ok = results.filter((r) => r.suite === suite && r.status === 'ok');
  const bars = ok
    .filter((r) => typeof r.metrics?.throughput === 'number')
    .map((r) => ({
      case: `${r.case} (${String(r.metrics?.throughput_unit ?? 'items/s')})`,
      impl: r.impl,
      throughput: r.metrics!.throughput,
      kind: kinds.get(r.impl) ?? 'bench',
    }));
  const charts: Spec[] = [];
  if (bars.length)
    charts.push({
      title: `${suite}: throughput (higher is better)`,
      data: { values: bars },
      mark: 'bar',
      encoding: {
        row: { field: 'case', type: 'nominal', header: { labelAngle: 0, labelAlign: 'left', labelLimit: 300 }, title: null },
        y: { field: 'impl', type: 'nominal', title: null },
        x: { field: 'throughput', type: 'quantitative', title: 'per second', scale: { type: 'log' } },
        color: { field: 'kind', type: 'nominal', title: null },
      },
    });
  const groups = new Map<string, { x: number; y: number; series: string }[]>();
  for (const r of ok)
    for (const [key, v] of Object.entries(r.metrics ?? {})) {
      if (!key.startsWith('series_') || !Array.isArray(v)) continue;
      const [, group, ...label] = key.split('_');
      const step = Number(r.metrics?.[`step_${group}`] ?? 1);
      const rows = groups.get(group) ?? [];
      v.forEach((y, i) => rows.push({ x: (i + (step === 1 ? 0 : 1)) * step, y, series: `${r.case} ${label.join(' ')}`.trim() }));
      groups.set(group, rows);
    }
  for (const [group, rows] of groups) {
    const positive = rows.every((r) => r.y > 0);
    charts.push({
      title: `${suite}: ${group.replace(/-/g, ' ')}`,
      data: { values: rows.filter((r) => Number.isFinite(r.y)) },
      mark: { type: 'line', point: rows.length < 200 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: group.includes('grad') ? 'timestep t' : 'training step' },
        y: { field: 'y', type: 'quantitative', title: group, scale: positive ? { type: 'log' } : {} },
        color: { field: 'series', type: 'nominal', title: null },
      },
      width: 420,
      height: 220,
    });
  }
  if (charts.length === 0) return null;
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...(charts.length === 1 ? charts[0] : { vconcat: charts }) };
}

export function suiteChartSpec(suite: string, results: readonly Result[], kinds: Map<string, 'lec' | 'peer'>): Spec | null {
  const ok = results.filter((r) => r.suite === suite && r.status === 'ok' && r.gflops !== undefined);
  if (ok.length === 0) return modelSuiteSpec(suite, results, kinds);
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

/**
 * Tables per suite: each impl's median time, its figure (GFLOP/s) and its speed relative to
 * the best peer (peers = non-lec impls): "× best peer" = best peer's time / this time, so
 * 2.00 means twice as fast as the fastest peer on that case. "time ÷ pytorch" = this time /
 * PyTorch's at the same thread count (1.50 = takes 1.5× as long as PyTorch), when PyTorch ran.
 */
import type { Result } from '../harness/types.js';

export interface ReportContext {
  /** impl name → 'lec' | 'peer' */
  kinds: Map<string, 'lec' | 'peer'>;
  /** impl and setup notes, printed under the tables */
  notes: string[];
  /** suite → header of its figure column (default GFLOP/s) */
  figures?: Map<string, string>;
}

export interface Table {
  suite: string;
  header: string[];
  rows: string[][];
  /** Lines printed under the table (skips, wrong results). */
  footnotes: string[];
}

function fmtMs(v: number | null): string {
  if (v === null) return '';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

const fmtRatio = (v: number | undefined) => (v === undefined ? '' : v.toFixed(2));

function fmtNum(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2);
}

/** Whether an impl is PyTorch (`pytorch`, `pytorch-t2`): the native reference the ratios are taken to. */
export const isPytorch = (impl: string) => /^pytorch(-t\d+)?$/.test(impl);

/** Best (smallest) peer median per case, PyTorch aside. */
export function bestPeerMs(results: readonly Result[], kinds: Map<string, 'lec' | 'peer'>): Map<string, { impl: string; ms: number }> {
  const best = new Map<string, { impl: string; ms: number }>();
  for (const r of results) {
    // PyTorch (native) has its own column: "best peer" stays the best WebAssembly/JS peer
    if (r.status !== 'ok' || r.median_ms === null || kinds.get(r.impl) !== 'peer' || isPytorch(r.impl)) continue;
    const key = `${r.suite}\u0000${r.case}`;
    const cur = best.get(key);
    if (!cur || r.median_ms < cur.ms) best.set(key, { impl: r.impl, ms: r.median_ms });
  }
  return best;
}

export function ratioToBestPeer(r: Result, best: Map<string, { impl: string; ms: number }>): number | undefined {
  const b = best.get(`${r.suite}\u0000${r.case}`);
  if (!b || r.status !== 'ok' || r.median_ms === null) return undefined;
  return b.ms / r.median_ms;
}

/** PyTorch's median per case and thread count. */
export function pytorchMs(results: readonly Result[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of results)
    if (isPytorch(r.impl) && r.status === 'ok' && r.median_ms !== null) m.set(`${r.suite}\u0000${r.case}\u0000${r.threads}`, r.median_ms);
  return m;
}

/** This result's time ÷ PyTorch's at the same thread count (< 1: faster than PyTorch), or undefined. */
export function ratioToPytorch(r: Result, torch: Map<string, number>): number | undefined {
  const t = torch.get(`${r.suite}\u0000${r.case}\u0000${r.threads}`);
  if (t === undefined || r.status !== 'ok' || r.median_ms === null || isPytorch(r.impl)) return undefined;
  return r.median_ms / t;
}

export function buildTables(results: readonly Result[], ctx: ReportContext): Table[] {
  const best = bestPeerMs(results, ctx.kinds);
  const torch = pytorchMs(results);
  const suites = [...new Set(results.map((r) => r.suite))];
  return suites.map((suite) => {
    const rs = results.filter((r) => r.suite === suite);
    const hasPeers = rs.some((r) => ctx.kinds.get(r.impl) === 'peer' && !isPytorch(r.impl));
    const figure = ctx.figures?.get(suite) ?? (rs.some((r) => r.figure !== undefined) ? 'figure' : 'GFLOP/s');
    const hasTorch = rs.some((r) => isPytorch(r.impl) && r.status === 'ok');
    const header = [
      'case',
      'impl',
      'thr',
      'median ms',
      'min–max ms',
      figure,
      ...(hasPeers ? ['× best peer'] : []),
      ...(hasTorch ? ['time ÷ pytorch'] : []),
      'status',
    ];
    const rows: string[][] = [];
    const footnotes: string[] = [];
    const skippedImpls = new Map<string, string>();
    for (const r of rs) {
      if (r.case === '(all cases)') {
        skippedImpls.set(r.impl, r.note ?? '');
        continue;
      }
      const ratio = ratioToBestPeer(r, best);
      const status = r.status === 'ok' ? 'ok' : r.status === 'wrong' ? '** WRONG **' : 'skipped';
      if (r.status === 'wrong') footnotes.push(`WRONG: ${r.case} / ${r.impl}: ${r.note ?? ''}`);
      else if (r.status === 'skipped' && r.note) footnotes.push(`skipped: ${r.case} / ${r.impl}: ${r.note}`);
      rows.push([
        r.case,
        r.impl,
        String(r.threads),
        fmtMs(r.median_ms),
        r.min_ms === null ? '' : `${fmtMs(r.min_ms)}–${fmtMs(r.max_ms)}`,
        r.figure ?? fmtNum(r.gflops),
        ...(hasPeers ? [ratio === undefined ? '' : `${ratio.toFixed(2)}×`] : []),
        ...(hasTorch ? [fmtRatio(ratioToPytorch(r, torch))] : []),
        status,
      ]);
    }
    for (const [impl, why] of skippedImpls) footnotes.unshift(`impl ${impl} not run: ${why}`);
    return { suite, header, rows, footnotes: dedupe(footnotes) };
  });
}

/** Collapses repeated skip reasons ("no gemm in this impl" × 7) into one line with a count. */
function dedupe(lines: string[]): string[] {
  const counts = new Map<string, { first: string; n: number }>();
  for (const l of lines) {
    const key = l.startsWith('skipped:') ? l.replace(/^skipped: .*? \/ (\S+): /, 'skipped: $1: ') : l;
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { first: l, n: 1 });
  }
  return [...counts.entries()].map(([key, { first, n }]) => (n > 1 ? `${key} (${n} cases)` : first));
}

export function renderText(tables: readonly Table[], ctx: ReportContext): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(`\n== ${t.suite} ==`);
    const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i >= 2 && i < cells.length - 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    out.push(line(t.header));
    out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    let prevCase = '';
    for (const r of t.rows) {
      out.push(line(r[0] === prevCase ? ['', ...r.slice(1)] : r));
      prevCase = r[0];
    }
    for (const f of t.footnotes) out.push(`  ${f}`);
  }
  if (ctx.notes.length) {
    out.push('\nnotes:');
    for (const n of ctx.notes) out.push(`  - ${n}`);
  }
  return out.join('\n');
}

export function renderMarkdown(tables: readonly Table[], ctx: ReportContext, title: string): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out: string[] = [`# ${title}`, ''];
  for (const t of tables) {
    out.push(`## ${t.suite}`, '');
    out.push(`| ${t.header.map(esc).join(' | ')} |`);
    out.push(`| ${t.header.map((_, i) => (i >= 2 && i < t.header.length - 1 ? '---:' : '---')).join(' | ')} |`);
    for (const r of t.rows) out.push(`| ${r.map(esc).join(' | ')} |`);
    out.push('');
    for (const f of t.footnotes) out.push(`- ${esc(f)}`);
    if (t.footnotes.length) out.push('');
  }
  if (ctx.notes.length) {
    out.push('## notes', '');
    for (const n of ctx.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}

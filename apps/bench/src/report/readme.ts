/**
 * `pnpm bench:readme <result.json> [--file PATH]`: the READMEs' bench figures, rewritten from a
 * result file. A figures block sits between markers that name its CPU family:
 *
 *   <!-- bench figures: Intel Xeon Processor (start; `pnpm bench:readme`) -->
 *   …first line: CPU model, cores, load at the start, Node, date, the file…
 *   | kernel (lec-wasm, 1 thread) | median | GFLOP/s | % of peak | × best peer | … |
 *   <!-- bench figures: Intel Xeon Processor (end) -->
 *
 * A result from a CPU family that has a block replaces that block; one from a new family is
 * added after the README's last block, so every family's figures stay (one table per family).
 * Rows: lec-wasm (1 thread) on every gemm case (reused operands) and every conv forward case,
 * against each peer's 1-thread time; the last column is lec-wasm-tN's GFLOP/s and speed-up.
 */
import type { BenchJson } from './json.js';
import { bestPeerMs, ofRelaxedPeak, relaxedPeaks, threadSpeedup } from './table.js';
import type { Result } from '../harness/types.js';

const START = (family: string) => `<!-- bench figures: ${family} (start; \`pnpm bench:readme\`) -->`;
const END = (family: string) => `<!-- bench figures: ${family} (end) -->`;
const ANY_START = /<!-- bench figures: (.+?) \(start; `pnpm bench:readme`\) -->/g;

/** The CPU family a block is kept per: the model name without trademarks, clock and core count. */
export function cpuFamily(model: string): string {
  return model
    .replace(/\((R|TM|r|tm)\)/g, '')
    .replace(/\bCPU\b|@\s*[\d.]+\s*GHz|\d+-Core Processor/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const ms = (x: number) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const gf = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** The block's content (without markers) for one result file. */
export function renderFigures(doc: BenchJson, source: string): string {
  const m = doc.machine;
  const results = doc.results;
  const kinds = new Map<string, 'lec' | 'peer'>(results.map((r) => [r.impl, r.impl.startsWith('lec-') ? 'lec' : 'peer']));
  // one thread on both sides: the best peer among the 1-thread peers
  const best = bestPeerMs(
    results.filter((r) => r.suite !== 'peak' && r.threads === 1),
    kinds,
  );
  const peaks = relaxedPeaks(results);
  const ok = (r: Result | undefined) => (r && r.status === 'ok' && r.median_ms !== null ? r : undefined);
  const find = (r: Result, impl: string) => ok(results.find((o) => o.suite === r.suite && o.case === r.case && o.impl === impl));
  const rows = results.filter(
    (r) =>
      r.impl === 'lec-wasm' &&
      ok(r) &&
      ((r.suite === 'gemm' && !r.case.startsWith('fresh')) || (r.suite === 'conv' && r.case.startsWith('forward'))),
  );
  if (!rows.length) throw new Error(`${source}: no lec-wasm gemm or conv forward results to quote`);
  const t2 = results.find((r) => /^lec-wasm-t\d+$/.test(r.impl))?.impl;
  const columns: { head: string; cell(r: Result): string | undefined }[] = [
    { head: 'median', cell: (r) => `${ms(r.median_ms!)} ms` },
    { head: 'GFLOP/s', cell: (r) => (r.gflops === undefined ? undefined : gf(r.gflops)) },
    { head: '% of peak', cell: (r) => ((x) => (x === undefined ? undefined : `${Math.round(x * 100)} %`))(ofRelaxedPeak(r, peaks)) },
    {
      head: '× best peer',
      cell: (r) => ((b) => (b ? `${(b.ms / r.median_ms!).toFixed(2)}× (${b.impl})` : undefined))(best.get(`${r.suite}\u0000${r.case}`)),
    },
    ...['tfjs-wasm', 'onnxruntime-web', 'pytorch'].map((peer) => ({
      head: `× ${peer}`,
      cell: (r: Result) => ((p) => (p ? `${(p.median_ms! / r.median_ms!).toFixed(2)}×` : undefined))(find(r, peer)),
    })),
    {
      head: t2 ? `${t2.replace('lec-wasm-t', '')} threads` : '',
      cell: (r) =>
        ((q) => (q?.gflops === undefined ? undefined : `${gf(q.gflops)} GFLOP/s (${threadSpeedup(q, results)!.toFixed(2)}×)`))(
          t2 ? find(r, t2) : undefined,
        ),
    },
  ];
  const shown = columns.filter((c) => rows.some((r) => c.cell(r) !== undefined));
  const peak = peaks.get(1);
  return [
    `${m.cpu}, ${m.cores} cores, load ${m.load.join('/')} at the start, Node ${m.node}, ${m.date.slice(0, 10)}: \`${source}\``,
    '',
    `Each row is one run's median; × X = X's time ÷ ours (above 1: we are faster); best peer = the fastest 1-thread peer but PyTorch (native, its own column)${peak ? `; peak = the relaxed-SIMD peak of the same run, ${gf(peak)} GFLOP/s on one thread` : ''}.`,
    '',
    `| kernel (lec-wasm, 1 thread) | ${shown.map((c) => c.head).join(' | ')} |`,
    `|---|${shown.map(() => '---:').join('|')}|`,
    ...rows.map((r) => `| ${r.suite === 'gemm' ? 'GEMM' : 'conv'} ${r.case} | ${shown.map((c) => c.cell(r) ?? '').join(' | ')} |`),
  ].join('\n');
}

/** The CPU families of a README's blocks, in order. */
export function figureFamilies(readme: string): string[] {
  return [...readme.matchAll(ANY_START)].map((x) => x[1]);
}

/**
 * The README with the block of the file's CPU family replaced, or a new block added after the last
 * one. Throws when the README has no block at all (it names where figures go by having one).
 */
export function updateFigures(readme: string, doc: BenchJson, source: string): string {
  const family = cpuFamily(doc.machine.cpu);
  const block = `${START(family)}\n${renderFigures(doc, source)}\n${END(family)}`;
  const families = figureFamilies(readme);
  if (!families.length) throw new Error('no `<!-- bench figures: … (start; `pnpm bench:readme`) -->` block in this README');
  const span = (f: string) => {
    const s = readme.indexOf(START(f));
    const e = readme.indexOf(END(f), s);
    if (e < 0) throw new Error(`the bench figures block of ${f} has no end marker`);
    return [s, e + END(f).length] as const;
  };
  if (families.includes(family)) {
    const [s, e] = span(family);
    return readme.slice(0, s) + block + readme.slice(e);
  }
  const [, e] = span(families[families.length - 1]);
  return `${readme.slice(0, e)}\n\n${block}${readme.slice(e)}`;
}

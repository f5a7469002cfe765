#!/usr/bin/env node
// A/B of two built checkouts of the repo (A = before, B = after) on the same bench command,
// interleaved A1 B1 A2 B2 ... so that a drift in machine load falls on both alike. For every
// (suite, case, impl) it prints the median over the runs of each run's median time, the ratio
// B/A of those times (< 1: B faster), and in each tree the 2-thread over 1-thread speed-up
// (lec-wasm-t2 over lec-wasm: "÷1T"). Load average and CPU model are printed per run.
//
//   node apps/bench/scripts/ab-trees.mjs <treeA> <treeB> [--rounds 3] [--out dir] [--spin]
//        [-- <bench args>]   (default bench args: peak gemm conv lenet --quick --backend lec-wasm)
//
// --spin keeps one other process busy on one core for the whole A/B (`node -e "for(;;){}"`):
// partial load, under which 2 threads must never be slower than 1 (÷1T ≥ 1.00 everywhere).
// The JSON of every run is kept in --out (default a fresh directory under the OS temp dir).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const benchArgs = dash < 0 ? ['peak', 'gemm', 'conv', 'lenet', '--quick', '--backend', 'lec-wasm'] : argv.slice(dash + 1);
const option = (name, fallback) => {
  const at = own.indexOf(name);
  return at < 0 ? fallback : own[at + 1];
};
const trees = own.filter((a, i) => !a.startsWith('--') && !['--rounds', '--out'].includes(own[i - 1]));
if (trees.length !== 2) {
  console.error('usage: ab-trees.mjs <treeA> <treeB> [--rounds 3] [--out dir] [--spin] [-- <bench args>]');
  process.exit(2);
}
const rounds = Number(option('--rounds', 3));
const out = resolve(option('--out', mkdtempSync(join(tmpdir(), 'ab-trees-'))));
mkdirSync(out, { recursive: true });
const spinner = own.includes('--spin') ? spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }) : undefined;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

console.log(
  `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; bench args: ${benchArgs.join(' ')}${spinner ? '; one core kept busy (--spin)' : ''}`,
);
const runs = { A: [], B: [] };
try {
  for (let r = 1; r <= rounds; r++) {
    for (const [name, tree] of [
      ['A', trees[0]],
      ['B', trees[1]],
    ]) {
      const json = join(out, `${name}${r}.json`);
      console.log(`${new Date().toISOString()} ${name}${r} (${tree}) load ${load()}`);
      execFileSync(process.execPath, [join(tree, 'apps/bench/dist/cli.js'), ...benchArgs, '--progress', 'silent', '--json', json], {
        cwd: tree,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      runs[name].push(JSON.parse(readFileSync(json, 'utf8')).results);
    }
  }
} finally {
  spinner?.kill();
}
console.log(`${new Date().toISOString()} end, load ${load()}; JSON in ${out}`);

const median = (v) => {
  const s = v.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** key → median over runs of median_ms. */
function summarize(list) {
  const times = new Map();
  for (const results of list) {
    for (const row of results) {
      if (row.status !== 'ok') continue;
      const key = `${row.suite} | ${row.case} | ${row.impl}`;
      if (!times.has(key)) times.set(key, []);
      times.get(key).push(row.median_ms);
    }
  }
  return new Map([...times].map(([key, v]) => [key, median(v)]));
}
const a = summarize(runs.A);
const b = summarize(runs.B);
const speedup = (m, key) => {
  if (!key.endsWith('| lec-wasm-t2')) return '';
  const one = m.get(key.replace(/lec-wasm-t2$/, 'lec-wasm'));
  return one === undefined ? '' : (one / m.get(key)).toFixed(2);
};
const rows = [['suite | case | impl', 'A ms', 'B ms', 'B/A', 'A ÷1T', 'B ÷1T']];
for (const key of new Set([...a.keys(), ...b.keys()])) {
  const ta = a.get(key);
  const tb = b.get(key);
  const ratio = ta !== undefined && tb !== undefined ? (tb / ta).toFixed(2) : '';
  rows.push([key, ta?.toFixed(3) ?? '', tb?.toFixed(3) ?? '', ratio, speedup(a, key), speedup(b, key)]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));

/** `pnpm bench:readme`: the figures blocks, one per CPU family, written from result files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Result } from '../harness/types.js';
import { main } from '../readme-cli.js';
import type { BenchJson } from './json.js';
import { cpuFamily, figureFamilies, renderFigures, updateFigures } from './readme.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const xeonFile = path.join(here, '..', '..', 'results', 'bench-full.json');
const xeon = JSON.parse(fs.readFileSync(xeonFile, 'utf8')) as BenchJson;

const ok = (suite: string, c: string, impl: string, threads: number, ms: number, gflops: number): Result => ({
  suite,
  case: c,
  impl,
  threads,
  median_ms: ms,
  min_ms: ms,
  max_ms: ms,
  gflops,
  status: 'ok',
});

/** A second CPU family's run (the fixture): a small result file with onnxruntime-web in it. */
const epyc = (load: number[], ms = 1): BenchJson => ({
  machine: {
    cpu: 'AMD EPYC 9B45 128-Core Processor',
    cores: 2,
    node: 'v20.20.2',
    v8: '11',
    date: '2026-12-08T04:00:00.000Z',
    platform: 'linux-x64',
    load,
  },
  notes: [],
  results: [
    ok('peak', 'relaxed-simd f32x4.relaxed_madd', 'bench-wasm-kernel', 1, 1, 80),
    ok('gemm', '256x256·256x256', 'lec-wasm', 1, ms, 33.6),
    ok('gemm', '256x256·256x256', 'lec-wasm-t2', 2, ms / 2, 67.1),
    ok('gemm', '256x256·256x256', 'tfjs-wasm', 1, 2 * ms, 16.8),
    ok('gemm', '256x256·256x256', 'onnxruntime-web', 1, 1.5 * ms, 22.4),
    ok('gemm', '256x256·256x256', 'onnxruntime-web-t2', 2, 0.4 * ms, 84),
    ok('gemm', 'fresh 256x256·256x256', 'lec-wasm', 1, ms, 33.6),
    ok('conv', 'forward N1 8x8x4 k3x3→4', 'lec-wasm', 1, ms, 1),
    ok('conv', 'forward N1 8x8x4 k3x3→4', 'onnxruntime-web', 1, 4 * ms, 0.25),
    ok('conv', 'backprop-input N1 8x8x4 k3x3→4', 'lec-wasm', 1, ms, 1),
  ],
});

const README =
  '# lec\n\nintro\n\n<!-- bench figures: Intel Xeon Processor (start; `pnpm bench:readme`) -->\nold\n<!-- bench figures: Intel Xeon Processor (end) -->\n\n## next\n';

describe('bench:readme', () => {
  it('keys blocks by the CPU model without trademarks, clock and core count', () => {
    expect(cpuFamily('Intel(R) Xeon(R) Processor')).toBe('Intel Xeon Processor');
    expect(cpuFamily('AMD EPYC 9B45 128-Core Processor')).toBe('AMD EPYC 9B45');
    expect(cpuFamily('Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz')).toBe('Intel Core i7-8700');
  });

  it('renders the first line from the machine record and one row per gemm / conv forward case', () => {
    const text = renderFigures(epyc([1.5, 1.2, 0.9]), 'out/kernels.json');
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'AMD EPYC 9B45 128-Core Processor, 2 cores, load 1.5/1.2/0.9 at the start, Node v20.20.2, 2026-12-08: `out/kernels.json`',
    );
    expect(lines).toContain(
      '| kernel (lec-wasm, 1 thread) | median | GFLOP/s | % of peak | × best peer | × tfjs-wasm | × onnxruntime-web | 2 threads |',
    );
    // best peer at one thread: onnxruntime-web (1.5 ms) beats tfjs-wasm (2 ms); its 2-thread time is not compared with our 1 thread
    expect(lines).toContain(
      '| GEMM 256x256·256x256 | 1.00 ms | 33.6 | 42 % | 1.50× (onnxruntime-web) | 2.00× | 1.50× | 67.1 GFLOP/s (2.00×) |',
    );
    expect(lines).toContain('| conv forward N1 8x8x4 k3x3→4 | 1.00 ms | 1.0 | 1 % | 4.00× (onnxruntime-web) |  | 4.00× |  |');
    expect(text).not.toMatch(/fresh|backprop/);
  });

  it('reproduces the figures of a real full run (the Intel Xeon result file)', () => {
    const text = renderFigures(xeon, 'apps/bench/results/bench-full.json');
    expect(text.split('\n')[0]).toBe(
      'Intel(R) Xeon(R) Processor, 2 cores, load 1.01/1.02/1.41 at the start, Node v20.20.2, 2026-11-26: `apps/bench/results/bench-full.json`',
    );
    expect(text).toMatch(
      /\| GEMM 512x512·512x512 \| 4\.59 ms \| 58\.5 \| 92 % \| 0\.40× \(onnxruntime\) \| 1\.63× \| 111 GFLOP\/s \(1\.90×\) \|/,
    );
    expect(text.split('\n').filter((l) => l.startsWith('| conv forward')).length).toBe(4);
  });

  it('adds a second CPU family beside the first, and replaces a family on a rerun', () => {
    const once = updateFigures(README, epyc([1.5, 1.2, 0.9]), 'a.json');
    expect(figureFamilies(once)).toEqual(['Intel Xeon Processor', 'AMD EPYC 9B45']);
    // the first family's block is untouched, the new one follows it
    expect(once).toContain(
      '<!-- bench figures: Intel Xeon Processor (start; `pnpm bench:readme`) -->\nold\n<!-- bench figures: Intel Xeon Processor (end) -->',
    );
    expect(once.indexOf('AMD EPYC 9B45 (start')).toBeGreaterThan(once.indexOf('Intel Xeon Processor (end)'));
    expect(once.endsWith('\n\n## next\n')).toBe(true);
    const twice = updateFigures(once, epyc([0.2, 0.3, 0.4], 2), 'b.json');
    expect(figureFamilies(twice)).toEqual(['Intel Xeon Processor', 'AMD EPYC 9B45']);
    expect(twice).toContain('load 0.2/0.3/0.4 at the start');
    expect(twice).not.toContain('load 1.5/1.2/0.9');
    expect(twice).toContain('| GEMM 256x256·256x256 | 2.00 ms |');
    expect(updateFigures(twice, epyc([0.2, 0.3, 0.4], 2), 'b.json')).toBe(twice);
  });

  it('refuses a README without a block, a block without its end, and a file with nothing to quote', () => {
    expect(() => updateFigures('# x\n', xeon, 'f.json')).toThrow(/no `<!-- bench figures/);
    expect(() => updateFigures('<!-- bench figures: AMD EPYC 9B45 (start; `pnpm bench:readme`) -->\n', epyc([1, 1, 1]), 'f.json')).toThrow(
      /has no end marker/,
    );
    expect(() => renderFigures({ ...xeon, results: xeon.results.filter((r) => r.impl !== 'lec-wasm') }, 'f.json')).toThrow(
      /no lec-wasm gemm or conv forward results/,
    );
  });

  it('rewrites every README of a workspace that has a block, from the command line', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lec-bench-readme-'));
    fs.mkdirSync(path.join(root, 'packages', 'a'), { recursive: true });
    fs.mkdirSync(path.join(root, 'packages', 'b'), { recursive: true });
    fs.writeFileSync(path.join(root, 'README.md'), README);
    fs.writeFileSync(path.join(root, 'packages', 'a', 'README.md'), README.replace('# lec', '# a'));
    fs.writeFileSync(path.join(root, 'packages', 'b', 'README.md'), '# b, no figures\n');
    fs.writeFileSync(path.join(root, 'run.json'), JSON.stringify(epyc([1, 2, 3])));
    expect(main(['run.json'], root).sort()).toEqual(['README.md', path.join('packages', 'a', 'README.md')]);
    for (const f of ['README.md', 'packages/a/README.md'])
      expect(fs.readFileSync(path.join(root, f), 'utf8')).toContain('load 1/2/3 at the start, Node v20.20.2, 2026-12-08: `run.json`');
    expect(fs.readFileSync(path.join(root, 'packages', 'b', 'README.md'), 'utf8')).toBe('# b, no figures\n');
    expect(() => main([], root)).toThrow(/usage: pnpm bench:readme/);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

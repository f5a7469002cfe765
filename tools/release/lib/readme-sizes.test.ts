import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  END,
  START,
  benchLoadProblems,
  parseBytes,
  renderSizeBlock,
  sizeBlock,
  sizeBlockProblems,
  writeSizeBlock,
} from './readme-sizes.mjs';

const root = join(import.meta.dirname, '..', '..', '..');
const packages = [
  { name: '@lec/tensor', packed: 142_800, unpacked: 685_700, files: 458 },
  { name: '@lec/kernels-wasm', packed: 247_000, unpacked: 577_300, files: 60 },
];
const pages = [{ page: "`import { tensor, matmul } from '@lec/tensor'`", minified: 19_400, gzip: 6_800 }];
const readme = (content: string) => `# x\n\n${START}${content}${END}\n\nmore\n`;
const current = readme(renderSizeBlock({ packages, pages, version: '0.1.0', date: '2026-12-07', node: 'v20.20.2' }));

describe('the README size block', () => {
  test('written and read back: current', () => {
    expect(parseBytes('45.1 kB')).toBe(45_100);
    expect(parseBytes('2.31 MB')).toBe(2_310_000);
    expect(sizeBlockProblems(current, { packages, pages })).toEqual([]);
    expect(writeSizeBlock(readme('old'), 'new')).toBe(readme('new'));
  });

  test('small drift (a merged fix) passes; past the tolerance fails, naming the package', () => {
    const drift = packages.map((p) => ({ ...p, packed: p.packed * 1.05, files: p.files + 3 }));
    expect(sizeBlockProblems(current, { packages: drift, pages })).toEqual([]);
    const stale = readme(
      renderSizeBlock({ packages: [packages[0], { ...packages[1], packed: 148_400 }], pages, version: '0.1.0', date: 'd', node: 'n' }),
    );
    expect(sizeBlockProblems(stale, { packages, pages })).toEqual(['@lec/kernels-wasm: packed 148.4 kB, measured 247.0 kB']);
  });

  test('a new package without a row, a row for a removed one, and missing markers fail', () => {
    const more = [...packages, { name: '@lec/datasets', packed: 10_000, unpacked: 40_000, files: 20 }];
    expect(sizeBlockProblems(current, { packages: more, pages })).toEqual(['@lec/datasets has no row']);
    expect(sizeBlockProblems(current, { packages: packages.slice(0, 1), pages })).toEqual([
      'row `@lec/kernels-wasm` names no public package or page the rehearsal measured',
    ]);
    expect(sizeBlockProblems('# no block', { packages, pages })[0]).toMatch(/no size block/);
    expect(sizeBlock('# no block')).toBeUndefined();
  });

  test("this repository's README has the block", () => {
    expect(sizeBlock(readFileSync(join(root, 'README.md'), 'utf8'))).toBeDefined();
  });
});

describe('benchmark loads', () => {
  const files: Record<string, string> = { 'apps/bench/results/a.md': '# lec bench — 2 cores, load 1.97/1.82/1.77, Node v20\n' };
  const read = (path: string) => files[path];
  test('the stated load must be the one the file records', () => {
    expect(benchLoadProblems('| `x` | [a](apps/bench/results/a.md) | 1.97/1.82/1.77 |', read)).toEqual([]);
    expect(benchLoadProblems('| `x` | [a](apps/bench/results/a.md) | quiet |', read)).toEqual([
      'apps/bench/results/a.md: README states load (none), the file records 1.97/1.82/1.77',
    ]);
    expect(benchLoadProblems('| `x` | [b](apps/bench/results/b.md) | 1/1/1 |', read)).toEqual([
      'apps/bench/results/b.md: the file does not exist',
    ]);
  });

  test("this repository's README states each result file's load", () => {
    const text = readFileSync(join(root, 'README.md'), 'utf8');
    expect(benchLoadProblems(text, (p) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : undefined))).toEqual([]);
  });
});

import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBiome } from './biome.mjs';
import { repoRoot } from './lib/workspace.mjs';
import { fixture, manifest } from './test-helpers.js';
import { runTypecheck } from './typecheck.mjs';

const rootBiomeConfig = readFileSync(join(repoRoot, 'biome.json'), 'utf8');

describe('typecheck check', () => {
  /** A one-package turbo workspace laid out like ours (same tsconfig.base.json and typecheck script). */
  function workspace(source: string) {
    const root = fixture({
      'package.json': { name: 'fixture', private: true, packageManager: 'pnpm@10.34.9' },
      'turbo.json': { tasks: { build: { dependsOn: ['^build'] }, typecheck: { dependsOn: ['^build'] } } },
      'tsconfig.base.json': readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8'),
      'packages/layers/package.json': manifest('@lec/layers', { scripts: { typecheck: 'tsc -b --noEmit false' } }),
      'packages/layers/tsconfig.json': readFileSync(join(repoRoot, 'packages/tensor/tsconfig.json'), 'utf8'),
      'packages/layers/src/index.ts': source,
    });
    symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    return root;
  }

  it('fails on a type error, showing the file and the error', () => {
    const root = workspace('export function units(n: number): number {\n  return String(n);\n}\n');
    const { status, output } = runTypecheck(root, { capture: true });
    expect(status).not.toBe(0);
    expect(output).toMatch(/src\/index\.ts\(2,3\): error TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it('passes when the package type-checks', () => {
    const root = workspace('export function units(n: number): string {\n  return String(n);\n}\n');
    expect(runTypecheck(root, { capture: true }).status).toBe(0);
  });
});

describe('biome check (the root biome.json)', () => {
  function workspace(files: Record<string, string>) {
    // The schema path in biome.json points into the repository's node_modules: dropped here.
    return fixture({ '.gitignore': 'node_modules/\n', 'biome.json': rootBiomeConfig.replace(/"\$schema": "[^"]*",/, ''), ...files });
  }
  const good = "import { add } from '@lec/tensor';\n\nexport const double = (x: number) => add(x, x);\n";

  it('reports a badly formatted file by name', () => {
    const root = workspace({ 'packages/nn/src/good.ts': good, 'packages/nn/src/bad.ts': 'export   const shape = {rows:1,"cols":2}\n' });
    const { status, output } = runBiome(root, ['packages'], { capture: true });
    expect(status).toBe(1);
    expect(output).toContain('packages/nn/src/bad.ts format');
    expect(output).not.toContain('good.ts');
  });

  it('reports a lint error (recommended rules)', () => {
    const root = workspace({
      'packages/nn/src/lint.ts': 'export function f(a: number) {\n  if (a == 1) return true;\n  return false;\n}\n',
    });
    const { status, output } = runBiome(root, ['packages'], { capture: true });
    expect(status).toBe(1);
    expect(output).toContain('lint/suspicious/noDoubleEquals');
  });

  it('passes well-formatted code in our style, and skips dist, build and generated files', () => {
    const root = workspace({
      'packages/nn/src/good.ts': good,
      // our numeric idioms: x !== x for NaN, non-null assertions, ops named like globals
      'packages/nn/src/idioms.ts': 'export function isFinite(x: number[]): number {\n  const v = x[0]!;\n  return v !== v ? 0 : 1;\n}\n',
      'packages/nn/dist/index.js': 'export   const ugly = {a:1}\n',
      'packages/nn/build/out.js': 'export   const ugly = {a:1}\n',
      'packages/kernels-wasm/src/generated/wasm-binaries.ts': 'export   const ugly = {a:1}\n',
    });
    const { status, output } = runBiome(root, ['packages'], { capture: true });
    expect(output).toContain('Checked 2 files');
    expect(status).toBe(0);
  });

  it('passes on its own tools (checks, new-package) and biome.json', () => {
    expect(runBiome(repoRoot, ['tools/checks', 'tools/new-package', 'biome.json'], { capture: true })).toMatchObject({ status: 0 });
  });
});

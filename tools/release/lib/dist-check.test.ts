import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { distProblems } from './dist-check.mjs';

const prepack = join(import.meta.dirname, '..', 'prepack.mjs');
const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A built package: src/{index,util}.ts (and a test), dist/ with their outputs and the build stamp, older sources. */
function builtPackage(exportsField: unknown = { '.': { types: './dist/index.d.ts', default: './dist/index.js' } }): string {
  const dir = mkdtempSync(join(tmpdir(), 'dist-check-'));
  temporary.push(dir);
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'dist'));
  const pkg = {
    name: '@lec/fixture',
    version: '0.0.0',
    type: 'module',
    exports: exportsField,
    files: ['dist'],
    scripts: { build: 'node -e ""', prepack: `node ${prepack}` },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  for (const f of ['index', 'util']) {
    writeFileSync(join(dir, 'src', `${f}.ts`), 'export const x = 1;\n');
    writeFileSync(join(dir, 'dist', `${f}.js`), 'export const x = 1;\n');
    writeFileSync(join(dir, 'dist', `${f}.d.ts`), 'export declare const x = 1;\n');
  }
  writeFileSync(join(dir, 'src', 'index.test.ts'), '');
  const past = new Date(Date.now() - 60_000);
  for (const f of ['index.ts', 'util.ts', 'index.test.ts']) utimesSync(join(dir, 'src', f), past, past);
  writeFileSync(join(dir, 'dist', '.tsbuildinfo'), '{}');
  return dir;
}

describe('distProblems', () => {
  test('a complete, current build passes (tests need no output)', () => {
    expect(distProblems(builtPackage())).toEqual([]);
  });

  test('a deleted dist/ file fails, naming it', () => {
    const dir = builtPackage();
    unlinkSync(join(dir, 'dist', 'util.js'));
    expect(distProblems(dir)).toEqual([
      expect.stringMatching(/^@lec\/fixture: dist\/ lacks 1 build output\(s\) of src\/: dist\/util\.js \(tsc -b does not rewrite/),
    ]);
  });

  test('no dist/ at all fails', () => {
    const dir = builtPackage();
    rmSync(join(dir, 'dist'), { recursive: true });
    expect(distProblems(dir)).toEqual([expect.stringMatching(/dist\/ is missing/)]);
  });

  test('a source changed after the build fails', () => {
    const dir = builtPackage();
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'src', 'util.ts'), future, future);
    expect(distProblems(dir)).toEqual(['@lec/fixture: dist/ is older than src/ (changed since the last build: src/util.ts)']);
  });

  test('exports naming a file that does not exist fail', () => {
    const dir = builtPackage({ '.': { types: './dist/index.d.ts', default: './dist/main.js' } });
    expect(distProblems(dir)).toEqual(['@lec/fixture: exports point to files that do not exist: ./dist/main.js']);
  });
});

describe('prepack refuses to pack', () => {
  const pack = (dir: string) => spawnSync('npm', ['pack', '--dry-run', '--loglevel=error'], { cwd: dir, encoding: 'utf8' });

  test('packs a complete build', () => {
    const result = pack(builtPackage());
    expect(result.status, result.stderr).toBe(0);
  });

  test('a package with a deleted dist/ file: npm pack fails with the reason', () => {
    const dir = builtPackage();
    unlinkSync(join(dir, 'dist', 'index.d.ts'));
    const result = pack(dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('prepack: refusing to pack');
    expect(result.stderr).toContain('dist/index.d.ts');
  });

  test('a package whose exports name a file the build does not make: npm pack fails, naming it', () => {
    const result = pack(builtPackage({ '.': { types: './dist/index.d.ts', default: './dist/main.js' } }));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('exports point to files that do not exist: ./dist/main.js');
  });

  test('a package whose build fails is not packed', () => {
    const dir = builtPackage();
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: '@lec/fixture', version: '0.0.0', scripts: { build: 'exit 3', prepack: `node ${prepack}` } }),
    );
    const result = pack(dir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('the build failed');
  });
});

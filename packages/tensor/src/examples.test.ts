/**
 * Doctest: every ```ts block inside a TSDoc `@example` of packages/tensor/src runs, with all
 * of @lec/tensor's exports in scope. A line `expr; // expected` asserts that expr equals
 * expected: numbers within rtol 1e-5 / atol 1e-6, arrays and typed arrays
 * (`Float32Array [1, 2]`) elementwise, strings exactly. Text after the value that starts with
 * `: ` or ` (` is an explanation (`// 1: only y is alive`). Every exported function must have
 * an example.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as lec from './index.js';
import { jsBackend } from './backend/cpu-backend.js';
import { setBackend } from './engine.js';
import { setSeed } from './random.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Example {
  file: string;
  line: number;
  /** What the comment documents (the next declaration's name). */
  owner: string;
  code: string;
}

function sourceFiles(): string[] {
  return (readdirSync(here, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(here, f))
    .sort();
}

/** The name declared right after a doc comment (function, class, method or const). */
function ownerAfter(text: string): string {
  const m =
    /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\s*\*?\s*(\w+)|class\s+(\w+)|(?:const|let)\s+(\w+)|(?:static\s+|get\s+|readonly\s+)*(\w+)\s*[(<])/.exec(
      text,
    );
  return m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : '?';
}

function collectExamples(): { examples: Example[]; documented: Map<string, boolean> } {
  const examples: Example[] = [];
  // exported function name → whether its doc comment has an @example
  const documented = new Map<string, boolean>();
  for (const file of sourceFiles()) {
    const src = readFileSync(file, 'utf8');
    const commentRe = /\/\*\*([\s\S]*?)\*\//g;
    let lastEnd = 0;
    for (let m = commentRe.exec(src); m; m = commentRe.exec(src)) {
      const body = m[1]
        .split('\n')
        .map((l) => l.replace(/^\s*\* ?/, ''))
        .join('\n');
      const after = src.slice(commentRe.lastIndex, commentRe.lastIndex + 300);
      const owner = ownerAfter(after);
      const exportedFn = /^\s*export\s+(?:async\s+)?function\s+(\w+)/.exec(after);
      if (exportedFn) documented.set(exportedFn[1], body.includes('@example'));
      const exampleAt = body.indexOf('@example');
      if (exampleAt >= 0) {
        const blockRe = /```ts\n([\s\S]*?)```/g;
        blockRe.lastIndex = exampleAt;
        for (let b = blockRe.exec(body); b; b = blockRe.exec(body)) {
          const line = src.slice(0, m.index).split('\n').length;
          examples.push({ file: relative(here, file), line, owner, code: b[1] });
        }
      }
      lastEnd = commentRe.lastIndex;
    }
    // exported functions without any doc comment at all
    for (const f of src.matchAll(/^export (?:async )?function (\w+)/gm)) if (!documented.has(f[1])) documented.set(f[1], false);
    void lastEnd;
  }
  return { examples, documented };
}

const STATEMENT = /^\s*(?:const|let|var|if|for|while|return|throw|import|export|class|function|type|interface)\b/;

/** Rewrites `expr; // expected` lines into calls of the checker, then strips the types. */
function toScript(code: string): string {
  const lines = code.split('\n').map((line, i) => {
    const m = /^(.*?);\s*\/\/\s*(.+?)\s*$/.exec(line);
    if (!m || STATEMENT.test(m[1]) || m[1].trim() === '') return line;
    return `await __check(${i + 1}, ${JSON.stringify(m[1].trim())}, (${m[1]}), ${JSON.stringify(m[2])});`;
  });
  const wrapped = `async function __example__() {\n${lines.join('\n')}\n}`;
  const out = ts.transpileModule(wrapped, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
  return `${out.outputText}\nreturn __example__();`;
}

type Expected = { typed: string; values: unknown } | { value: unknown };

function parseExpected(text: string): Expected {
  const typed = /^(Float32Array|Float64Array|Int32Array)\s*(\[.*\])$/.exec(text);
  const evaluate = (t: string): unknown => new Function(`return (${t});`)();
  if (typed) return { typed: typed[1], values: evaluate(typed[2]) };
  try {
    return { value: evaluate(text) };
  } catch {
    // a value followed by an explanation: `1: only y is alive`, `3 (the count)`
    const value = text.replace(/(?::\s|\s\().*$/, '');
    return { value: evaluate(value) };
  }
}

function closeNumbers(a: number, e: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= 1e-6 + 1e-5 * Math.abs(e);
}

/** Why `actual` differs from `expected` ('' when it matches). */
function difference(actual: unknown, expected: unknown, path = ''): string {
  if (typeof expected === 'number') {
    return typeof actual === 'number' && closeNumbers(actual, expected)
      ? ''
      : `${path || 'value'}: got ${String(actual)}, expected ${expected}`;
  }
  if (Array.isArray(expected)) {
    if (!(Array.isArray(actual) || ArrayBuffer.isView(actual))) return `${path || 'value'}: got ${String(actual)}, expected an array`;
    const list = Array.from(actual as ArrayLike<unknown>);
    if (list.length !== expected.length) return `${path || 'value'}: got length ${list.length}, expected ${expected.length}`;
    for (let i = 0; i < list.length; i++) {
      const d = difference(list[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return '';
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${path || 'value'}: got ${String(actual)}, expected an object`;
    for (const [k, v] of Object.entries(expected)) {
      const d = difference((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
      if (d) return d;
    }
    return '';
  }
  return Object.is(actual, expected) ? '' : `${path || 'value'}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}

const { examples, documented } = collectExamples();
const names = Object.keys(lec);
const values = names.map((n) => (lec as Record<string, unknown>)[n]);
// eslint-disable-next-line @typescript-eslint/no-empty-function
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;

describe('TSDoc examples', () => {
  it('there are examples to run', () => {
    expect(examples.length).toBeGreaterThan(100);
  });

  it('every exported function of @lec/tensor has a TSDoc @example', () => {
    const functions = names.filter((n) => {
      const v = (lec as Record<string, unknown>)[n];
      return typeof v === 'function' && !/^class\b/.test(Function.prototype.toString.call(v));
    });
    const missing = functions.filter((n) => documented.get(n) !== true);
    expect(missing, `exported functions without an @example: ${missing.join(', ')}`).toEqual([]);
  });

  for (const ex of examples) {
    it(`${ex.file}:${ex.line} ${ex.owner}`, async () => {
      let checks = 0;
      const check = async (line: number, source: string, actual: unknown, expectedText: string) => {
        checks++;
        const expected = parseExpected(expectedText);
        if ('typed' in expected) {
          const name = (actual as object)?.constructor?.name;
          expect(name, `line ${line}: ${source} should be a ${expected.typed}`).toBe(expected.typed);
          expect(difference(actual, expected.values), `line ${line}: ${source}`).toBe('');
        } else {
          expect(difference(actual, expected.value), `line ${line}: ${source} // ${expectedText}`).toBe('');
        }
      };
      const script = toScript(ex.code);
      const run = new AsyncFunction(...names, '__check', script);
      try {
        await run(...values, check);
      } finally {
        // examples may change global state: put it back
        setBackend(jsBackend());
        setSeed(0);
      }
      expect(checks, 'an example should assert at least one `expr; // expected` line').toBeGreaterThan(0);
    });
  }
});

describe('the doctest checker itself', () => {
  it('parses expected values, typed arrays and explanations', () => {
    expect(parseExpected('[[1, 2], [3, 4]]')).toEqual({
      value: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(parseExpected('Float32Array [1, 2]')).toEqual({ typed: 'Float32Array', values: [1, 2] });
    expect(parseExpected('1: only y is alive')).toEqual({ value: 1 });
    expect(parseExpected("'Tensor(float32, [2]) [1, 2]'")).toEqual({ value: 'Tensor(float32, [2]) [1, 2]' });
  });

  it('compares numbers with rtol 1e-5 / atol 1e-6, NaN with NaN, and strings exactly', () => {
    expect(difference(Math.LN2 + 5e-7, Math.LN2)).toBe('');
    expect(difference(Math.LN2 + 5e-5, Math.LN2)).not.toBe('');
    expect(difference(new Float32Array([1, 2]), [1, 2])).toBe('');
    expect(difference([1, 2, 3], [1, 2])).not.toBe('');
    expect(difference(NaN, NaN)).toBe('');
    expect(difference(Infinity, -Infinity)).not.toBe('');
    expect(difference('a', 'a ')).not.toBe('');
  });

  it('a wrong expectation in an example fails it', async () => {
    const run = new AsyncFunction(...names, '__check', toScript('sum(tensor([1, 2])).item(); // 4'));
    const check = async (_line: number, _source: string, actual: unknown, text: string) => {
      const e = parseExpected(text);
      if ('value' in e && difference(actual, e.value)) throw new Error('mismatch');
    };
    await expect(run(...values, check)).rejects.toThrow('mismatch');
  });
});

/**
 * The doctest runner every lec package uses for the TSDoc `@example` blocks of its src/
 * (STYLE: "every public function has TSDoc with a short @example that a test executes").
 * A subpath of its own (`@lec/backend-tests/examples`) so that the main entry does not load
 * `typescript`.
 *
 * Each ```ts block that follows an `@example` tag is transpiled with `typescript` and run as the
 * body of an async function, with the names of `scope` (usually the package's exports and
 * @lec/tensor's) in scope; `import` lines of an example are dropped, its names come from the
 * scope. A line `expr; // value` checks that expr equals value:
 *
 * - numbers within atol 1e-6 + rtol 1e-5·|value|; `// ≈ value` within atol 1e-3 + rtol 1e-3·|value|;
 *   NaN meets NaN, an infinity the same infinity; `π` stands for Math.PI;
 * - arrays and typed arrays elementwise (same length); `// Float32Array [1, 2]` also checks
 *   the class;
 * - objects on the keys the value names (`// { rows: 2 }`), anything else with Object.is;
 * - text after the value that starts with `: ` or ` (` is an explanation (`// 1 (the count)`);
 * - `expr; // throws FormatError` checks that expr throws (or rejects with) an error of that
 *   name or class; text after the name is an explanation;
 * - a comment that is not a value (`// trains for 2 epochs`) is prose: the line only has to run.
 *
 * Lines that start with a statement keyword (`const`, `if`, `return`, ...) are never checks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compareArrays } from './compare.js';
import type { Tolerance } from './tolerances.js';

/** One ```ts block of an `@example`. */
export interface DocExample {
  /** Source file, relative to the src dir it was collected from (`/`-separated). */
  file: string;
  /** 1-based line of the opening ```ts fence in that file. */
  line: number;
  /** What the doc comment documents: the name declared right after it (`?` when unknown). */
  owner: string;
  /** The block's code, without the leading ` * `. */
  code: string;
}

/** The examples of a src dir and, for each exported function, whether its doc has an `@example`. */
export interface CollectedExamples {
  examples: DocExample[];
  /** Exported function name → true when its doc comment has an `@example`. */
  documented: Map<string, boolean>;
}

/** How far a number may be from the value an example states (atol + rtol·|expected|), for `expr; // value`. */
export const EXACT_TOLERANCE: Tolerance = { rtol: 1e-5, atol: 1e-6 };
/** For `expr; // ≈ value`. */
export const LOOSE_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-3 };

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(path));
    } else if (/\.[cm]?ts$/.test(entry.name) && !/\.(test|spec)\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out.sort();
}

/** The name declared right after a doc comment (function, class, method, property or const). */
function ownerAfter(text: string): string {
  const m =
    /^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?\s*([\w$]+)|class\s+([\w$]+)|interface\s+([\w$]+)|type\s+([\w$]+)|(?:const|let)\s+([\w$]+)|(?:(?:public|protected|private|static|get|set|readonly|override|async|abstract)\s+)*\*?([\w$]+)\s*[(<:?=])/.exec(
      text,
    );
  return m ? (m.slice(1).find((g) => g !== undefined) ?? '?') : '?';
}

/**
 * Every ```ts block after an `@example` tag in the doc comments of `srcDir`'s source files
 * (recursively; `*.test.ts`, `*.spec.ts` and `.d.ts` files excluded).
 */
export function collectExamples(srcDir: string): CollectedExamples {
  const examples: DocExample[] = [];
  const documented = new Map<string, boolean>();
  for (const path of sourceFiles(srcDir)) {
    const file = relative(srcDir, path).split('\\').join('/');
    const src = readFileSync(path, 'utf8');
    const commentRe = /\/\*\*([\s\S]*?)\*\//g;
    for (let m = commentRe.exec(src); m; m = commentRe.exec(src)) {
      const body = m[1]
        .split('\n')
        .map((l) => l.replace(/^\s*\* ?/, ''))
        .join('\n');
      const after = src.slice(commentRe.lastIndex, commentRe.lastIndex + 400);
      const exportedFn = /^\s*export\s+(?:async\s+)?function\s*\*?\s*([\w$]+)/.exec(after);
      const exampleAt = body.indexOf('@example');
      if (exportedFn) documented.set(exportedFn[1], exampleAt >= 0);
      if (exampleAt < 0) continue;
      const owner = ownerAfter(after);
      const commentLine = src.slice(0, m.index).split('\n').length;
      const blockRe = /```(?:ts|typescript)[ \t]*\n([\s\S]*?)```/g;
      blockRe.lastIndex = exampleAt;
      for (let b = blockRe.exec(body); b; b = blockRe.exec(body)) {
        const line = commentLine + body.slice(0, b.index).split('\n').length - 1;
        examples.push({ file, line, owner, code: b[1].replace(/\n$/, '') });
      }
    }
    // exported functions without any doc comment at all
    for (const f of src.matchAll(/^export\s+(?:async\s+)?function\s*\*?\s*([\w$]+)/gm)) {
      if (!documented.has(f[1])) documented.set(f[1], false);
    }
  }
  return { examples, documented };
}

/** What a `// value` comment states. */
export interface ExpectedValue {
  value: unknown;
  /** The typed-array class a `// Float32Array [1, 2]` comment names. */
  typed?: string;
  /** `// ≈ value`: compared with the loose tolerance. */
  loose: boolean;
}

function evaluate(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: new Function(`"use strict"; return (${text});`)() };
  } catch {
    return { ok: false };
  }
}

/**
 * Parses the comment of an `expr; // value` line (without the `//`); null when it is prose.
 * @example
 * ```ts
 * parseExpected('≈ 0.5 (half)'); // { value: 0.5, loose: true }
 * parseExpected('trains for 2 epochs'); // null
 * ```
 */
export function parseExpected(comment: string): ExpectedValue | null {
  let text = comment.trim();
  const loose = text.startsWith('≈');
  if (loose) text = text.slice(1).trim();
  // the value alone, then the value before an explanation (`1: only y is alive`, `3 (the count)`)
  const candidates = [text, text.replace(/(?::\s|\s\().*$/, '').trim()];
  for (const candidate of candidates) {
    if (candidate === '') continue;
    const typed = /^([A-Z][A-Za-z0-9]*Array)\s*(\[[\s\S]*\])$/.exec(candidate);
    const source = (typed ? typed[2] : candidate).replace(/π/g, 'Math.PI');
    const result = evaluate(source);
    if (!result.ok || typeof result.value === 'function') continue;
    return typed ? { value: result.value, typed: typed[1], loose } : { value: result.value, loose };
  }
  return null;
}

const show = (v: unknown): string => {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} [${Array.from(v as unknown as ArrayLike<number>).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v) || (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)) {
    try {
      return JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x));
    } catch {
      return String(v);
    }
  }
  return String(v);
};

/**
 * Why `actual` differs from `expected` ('' when it matches): numbers within `tol`, arrays and
 * typed arrays elementwise, objects on the keys `expected` has, anything else with Object.is.
 * @example
 * ```ts
 * difference(new Float32Array([1, 2]), [1, 2 + 1e-7], EXACT_TOLERANCE); // ''
 * difference(3, 4, EXACT_TOLERANCE); // 'value: got 3, expected 4'
 * ```
 */
export function difference(actual: unknown, expected: unknown, tol: Tolerance, path = ''): string {
  const at = path || 'value';
  if (typeof expected === 'number') {
    return typeof actual === 'number' && compareArrays([actual], [expected], tol).ok
      ? ''
      : `${at}: got ${show(actual)}, expected ${expected}`;
  }
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    if (!(Array.isArray(actual) || ArrayBuffer.isView(actual))) return `${at}: got ${show(actual)}, expected an array`;
    const got = Array.from(actual as ArrayLike<unknown>);
    const want = Array.from(expected as ArrayLike<unknown>);
    if (got.length !== want.length) return `${at}: got length ${got.length} (${show(actual)}), expected ${want.length}`;
    for (let i = 0; i < got.length; i++) {
      const d = difference(got[i], want[i], tol, `${path}[${i}]`);
      if (d) return d;
    }
    return '';
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${at}: got ${show(actual)}, expected an object`;
    for (const [k, v] of Object.entries(expected)) {
      const d = difference((actual as Record<string, unknown>)[k], v, tol, `${path}.${k}`);
      if (d) return d;
    }
    return '';
  }
  return Object.is(actual, expected) ? '' : `${at}: got ${show(actual)}, expected ${show(expected)}`;
}

const STATEMENT =
  /^\s*(?:const|let|var|if|else|for|while|do|switch|case|return|throw|try|catch|finally|import|export|class|function|async\s+function|type|interface|enum|declare|break|continue)\b/;

/** `// throws FormatError (why)`: the name of the error the line must throw. */
const THROWS = /^throws\s+([A-Za-z_$][\w$]*)\b/;

/** Blank lines in place of the example's imports (its names come from the scope), so lines keep their numbers. */
function dropImports(code: string): string {
  return code.replace(/^[ \t]*import\s*(?:[\w$*{}\s,]+?\s*from\s*)?['"][^'"\n]+['"][ \t]*;?/gm, (m) => m.replace(/[^\n]/g, ''));
}

/**
 * The JavaScript an example runs as: the body of an async function (returned by the script)
 * whose `expr; // value` lines call `__check(line, source, actual, comment)` and whose
 * `expr; // throws Name` lines `await __throws(line, source, thunk, name)`.
 */
export function exampleScript(code: string): string {
  const lines = dropImports(code)
    .split('\n')
    .map((line, i) => {
      const m = /^(.*?);\s*\/\/\s*(.+?)\s*$/.exec(line);
      if (!m || m[1].trim() === '' || STATEMENT.test(m[1]) || /^\s*[}\])]/.test(m[1])) return line;
      const indent = /^\s*/.exec(m[1])?.[0] ?? '';
      const throws = THROWS.exec(m[2]);
      if (throws) {
        return `${indent}await __throws(${i + 1}, ${JSON.stringify(m[1].trim())}, async () => (${m[1].trim()}), ${JSON.stringify(throws[1])});`;
      }
      if (parseExpected(m[2]) === null) return line;
      return `${indent}__check(${i + 1}, ${JSON.stringify(m[1].trim())}, (${m[1].trim()}), ${JSON.stringify(m[2])});`;
    });
  const wrapped = `async function __example__() {\n${lines.join('\n')}\n}`;
  const out = ts.transpileModule(wrapped, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    reportDiagnostics: true,
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const d = errors[0];
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    throw new SyntaxError(`example line ${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return `${out.outputText}\nreturn __example__();`;
}

/** What `runExample` needs besides the example. */
export interface RunExampleOptions {
  /** For `expr; // value`; default EXACT_TOLERANCE. */
  tolerance?: Tolerance;
  /** For `expr; // ≈ value`; default LOOSE_TOLERANCE. */
  looseTolerance?: Tolerance;
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['default', 'arguments', 'eval', 'await', 'yield', 'let', 'static', 'enum', 'implements', 'package']);

/**
 * Runs one example with `scope` (name → value) in scope; throws on the first check that fails
 * (naming the file and line) or when the example throws. Returns how many values it checked.
 */
export async function runExample(
  example: DocExample,
  scope: Record<string, unknown>,
  options: RunExampleOptions = {},
): Promise<{ checks: number }> {
  const exact = options.tolerance ?? EXACT_TOLERANCE;
  const loose = options.looseTolerance ?? LOOSE_TOLERANCE;
  let checks = 0;
  const check = (line: number, source: string, actual: unknown, comment: string): void => {
    checks++;
    const expected = parseExpected(comment);
    if (expected === null) return;
    const where = `${example.file}:${example.line + line}: ${source}; // ${comment}`;
    if (expected.typed !== undefined) {
      const name = (actual as object | null)?.constructor?.name;
      if (name !== expected.typed) throw new Error(`${where}\n  got a ${name ?? String(actual)}, expected a ${expected.typed}`);
    }
    const d = difference(actual, expected.value, expected.loose ? loose : exact);
    if (d) throw new Error(`${where}\n  ${d}`);
  };
  const throws = async (line: number, source: string, thunk: () => Promise<unknown>, name: string): Promise<void> => {
    checks++;
    const where = `${example.file}:${example.line + line}: ${source}; // throws ${name}`;
    let result: unknown;
    try {
      result = await thunk();
    } catch (e) {
      const names = [(e as Error | null)?.name, (e as object | null)?.constructor?.name];
      if (!names.includes(name))
        throw new Error(`${where}\n  threw ${String(names[1] ?? names[0])}: ${(e as Error)?.message ?? String(e)}`);
      return;
    }
    throw new Error(`${where}\n  did not throw (gave ${show(result)})`);
  };
  let script: string;
  try {
    script = exampleScript(example.code);
  } catch (e) {
    throw new Error(`${example.file}:${example.line}: the example does not compile: ${(e as Error).message}`);
  }
  const names = Object.keys(scope).filter((n) => IDENTIFIER.test(n) && !RESERVED.has(n) && n !== '__check' && n !== '__throws');
  const run = new AsyncFunction(...names, '__check', '__throws', script);
  await run(...names.map((n) => scope[n]), check, throws);
  return { checks };
}

/**
 * A `skipWhen` for examples that read a data directory from an environment variable: an
 * example that mentions the variable is skipped, with the reason, when it is not set, does
 * not exist, or lacks one of the entries `needs(code)` names.
 * @example
 * ```ts
 * const skip = skipWithoutDataDir('LEC_EXAMPLE_DIR_THAT_IS_NOT_SET');
 * skip({ file: 'a.ts', line: 1, owner: 'a', code: 'process.env.LEC_EXAMPLE_DIR_THAT_IS_NOT_SET' }); // 'LEC_EXAMPLE_DIR_THAT_IS_NOT_SET is not set'
 * skip({ file: 'a.ts', line: 1, owner: 'a', code: '1 + 1' }); // null
 * ```
 */
export function skipWithoutDataDir(
  variable = 'LEC_DATA_DIR',
  needs: (code: string) => string[] = () => [],
): (example: DocExample) => string | null {
  return (example) => {
    if (!example.code.includes(variable)) return null;
    const dir = process.env[variable];
    if (!dir) return `${variable} is not set`;
    if (!existsSync(dir)) return `${variable} (${dir}) does not exist`;
    const absent = needs(example.code).filter((d) => !existsSync(join(dir, d)));
    return absent.length > 0 ? `${absent.join(' and ')} not found under ${variable} (${dir})` : null;
  };
}

/** Options of `describeExamples`. */
export interface DescribeExamplesOptions extends RunExampleOptions {
  /** The directory whose source files' examples run (usually the package's src/). */
  srcDir: string;
  /** Names in scope for every example: usually `{ ...tensorApi, ...packageApi }`. */
  scope: Record<string, unknown>;
  /** The "finds the examples" case fails with fewer (guards against a collector that finds nothing). Default 1. */
  minExamples?: number;
  /**
   * Examples that are not run, with the reason: a key is an owner name (`fit`), a file
   * (`data/mnist.ts`) or both (`data/mnist.ts:loadMnist`). A key that matches no example fails.
   */
  skip?: Record<string, string>;
  /** Skips an example when it returns a reason (e.g. `skipWithoutDataDir()`); the reason is printed. */
  skipWhen?: (example: DocExample) => string | null;
  /** Each example must check at least one value. Default false. */
  requireChecks?: boolean;
  /** A module namespace: each function it exports that is declared under srcDir must have an `@example`. */
  requireExampleFor?: Record<string, unknown>;
  /** Runs before and after each example (examples may change global state: put it back). */
  reset?: () => void | Promise<void>;
  /** Per-example timeout in ms (vitest's default when not given). */
  timeout?: number;
  /** The describe block's name; default 'TSDoc examples'. */
  title?: string;
}

function skipKeyMatches(key: string, example: DocExample): boolean {
  return key === example.owner || key === example.file || key === `${example.file}:${example.owner}`;
}

/**
 * Registers a vitest case for every `@example` block under `options.srcDir`, plus cases that
 * check the examples were found, that every `skip` key matches an example, and (with
 * `requireExampleFor`) that every exported function has an example.
 */
export function describeExamples(options: DescribeExamplesOptions): void {
  const { examples, documented } = collectExamples(options.srcDir);
  const skip = options.skip ?? {};
  describe(options.title ?? 'TSDoc examples', () => {
    it('finds the examples', () => {
      expect(examples.length, `@example blocks under ${options.srcDir}`).toBeGreaterThanOrEqual(Math.max(1, options.minExamples ?? 1));
    });

    if (Object.keys(skip).length > 0) {
      it('every skipped example exists', () => {
        const stale = Object.keys(skip).filter((key) => !examples.some((ex) => skipKeyMatches(key, ex)));
        expect(stale, `skip keys that match no example: ${stale.join(', ')}`).toEqual([]);
      });
    }

    const exported = options.requireExampleFor;
    if (exported !== undefined) {
      it('every exported function has an @example', () => {
        const functions = Object.keys(exported).filter((n) => {
          const v = exported[n];
          return typeof v === 'function' && !/^class\b/.test(Function.prototype.toString.call(v)) && documented.has(n);
        });
        const missing = functions.filter((n) => documented.get(n) !== true);
        expect(missing, `exported functions without an @example: ${missing.join(', ')}`).toEqual([]);
      });
    }

    for (const ex of examples) {
      const title = `${ex.file}:${ex.line} ${ex.owner}`;
      const staticReason = Object.entries(skip).find(([key]) => skipKeyMatches(key, ex))?.[1];
      const reason = staticReason ?? options.skipWhen?.(ex) ?? null;
      if (reason !== null) {
        console.log(`skipping the example at ${ex.file}:${ex.line} (${ex.owner}): ${reason}`);
        it.skip(`${title} (skipped: ${reason})`, () => {});
        continue;
      }
      it(
        title,
        async () => {
          await options.reset?.();
          let checks = 0;
          try {
            ({ checks } = await runExample(ex, options.scope, options));
          } finally {
            await options.reset?.();
          }
          if (options.requireChecks) {
            expect(checks, 'an example should check at least one `expr; // value` line').toBeGreaterThan(0);
          }
        },
        options.timeout,
      );
    }
  });
}

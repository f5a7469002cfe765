/**
 * Runs every `@example` in src/ (STYLE: "every public function has TSDoc with a short
 * @example that a test executes"). Each block is transpiled from TypeScript and run with the
 * exports of @lec/gcn and @lec/tensor in scope; a line `expr; // value` also checks that expr
 * equals value (deep, numbers to 1e-6 relative) when value parses as a JavaScript literal.
 * Examples that read LEC_DATA_DIR are skipped, with a printed reason, when it is not set, does
 * not exist, or lacks the dataset the example reads (karate/ or planetoid/cora).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tensorApi from '@lec/tensor';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as gcnApi from '../src/index.js';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const scope: Record<string, unknown> = { ...tensorApi, ...gcnApi };
const names = Object.keys(scope);

/** Why an example that reads LEC_DATA_DIR cannot run here, or null when its data is present. */
function missingData(code: string): string | null {
  const dir = process.env.LEC_DATA_DIR;
  if (!dir) return 'LEC_DATA_DIR is not set';
  if (!existsSync(dir)) return `LEC_DATA_DIR (${dir}) does not exist`;
  const needs = [...(code.includes('arate') ? ['karate'] : []), ...(code.includes('loadPlanetoid') ? ['planetoid/cora'] : [])];
  const absent = needs.filter((d) => !existsSync(join(dir, d)));
  return absent.length ? `${absent.join(' and ')} not found under LEC_DATA_DIR (${dir})` : null;
}

interface Example {
  file: string;
  line: number;
  code: string;
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const lines = readFileSync(join(srcDir, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*\*\s*@example/.test(lines[i])) continue;
      let j = i + 1;
      while (j < lines.length && !/^\s*\*\s*```/.test(lines[j])) j++;
      const body: string[] = [];
      for (j++; j < lines.length && !/^\s*\*\s*```/.test(lines[j]); j++) body.push(lines[j].replace(/^\s*\*\s?/, ''));
      out.push({ file, line: i + 1, code: body.join('\n') });
    }
  }
  return out;
}

/** Turns `expr; // expected` into a checked call when `expected` is a literal. */
function instrument(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const m = /^(?!\s*(const|let|var|class|try|for|if)\b)(.+?);\s*\/\/\s*(.+)$/.exec(line);
      if (!m) return line;
      const expected = m[3].replace(/^(Float64Array|Float32Array|Int32Array)\s+/, '');
      try {
        new Function(`return (${expected});`);
      } catch {
        return line; // a prose comment: just run it
      }
      return `__check(() => (${m[2]}), () => (${expected}), ${JSON.stringify(line.trim())});`;
    })
    .join('\n');
}

const plain = (v: unknown): unknown =>
  ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : Array.isArray(v) ? v.map(plain) : v;
function same(a: unknown, b: unknown): boolean {
  a = plain(a);
  b = plain(b);
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object')
    return Object.keys(b).every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  return Object.is(a, b);
}

describe('doc examples', () => {
  const all = examples();
  it('finds the examples', () => expect(all.length).toBeGreaterThan(50));
  for (const ex of all) {
    const missing = ex.code.includes('LEC_DATA_DIR') ? missingData(ex.code) : null;
    if (missing) console.log(`skipping the example at ${ex.file}:${ex.line}: ${missing}`);
    it.skipIf(missing !== null)(`${ex.file}:${ex.line}`, () => {
      const js = ts.transpileModule(instrument(ex.code), {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
      const check = (got: () => unknown, want: () => unknown, text: string) => {
        const g = got();
        const w = want();
        if (!same(g, w)) throw new Error(`${ex.file}:${ex.line}: ${text}\n  got ${JSON.stringify(plain(g))}`);
      };
      new Function('__check', 'process', ...names, js)(check, process, ...names.map((n) => scope[n]));
    });
  }
});

/**
 * Runs every `@example` block of the package's TSDoc. A line `expr; // value` becomes a check
 * that expr equals value (numbers to 1e-6; `// ≈ value` to 1e-3; `π` is Math.PI; a trailing
 * parenthesised note is ignored). Comments that are not a value (`// Float32Array [1, 2]`)
 * are left as comments: the line still has to run without throwing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect } from 'vitest';

export interface Example {
  file: string;
  line: number;
  code: string;
}

/** Every @example code block in `srcDir` (non-test .ts files). */
export function collectExamples(srcDir: string): Example[] {
  const out: Example[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(path, 'utf8');
        const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          const code = m[1]
            .split('\n')
            .map((l) => l.replace(/^\s*\* ?/, ''))
            .join('\n');
          out.push({ file: entry.name, line: text.slice(0, m.index).split('\n').length, code });
        }
      }
    }
  };
  walk(srcDir);
  return out;
}

function expected(comment: string): { value: unknown; tolerance: number } | null {
  let c = comment.trim().replace(/\s+\([^)]*\)\s*$/, '');
  let tolerance = 1e-6;
  if (c.startsWith('≈')) {
    tolerance = 1e-3;
    c = c.slice(1).trim();
  }
  c = c.replace(/π/g, 'Math.PI');
  try {
    return { value: new Function(`return (${c});`)(), tolerance };
  } catch {
    return null;
  }
}

function same(actual: unknown, want: unknown, tolerance: number, where: string): void {
  if (typeof want === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - want), `${where}: got ${actual}, want ${want}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(want)));
  } else if (Array.isArray(want)) {
    const a = ArrayBuffer.isView(actual) ? Array.from(actual as unknown as ArrayLike<number>) : actual;
    expect(Array.isArray(a), `${where}: got ${String(actual)}, want an array`).toBe(true);
    expect((a as unknown[]).length, `${where}: length`).toBe(want.length);
    want.forEach((w, i) => same((a as unknown[])[i], w, tolerance, where));
  } else {
    expect(actual, where).toEqual(want);
  }
}

/** Transpiles and runs one example with `scope` (name → value) in scope. */
export async function runExample(ex: Example, scope: Record<string, unknown>): Promise<void> {
  const lines = ex.code.split('\n').map((line, i) => {
    const m = /^(?!\s*(?:const|let|var|import)\b)(.*?);\s*\/\/\s*(.+)$/.exec(line);
    if (!m) return line;
    const want = expected(m[2]);
    if (!want) return line;
    return `__check(${m[1]}, ${JSON.stringify(want.value)}, ${want.tolerance}, ${JSON.stringify(`${ex.file}:${ex.line + i + 1}: ${m[1].trim()}`)});`;
  });
  const js = ts
    .transpileModule(`(async () => {\n${lines.join('\n')}\n})()`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } })
    .outputText.replace(/^"use strict";\s*/, '');
  const names = Object.keys(scope);
  const fn = new Function(...names, '__check', `return ${js.trim().replace(/;$/, '')};`);
  await fn(...names.map((n) => scope[n]), (a: unknown, w: unknown, tol: number, where: string) => same(a, w, tol, where));
}

import { describe, expect, it } from 'vitest';
import { codeLines, countLines, report } from './line-budget.mjs';
import { repoRoot } from './lib/workspace.mjs';
import { fixture, manifest, runScript } from './test-helpers.js';

describe('line budget', () => {
  it('counts lines holding code: not blank lines, comments or doc comments', () => {
    const text = [
      '/**', //                                    doc comment: no
      ' * @example', //                            no
      ' * ```ts', //                               no
      ' * f(); // 1', //                           no (inside the doc comment)
      ' */', //                                    no
      'export function f(): number {', //         1
      '', //                                       no
      '  // a comment', //                         no
      '  const url = "http://x"; // trailing', // 2 (the string's // is not a comment)
      '  /* block', //                             no
      '     still the block */', //                no
      '  const t = `one', //                       3 (a template spanning lines counts each)
      'two`;', //                                  4
      '  const r = /\\/\\//g;', //                5 (a regex with slashes)
      '  return url.length + t.length + (r.test(t) ? 1 : 0);', // 6
      '}', //                                      7
      '',
    ].join('\n');
    expect(codeLines(text, 'f.ts')).toBe(7);
    expect(codeLines('', 'empty.ts')).toBe(0);
    expect(codeLines('// only a comment\n\n/* and a block */\n', 'c.mjs')).toBe(0);
    expect(codeLines('const a = 1;\nexport default a;\n', 'a.js')).toBe(2);
  });

  it('counts src/ and assembly/ without tests, test folders, generated files or .d.ts', () => {
    const root = fixture({
      'packages/core/package.json': manifest('@lec/core'),
      'packages/core/src/a.ts': 'export const a = 1;\nexport const b = 2;\n',
      'packages/core/src/a.test.ts': 'export const notCounted = 1;\n',
      'packages/core/src/generated/blob.ts': 'export const blob = "AAAA";\n',
      'packages/core/src/types.d.ts': 'declare const x: number;\n',
      'packages/core/src/test/helper.ts': 'export const helper = 1;\n',
      'packages/core/assembly/k.ts': 'export function k(): i32 {\n  return 1;\n}\n',
      'packages/core/scripts/tool.mjs': 'console.log(1);\n',
      'packages/empty/package.json': manifest('@lec/empty'),
    });
    expect(countLines(root)).toEqual([{ name: '@lec/core', dir: 'packages/core', files: 2, lines: 5, budget: null }]);
  });

  it('prints every package and fails, naming the package, when one is over its budget', () => {
    const files = {
      'packages/big/package.json': manifest('@lec/big'),
      'packages/big/src/index.ts': 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n',
      'packages/small/package.json': manifest('@lec/small'),
      'packages/small/src/index.ts': 'export const a = 1;\n',
    };
    const over = runScript('line-budget.mjs', fixture({ ...files, 'tools/checks/line-budgets.json': { '@lec/big': 2, '@lec/small': 5 } }));
    expect(over.status).toBe(1);
    expect(over.output).toMatch(/@lec\/big\s+1\s+3\s+2 {2}OVER BUDGET/);
    expect(over.output).toMatch(/@lec\/small\s+1\s+1\s+5\n/);
    expect(over.output).toContain('line-budget: @lec/big has 3 code lines, over its budget of 2');
    const within = runScript('line-budget.mjs', fixture({ ...files, 'tools/checks/line-budgets.json': { '@lec/big': 3 } }));
    expect(within.status).toBe(0);
    expect(within.output).toMatch(/total\s+2\s+4/);
  });

  it('holds on the current tree, where the core packages have budgets', () => {
    const rows = countLines(repoRoot);
    expect(report(rows).over).toEqual([]);
    const tensor = rows.find((r) => r.name === '@lec/tensor');
    expect(tensor?.budget).toBeGreaterThan(0);
    expect(tensor?.lines).toBeGreaterThan(1000);
  });
});

/**
 * The ops index generator (scripts/gen-ops-index.mjs, run by the build): the committed
 * src/ops/index.ts is what it writes, and it exports what it should from a fixture folder.
 * Runs the script in a child process, as the build does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/gen-ops-index.mjs', import.meta.url));
const dirs: string[] = [];

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lec-ops-index-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('gen-ops-index', () => {
  it('finds the committed src/ops/index.ts current', () => {
    const result = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('exports public functions and types per op file, sorted, and leaves out @internal ones and helper files', () => {
    const dir = fixture({
      'b-op.ts': [
        '/** A public op. */',
        'export function bOp(x: number): number {',
        '  return x;',
        '}',
        '/**',
        ' * @internal A helper other ops use.',
        ' */',
        'export function bHelper(): void {}',
        'export interface BOpOptions {',
        '  axis?: number;',
        '}',
        'export type BMode = "a" | "b";',
        'function notExported(): void {}',
      ].join('\n'),
      'a-op.ts': 'export function aOp(): void {}\nexport function aOther(): void {}\n',
      'only-internal.ts': '/** @internal */\nexport function hidden(): void {}\n',
      'op-utils.ts': 'export function asTensor(): void {}\n',
      'a-op.test.ts': 'export function inATest(): void {}\n',
    });
    execFileSync(process.execPath, [script, '--dir', dir]);
    const lines = readFileSync(join(dir, 'index.ts'), 'utf8').trimEnd().split('\n');
    expect(lines.slice(1, 4)).toEqual([
      "export { aOp, aOther } from './a-op.js';",
      "export { bOp } from './b-op.js';",
      "export type { BOpOptions, BMode } from './b-op.js';",
    ]);
    expect(lines.join('\n')).not.toMatch(/hidden|bHelper|asTensor|inATest|notExported/);
  });

  it('--check fails, naming the file, when the index is stale, and leaves it alone', () => {
    const dir = fixture({ 'x-op.ts': 'export function xOp(): void {}\n', 'index.ts': '// old\n' });
    const result = spawnSync(process.execPath, [script, '--dir', dir, '--check'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/index\.ts is stale: run `node scripts\/gen-ops-index\.mjs`/);
    expect(readFileSync(join(dir, 'index.ts'), 'utf8')).toBe('// old\n');
    // the plain run rewrites it, and then the check passes
    execFileSync(process.execPath, [script, '--dir', dir]);
    expect(spawnSync(process.execPath, [script, '--dir', dir, '--check']).status).toBe(0);
  });
});

/**
 * The README's "What runs where" table says what the backend reports: every op named (in
 * backticks) in its first column runs where the table says for float32, per `info().wasmOps`
 * and `info().jsOps`, and every op and fast path the backend reports has a row.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { wasmBackend } from './wasm-backend.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const backend = await wasmBackend({ feature: 'simd' });
afterAll(() => backend.disposeBackend());

/** The rows of the table after "What runs where": op names of the first column, and where float32 runs. */
function tableRows(): { ops: string[]; float32: 'wasm' | 'JavaScript' }[] {
  const at = readme.indexOf('What runs where');
  expect(at).toBeGreaterThan(0);
  const lines = readme.slice(at).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const [ops = '', float32 = ''] = line.split('|').slice(1, 3);
    const where = float32.trim().startsWith('wasm') ? 'wasm' : float32.trim().startsWith('JavaScript') ? 'JavaScript' : null;
    expect(where, `float32 column of: ${line}`).not.toBeNull();
    rows.push({ ops: [...ops.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1] as string), float32: where as 'wasm' | 'JavaScript' });
  }
  return rows;
}

/** The op names of an `info()` list: "float32 a, b, c; every float64 and int32 op". */
function names(list: unknown): string[] {
  const text = String(list).split(';')[0] ?? '';
  return text.startsWith('float32 ') ? text.slice('float32 '.length).split(', ') : [];
}

describe('README "What runs where"', () => {
  const info = backend.info() as { wasmOps: string; jsOps: string; fastPaths: string[] };
  const rows = tableRows();
  const inTable = rows.flatMap((r) => r.ops.map((op) => [op, r.float32] as const));

  it('lists every op once, where the backend runs it', () => {
    const wasm = names(info.wasmOps);
    const js = names(info.jsOps);
    expect(wasm.length).toBeGreaterThan(20);
    const expected = new Map<string, string>([...wasm.map((op) => [op, 'wasm'] as const), ...js.map((op) => [op, 'JavaScript'] as const)]);
    expect(new Map(inTable)).toEqual(expected);
    expect(inTable.length).toBe(expected.size); // no op in two rows
  });

  it('has a row for every fast path', () => {
    const ops = new Set(inTable.map(([op]) => op));
    for (const name of info.fastPaths) expect(ops.has(name), name).toBe(true);
  });

  it('mentions no info() field the backend does not report', () => {
    const fields = [...readme.matchAll(/`info\(\)\.([A-Za-z]+)`/g)].map((m) => m[1] as string);
    expect(fields.length).toBeGreaterThan(3);
    const reported = backend.info() as unknown as Record<string, unknown>;
    for (const field of new Set(fields)) expect(field in reported, `info().${field}`).toBe(true);
  });
});

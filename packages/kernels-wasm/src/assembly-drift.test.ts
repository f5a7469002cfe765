/**
 * The host side's hand-written copies of what assembly/ defines, checked against assembly/ so
 * that they cannot drift (STYLE: no hand-synced copy of a signature or layout in two languages
 * without a test that they agree):
 * - `KernelExports` (src/kernel-exports.ts): every export of assembly/index.ts, with the same
 *   parameters in the same order (names and count) and matching types (AssemblyScript's
 *   i32/u32/usize/f32/f64/bool are a JS number, void is void), and nothing else;
 *   `KERNEL_EXPORT_NAMES` is exactly that list;
 * - the conv2d geometry block (`CONV2D_GEOMETRY_BLOCK`, src/conv2d-shape.ts): the `G_*`
 *   offsets of every assembly file that reads the block agree with the host's order.
 * The loader still checks the names against the instantiated module at run time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CONV2D_GEOMETRY_BLOCK } from './conv2d-shape.js';
import { KERNEL_EXPORT_NAMES } from './kernel-exports.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const assemblyDir = join(packageRoot, 'assembly');
const parse = (path: string) => ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);

interface Signature {
  params: { name: string; type: string }[];
  returns: string;
}

const AS_TYPES: Record<string, string> = {
  i32: 'number',
  u32: 'number',
  usize: 'number',
  isize: 'number',
  f32: 'number',
  f64: 'number',
  bool: 'number',
  void: 'void',
};

/** Every function assembly/index.ts re-exports, with its signature in JS types. */
function assemblyExports(): Map<string, Signature> {
  const out = new Map<string, Signature>();
  const index = parse(join(assemblyDir, 'index.ts'));
  for (const statement of index.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !statement.exportClause) continue;
    const from = (statement.moduleSpecifier as ts.StringLiteral).text;
    const file = parse(join(assemblyDir, `${from.replace('./', '')}.ts`));
    const wanted = new Set((statement.exportClause as ts.NamedExports).elements.map((e) => e.name.text));
    for (const s of file.statements) {
      if (ts.isFunctionDeclaration(s) && s.name && wanted.has(s.name.text)) {
        const jsType = (t: ts.TypeNode | undefined) => {
          const text = t?.getText(file) ?? 'void';
          return AS_TYPES[text] ?? `unknown AssemblyScript type ${text}`;
        };
        out.set(s.name.text, {
          params: s.parameters.map((p) => ({ name: p.name.getText(file), type: jsType(p.type) })),
          returns: jsType(s.type),
        });
        wanted.delete(s.name.text);
      }
    }
    // a name exported as a global (heap_base) rather than a function
    for (const name of wanted) {
      const global = file.statements.find(
        (s) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => d.name.getText(file) === name),
      );
      expect(global, `${name} in assembly/${from}.ts`).toBeDefined();
      out.set(name, { params: [], returns: 'global' });
    }
  }
  return out;
}

/** The methods of `interface KernelExports`, with their signatures. */
function hostExports(): Map<string, Signature> {
  const file = parse(join(packageRoot, 'src', 'kernel-exports.ts'));
  const iface = file.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'KernelExports');
  expect(iface).toBeDefined();
  const out = new Map<string, Signature>();
  for (const member of iface!.members) {
    if (!ts.isMethodSignature(member)) continue;
    out.set(member.name.getText(file), {
      params: member.parameters.map((p) => ({ name: p.name.getText(file), type: p.type?.getText(file) ?? 'any' })),
      returns: member.type?.getText(file) ?? 'any',
    });
  }
  return out;
}

describe('the host side agrees with assembly/', () => {
  it('KernelExports has every export of assembly/index.ts with the same parameters, and nothing else', () => {
    const wasm = assemblyExports();
    const host = hostExports();
    expect(wasm.size).toBeGreaterThan(30);
    expect([...host.keys()].sort()).toEqual([...wasm.keys()].sort());
    for (const [name, signature] of wasm) {
      const mine = host.get(name)!;
      if (signature.returns === 'global') {
        // a global is read through a getter function on the host side (heap_base())
        expect(mine.params, name).toEqual([]);
        continue;
      }
      expect(mine, name).toEqual(signature);
    }
  });

  it('KERNEL_EXPORT_NAMES lists exactly those exports', () => {
    expect([...KERNEL_EXPORT_NAMES].sort()).toEqual([...assemblyExports().keys()].sort());
  });

  it('the conv2d geometry block has the order every assembly file reads it in', () => {
    const files = readdirSync(assemblyDir).filter((f) => f.endsWith('.ts'));
    const offsets = new Map<string, { index: number; file: string }>();
    let readers = 0;
    for (const f of files) {
      const found = [...readFileSync(join(assemblyDir, f), 'utf8').matchAll(/\b(G_[A-Z_]+)\s*=\s*(\d+)/g)];
      if (found.length > 0) readers++;
      for (const [, name, index] of found) {
        const known = offsets.get(name);
        if (known) expect(Number(index), `${name} in ${f} and ${known.file}`).toBe(known.index);
        else offsets.set(name, { index: Number(index), file: f });
      }
    }
    expect(readers).toBeGreaterThanOrEqual(3);
    // the host's order, field by field, names the same offsets
    const byIndex = new Map([...offsets].map(([name, { index }]) => [index, name]));
    expect(byIndex.size).toBe(CONV2D_GEOMETRY_BLOCK.length);
    CONV2D_GEOMETRY_BLOCK.forEach(([field, constant], i) => {
      expect(byIndex.get(i), `block slot ${i} (${field})`).toBe(constant);
    });
  });
});

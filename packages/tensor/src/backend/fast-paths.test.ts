/**
 * The fast-path record: what each reference backend has, that a pair cannot be half there, and
 * that the list of names cannot fall behind the interface (FAST_PATH_KINDS `satisfies` a type
 * mapped over FastPaths: adding an entry to the interface without listing it fails to compile,
 * which this test demonstrates by compiling a copy of v1.ts with one more entry).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CpuBackend, f64Backend, jsBackend } from './cpu-backend.js';
import { jsFastPaths } from './cpu/js-fast-paths.js';
import { FAST_PATH_FUNCTIONS, FAST_PATH_KINDS, FAST_PATHS, type FastPath, type FastPaths, fastPathNames } from './v1.js';

describe('fast-path records', () => {
  it('the f64 reference has none, js has the JS family modules', () => {
    expect(fastPathNames(f64Backend().fastPaths)).toEqual([]);
    expect(fastPathNames(jsBackend().fastPaths)).toEqual([
      'spmm',
      'lstmCell',
      'lstmCellBackward',
      'lstmSequence',
      'lstmSequenceBackward',
      'adamStep',
    ]);
  });

  it('a composed record spreads the JS one and overrides entries', () => {
    const b = new CpuBackend({
      name: 'mine',
      storage: 'native',
      fastPaths: (store) => ({ ...jsFastPaths(store), spmm: undefined, adamStep: jsFastPaths(store).adamStep }),
    });
    expect(fastPathNames(b.fastPaths)).not.toContain('spmm');
    expect(fastPathNames(b.fastPaths)).toContain('adamStep');
  });

  it('lists every key of FastPaths once, pairs expanded for FAST_PATH_FUNCTIONS', () => {
    expectTypeOf<FastPath>().toEqualTypeOf<keyof FastPaths>();
    expect(new Set(FAST_PATHS).size).toBe(FAST_PATHS.length);
    expect(FAST_PATH_FUNCTIONS.length).toBe(FAST_PATHS.length + Object.values(FAST_PATH_KINDS).filter((k) => k === 'pair').length);
  });

  it('a half LSTM pair does not type-check', () => {
    // @ts-expect-error a pair entry needs both forward and backward
    const half: FastPaths = { lstmCell: { forward: jsBackend().fastPaths.lstmCell!.forward } };
    expect(half).toBeDefined();
  });

  it('the interface cannot gain a fast path that FAST_PATH_KINDS lacks (compiles a copy of v1.ts)', () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const source = readFileSync(join(here, 'v1.ts'), 'utf8');
    const marker = 'export interface FastPaths<H = Handle> {';
    expect(source).toContain(marker);
    const dir = mkdtempSync(join(tmpdir(), 'lec-fast-paths-'));
    try {
      writeFileSync(join(dir, 'dtype.ts'), readFileSync(join(here, '..', 'dtype.ts'), 'utf8'));
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      const compile = (text: string): string => {
        writeFileSync(join(dir, 'v1.ts'), text.replace("from '../dtype.js'", "from './dtype.js'"));
        try {
          execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', join(dir, 'v1.ts')], {
            encoding: 'utf8',
          });
          return '';
        } catch (e) {
          return String((e as { stdout?: string }).stdout ?? e);
        }
      };
      expect(compile(source)).toBe('');
      const grown = source.replace(marker, `${marker}\n  fusedEverything?(x: H): H;`);
      expect(compile(grown)).toMatch(/fusedEverything/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

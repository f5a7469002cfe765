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
import {
  FAST_PATH_FUNCTIONS,
  FAST_PATH_KINDS,
  FAST_PATHS,
  type FastPath,
  type FastPaths,
  fastPathMembers,
  fastPathNames,
  wrapFastPaths,
} from './v1.js';

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
      'sgdStep',
      'rmspropStep',
      'biasActivationBackward',
      'meanSquaredError',
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

  it('lists every key of FastPaths once, grouped entries expanded for FAST_PATH_FUNCTIONS', () => {
    expectTypeOf<FastPath>().toEqualTypeOf<keyof FastPaths>();
    expect(new Set(FAST_PATHS).size).toBe(FAST_PATHS.length);
    expect(new Set(FAST_PATH_FUNCTIONS).size).toBe(FAST_PATH_FUNCTIONS.length);
    const members = (k: (typeof FAST_PATH_KINDS)[FastPath]) => (k === 'function' ? 1 : Object.keys(k).length);
    expect(FAST_PATH_FUNCTIONS.length).toBe(Object.values(FAST_PATH_KINDS).reduce((n, k) => n + members(k), 0));
    expect(fastPathMembers('conv2d')).toEqual([
      ['forward', 'conv2d'],
      ['backwardInput', 'conv2dBackpropInput'],
      ['backwardFilter', 'conv2dBackpropFilter'],
    ]);
    expect(fastPathMembers('gemm')).toEqual([[null, 'gemm']]);
  });

  it('a half pair does not type-check (LSTM, pooling, conv)', () => {
    const js = jsBackend().fastPaths;
    const fn = () => 0 as unknown;
    // @ts-expect-error a pair entry needs both forward and backward
    const lstm: FastPaths = { lstmCell: { forward: js.lstmCell!.forward } };
    // @ts-expect-error maxPool2d needs its backward beside its forward
    const maxPool: FastPaths = { maxPool2d: { forward: fn } };
    // @ts-expect-error avgPool2d needs its forward beside its backward
    const avgPool: FastPaths = { avgPool2d: { backward: fn } };
    // @ts-expect-error conv2d needs both gradients beside its forward
    const conv: FastPaths = { conv2d: { forward: fn, backwardInput: fn } };
    // @ts-expect-error a gradient cannot be its own entry any more
    const loose: FastPaths = { conv2dBackpropInput: fn };
    const whole: FastPaths = { conv2d: { forward: fn, backwardInput: fn, backwardFilter: fn }, maxPool2d: { forward: fn, backward: fn } };
    expect(fastPathNames(whole)).toEqual(['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPool2d', 'maxPool2dBackward']);
    expect([lstm, maxPool, avgPool, conv, loose].every((r) => r !== undefined)).toBe(true);
  });

  it('wrapFastPaths wraps every member under its public name and leaves the record as it was', () => {
    const calls: string[] = [];
    const fn = (x: unknown) => x;
    const record: FastPaths = { conv2d: { forward: fn, backwardInput: fn, backwardFilter: fn }, gemm: fn as never };
    const wrapped = wrapFastPaths(record, (name, f) => (...args) => {
      calls.push(name);
      return f(...args);
    });
    wrapped.conv2d!.backwardFilter(1, 2, {} as never, 'float32');
    (wrapped.gemm as unknown as (x: number) => number)(3);
    expect(calls).toEqual(['conv2dBackpropFilter', 'gemm']);
    expect(record.conv2d!.backwardFilter).toBe(fn);
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

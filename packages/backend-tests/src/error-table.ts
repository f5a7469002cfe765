/**
 * The error-inputs table of a layer package (nn, cnn, rnn, ...): for every function and class
 * the package exports, the bad inputs and the typed error each must give (PyTorch OpInfo
 * error_inputs style), run on each backend given; exports with no bad input say why. The
 * suite fails when an export is in neither list, so a new export needs an entry. (Leaks are
 * checked op by op in the conformance suite; a layer case may build parameters before it fails.)
 */
import { type BackendV1, LecError, tidy, withBackend } from '@lec/tensor';
import { describe, it } from 'vitest';
import type { ErrorClass } from './op-table/types.js';

/** One bad input of an export: calling `fn` must throw `error`, a message starting `op:` and naming `arg`. */
export interface ExportErrorCase {
  name: string;
  fn: () => unknown;
  error: ErrorClass;
  /** The op the message starts with (the export's name unless given, e.g. `Dense.forward`). */
  op?: string;
  /** The argument or field the message must name in quotes, where there is one. */
  arg?: string;
  /** `fn` returns a promise that must reject (run on the default backend: withBackend is synchronous). */
  async?: boolean;
}

export interface ErrorTableOptions {
  /** The package, for test titles. */
  packageName: string;
  /** The package's exports (`import * as pkg from '...'`). */
  exports: Record<string, unknown>;
  cases: Readonly<Record<string, readonly ExportErrorCase[]>>;
  /** Exports that refuse nothing (error classes, predicates, abstract bases), with the reason. */
  noBadInput: Readonly<Record<string, string>>;
  /** The backends to run every case on. */
  backends: Readonly<Record<string, () => BackendV1>>;
}

/** Registers the error-inputs table of one package. Call it at the top level of a test file. */
export function runErrorTable(options: ErrorTableOptions): void {
  const functions = Object.entries(options.exports)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k);
  describe(`error inputs of ${options.packageName}`, () => {
    it('every exported function and class has error cases or a reason it has none', () => {
      const missing = functions.filter((name) => !(name in options.cases) && !(name in options.noBadInput));
      if (missing.length > 0) throw new Error(`no error inputs for: ${missing.join(', ')} (add cases, or a reason to noBadInput)`);
      const stale = [...Object.keys(options.cases), ...Object.keys(options.noBadInput)].filter((name) => !functions.includes(name));
      if (stale.length > 0) throw new Error(`listed but not exported: ${stale.join(', ')}`);
      const empty = Object.entries(options.cases).filter(([, list]) => list.length === 0);
      if (empty.length > 0) throw new Error(`empty case lists: ${empty.map(([k]) => k).join(', ')}`);
    });
    for (const [backendName, makeBackend] of Object.entries(options.backends)) {
      describe(backendName, () => {
        for (const [name, list] of Object.entries(options.cases)) {
          for (const kase of list) {
            const op = kase.op ?? name;
            it(`${name}: ${kase.name} → ${kase.error.name}`, async () => {
              let thrown: unknown;
              try {
                if (kase.async) await kase.fn();
                else withBackend(makeBackend(), () => tidy(() => kase.fn()));
              } catch (e) {
                thrown = e;
              }
              if (thrown === undefined) throw new Error(`${name} (${kase.name}): expected a ${kase.error.name}, nothing was thrown`);
              const message = (thrown as Error)?.message ?? String(thrown);
              if (!(thrown instanceof kase.error) || !(thrown instanceof LecError))
                throw new Error(
                  `${name} (${kase.name}): expected a ${kase.error.name} (a LecError), got ${(thrown as Error)?.name}: ${message}`,
                );
              if (!message.startsWith(`${op}:`))
                throw new Error(`${name} (${kase.name}): the message should start with '${op}:', got: ${message}`);
              if (kase.arg !== undefined && !message.includes(`'${kase.arg}'`))
                throw new Error(`${name} (${kase.name}): the message should name '${kase.arg}', got: ${message}`);
            });
          }
        }
      });
    }
  });
}

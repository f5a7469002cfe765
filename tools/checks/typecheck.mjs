#!/usr/bin/env node
// Type-check: `turbo run typecheck` (each package's `tsc -b`, after building what it depends
// on), errors only. Fails when any package does not type-check.
//
//   node tools/checks/typecheck.mjs [--root DIR]
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argValue, repoRoot, runCommand } from './lib/workspace.mjs';

/** The turbo of this repository (also used for fixture workspaces in tests). */
export const turboBin = join(repoRoot, 'node_modules', '.bin', 'turbo');

/** Runs the type-check under `root`: the exit status, or `{ status, output }` with `capture`. */
export function runTypecheck(root, options = {}) {
  return runCommand(turboBin, ['run', 'typecheck', '--continue', '--output-logs=errors-only', '--log-order=grouped'], root, options);
}

export function main(argv = process.argv.slice(2)) {
  const root = resolve(argValue(argv, 'root') ?? repoRoot);
  const status = runTypecheck(root);
  if (status === 0) console.log('typecheck: ok (every package type-checks with tsc -b)');
  else console.log('typecheck: failed; the errors are above (reproduce one package with: pnpm --filter <name> typecheck)');
  return status;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main());
}

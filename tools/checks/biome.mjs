#!/usr/bin/env node
// Lint and format: `biome check` over the repository with the root biome.json (recommended
// rules, single quotes, width 140; dist, build, generated wasm modules, AssemblyScript and
// markdown are ignored). Fails on lint errors and unformatted files; warnings are shown only.
// Fix with `pnpm format` (formatting) or `pnpm lint --write` (safe lint fixes).
//
//   node tools/checks/biome.mjs [--root DIR] [paths...]
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argValue, repoRoot, runCommand } from './lib/workspace.mjs';

/** The Biome launcher of this repository. */
export const biomeBin = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');

/** Runs `biome check` in `root` on `paths`: the exit status, or `{ status, output }` with `capture`. */
export function runBiome(root, paths = ['.'], options = {}) {
  return runCommand(process.execPath, [biomeBin, 'check', '--max-diagnostics=50', ...paths], root, options);
}

export function main(argv = process.argv.slice(2)) {
  const root = resolve(argValue(argv, 'root') ?? repoRoot);
  const paths = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--root');
  const status = runBiome(root, paths.length > 0 ? paths : ['.']);
  if (status === 0) console.log('biome: ok (lint and format)');
  else console.log('biome: failed; fix formatting with `pnpm format`, lint with `pnpm lint --write` or by hand');
  return status;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main());
}

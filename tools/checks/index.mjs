#!/usr/bin/env node
// `pnpm check`: every repository check, in order, each run even when an earlier one fails.
// The cheap ones come first. CI (.ci/run) runs this before `pnpm test`.
//
//   node tools/checks/index.mjs [--only changesets,boundaries,line-budget,biome,typecheck] [--since main]
import { argValue } from './lib/workspace.mjs';

const CHECKS = {
  changesets: () => import('./changesets.mjs'),
  boundaries: () => import('./boundaries.mjs'),
  'line-budget': () => import('./line-budget.mjs'),
  biome: () => import('./biome.mjs'),
  typecheck: () => import('./typecheck.mjs'),
};

const argv = process.argv.slice(2);
const only = argValue(argv, 'only')?.split(',') ?? Object.keys(CHECKS);
const unknown = only.filter((name) => !(name in CHECKS));
if (unknown.length > 0) {
  console.error(`unknown check ${unknown.join(', ')}; the checks are ${Object.keys(CHECKS).join(', ')}`);
  process.exit(2);
}
const since = argValue(argv, 'since');
const failed = [];
for (const name of only) {
  console.log(`\n── check: ${name}`);
  const check = await CHECKS[name]();
  const status = check.main(since ? ['--since', since] : []);
  if (status !== 0) failed.push(name);
}
console.log(
  failed.length === 0 ? `\nall ${only.length} checks passed` : `\n${failed.length} of ${only.length} checks failed: ${failed.join(', ')}`,
);
process.exit(failed.length === 0 ? 0 : 1);

#!/usr/bin/env node
// The project's test command (`pnpm test`): builds every package (tests resolve @lec/* through
// their built `exports`), runs every vitest project once, and prints the closing line
// `N passed, N failed` that CI reads. Exits non-zero on any failure or when no test ran.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// the datasets beside the checkout (../shared/datasets) when present; tests that need them skip otherwise
const defaultData = join(root, '..', 'shared', 'datasets');
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
if (!env.LEC_DATA_DIR && existsSync(defaultData)) env.LEC_DATA_DIR = defaultData;
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });

const build = run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
if (build.status !== 0) {
  console.log('0 passed, 1 failed (the build failed)');
  process.exit(1);
}

const report = join(root, '.vitest-results.json');
rmSync(report, { force: true });
const extra = process.argv.slice(2);
const vitest = run('pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} else {
  failed = 1;
}
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

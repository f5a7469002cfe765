#!/usr/bin/env node
// `prepack` of every public package (`"prepack": "node ../../tools/release/prepack.mjs"`): builds
// the package (`pnpm run build`), then refuses to pack it when dist/ is missing, incomplete or
// older than src/, or when `exports` names a file that does not exist (lib/dist-check.mjs).
// `pnpm pack`, `pnpm publish` and `changeset publish` all run it, so nothing ships a stale dist/.
// LEC_PREPACK_SKIP_BUILD=1 checks without building (the rehearsal builds everything first with
// turbo; the tests use it to show the refusal).
import { spawnSync } from 'node:child_process';
import { distProblems } from './lib/dist-check.mjs';

const dir = process.cwd();
if (process.env.LEC_PREPACK_SKIP_BUILD !== '1') {
  const build = spawnSync('pnpm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error(`prepack: the build failed (exit ${build.status}): not packing ${dir}`);
    process.exit(1);
  }
}
const problems = distProblems(dir);
if (problems.length) {
  console.error(`prepack: refusing to pack:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}

#!/usr/bin/env node
// `pnpm docs:build`: assets (scripts/prepare-assets.mjs), the VitePress site, then the TypeDoc
// API reference as HTML into dist/api/. Needs the @lec/* packages built (the root script
// `pnpm docs:build` builds them first with turbo).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { distDir, docsRoot } from './paths.mjs';

function step(name, command, args) {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd: docsRoot, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`docs build: ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.log(`docs build: ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const bin = (name) => join(docsRoot, 'node_modules', '.bin', name);
step('assets', process.execPath, [join(docsRoot, 'scripts', 'prepare-assets.mjs')]);
step('vitepress', bin('vitepress'), ['build', 'docs']);
// LEC_DOCS_SKIP_API=1 skips TypeDoc (a minute on two cores) while working on the guides.
if (process.env.LEC_DOCS_SKIP_API === '1') console.log('docs build: TypeDoc skipped (LEC_DOCS_SKIP_API=1)');
else step('typedoc', bin('typedoc'), ['--options', 'typedoc.json', '--out', join(distDir, 'api')]);
console.log(`docs build: the site is in ${distDir}`);

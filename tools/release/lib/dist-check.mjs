// Whether a package's build output is there and current, before it is packed: every source file
// (src/**/*.ts without tests and declarations) has its dist/ .js and .d.ts, the build stamp
// (dist/.tsbuildinfo, which `tsc -b` rewrites on every build that looked at the sources) is newer
// than every source, and every file target of `exports` exists. Used by `prepack` (prepack.mjs)
// in every public package, so `pnpm pack` / `pnpm publish` / `changeset publish` refuse a stale
// or half-built package.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

const isSource = (path) => /\.(ts|mts|cts|tsx)$/.test(path) && !/\.d\.[cm]?ts$/.test(path) && !/\.(test|spec|bench)\.[cm]?tsx?$/.test(path);

function walk(dir, prefix = '') {
  if (!existsSync(join(dir, prefix))) return [];
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const path = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, path) : [path];
  });
}

function targets(value) {
  if (typeof value === 'string') return value.includes('*') ? [] : [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}

/**
 * Checks a package folder (in the repository, before packing).
 * @param {string} dir the package folder (with package.json, src/, dist/)
 * @returns {string[]} problems; empty when the build output is complete and current
 */
export function distProblems(dir) {
  const problems = [];
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const sources = walk(join(dir, 'src')).filter(isSource);
  if (!existsSync(join(dir, 'dist'))) return [`${pkg.name}: dist/ is missing: build it first (pnpm --filter ${pkg.name} build)`];
  const missing = [];
  for (const source of sources) {
    const base = source.replace(/\.(m|c)?tsx?$/, '');
    const ext = /\.mts$/.test(source) ? 'mjs' : /\.cts$/.test(source) ? 'cjs' : 'js';
    for (const out of [`dist/${base}.${ext}`, `dist/${base}.d.${ext.replace('js', 'ts')}`]) {
      if (!existsSync(join(dir, out))) missing.push(out);
    }
  }
  if (missing.length) {
    problems.push(
      `${pkg.name}: dist/ lacks ${missing.length} build output(s) of src/: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''} (tsc -b does not rewrite a deleted output while dist/.tsbuildinfo says the build is current: delete dist/ and build again)`,
    );
  }
  const stamp = join(dir, 'dist', '.tsbuildinfo');
  if (!existsSync(stamp)) problems.push(`${pkg.name}: dist/.tsbuildinfo is missing: dist/ was not made by \`tsc -b\``);
  else {
    const built = statSync(stamp).mtimeMs;
    const newer = sources.filter((s) => statSync(join(dir, 'src', s)).mtimeMs > built);
    if (newer.length) {
      problems.push(
        `${pkg.name}: dist/ is older than src/ (changed since the last build: ${newer
          .slice(0, 3)
          .map((s) => `src/${s}`)
          .join(', ')})`,
      );
    }
  }
  const absent = targets(pkg.exports ?? {}).filter((t) => !existsSync(join(dir, posix.normalize(t))));
  if (absent.length) problems.push(`${pkg.name}: exports point to files that do not exist: ${absent.join(', ')}`);
  return problems;
}

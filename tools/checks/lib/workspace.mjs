// Reading the workspace: the repository root, the packages pnpm-workspace.yaml lists, and
// running a command with its output shown. Shared by every check under tools/checks/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (two levels above this file). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A path relative to `root`, always with forward slashes (what git prints). */
export function toPosix(root, path) {
  return relative(root, path).split(sep).join('/');
}

/** The `packages:` globs of pnpm-workspace.yaml (only `dir/*` and plain paths are used here). */
export function workspaceGlobs(root) {
  const file = join(root, 'pnpm-workspace.yaml');
  if (!existsSync(file)) return ['packages/*'];
  const globs = [];
  let inPackages = false;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (/^packages:\s*$/.test(line)) inPackages = true;
    else if (/^\S/.test(line)) inPackages = false;
    else if (inPackages) {
      const m = /^\s+-\s+['"]?([^'"#]+?)['"]?\s*$/.exec(line);
      if (m) globs.push(m[1]);
    }
  }
  return globs;
}

/**
 * Every workspace package: `{ name, dir (relative, posix), path (absolute), json }`, sorted by
 * dir. `dir/*` globs are expanded one level; a folder without package.json is skipped.
 */
export function listPackages(root) {
  const dirs = [];
  for (const glob of workspaceGlobs(root)) {
    if (glob.startsWith('!')) continue;
    if (glob.endsWith('/*')) {
      const parent = join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name));
      }
    } else dirs.push(join(root, glob));
  }
  const packages = [];
  for (const path of dirs) {
    const file = join(path, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    packages.push({ name: json.name, dir: toPosix(root, path), path, json });
  }
  return packages.sort((a, b) => a.dir.localeCompare(b.dir));
}

/**
 * Runs a command in `cwd`. By default its output goes to ours and the exit status is returned
 * (1 if it could not start); with `capture` the result is `{ status, output }` instead.
 */
export function runCommand(command, args, cwd, { capture = false } = {}) {
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' };
  const result = spawnSync(command, args, { cwd, env, stdio: capture ? 'pipe' : 'inherit', encoding: 'utf8' });
  const status = result.error ? 1 : (result.status ?? 1);
  if (result.error) console.error(`could not run ${command}: ${result.error.message}`);
  return capture ? { status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` } : status;
}

/** `--name value` / `--name=value` from argv, or undefined. */
export function argValue(argv, name) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

#!/usr/bin/env node
// Changeset check: a change to a published package needs a changeset naming that package.
//
// Semantics follow `changeset status --since=main`: the files changed since the merge base
// with main (committed, uncommitted and untracked) are mapped to packages, and the changesets
// added in that range must cover them. Stricter in two ways: only published files count
// (src/ without tests, assembly/, package.json; private and ignored packages never do), and
// each such package must be named in a changeset, unless an empty changeset
// (`pnpm changeset --empty`) says the change needs no release. On main itself there is
// nothing to compare, and the check passes.
//
//   node tools/checks/changesets.mjs [--since main] [--root DIR]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTestFile } from './boundaries.mjs';
import { argValue, listPackages, repoRoot } from './lib/workspace.mjs';

export const RELEASE_TYPES = ['major', 'minor', 'patch', 'none'];

/** How to add a changeset: printed whenever one is missing. */
export const HOW_TO = [
  'Add a changeset describing the change for the release notes:',
  '  pnpm changeset            # pick the package(s), the semver level (patch/minor/major), write a summary',
  '  git add .changeset/*.md   # commit the new file with your change',
  'A change that needs no release (refactor of internals, comments): pnpm changeset --empty',
  'Which level: CONTRIBUTING.md, "Changesets and versions".',
].join('\n');

/**
 * Whether a changed file is part of what a package publishes: src/ (tests excluded),
 * assembly/ (compiled into the shipped wasm) and package.json.
 * @param {string} pathInPackage path relative to the package folder, forward slashes
 */
export function isPublishedFile(pathInPackage) {
  if (pathInPackage === 'package.json') return true;
  if (!/^(src|assembly)\//.test(pathInPackage)) return false;
  return !isTestFile(pathInPackage) && !/(^|\/)(test|tests|__fixtures__)\//.test(pathInPackage);
}

/** Parses a changeset file: `{ releases: [{ name, type }], summary }`, or throws with the reason. */
export function parseChangeset(text) {
  const m = /^---\r?\n([\s\S]*?)\r?\n?---\r?\n?([\s\S]*)$/.exec(text.trimStart());
  if (!m) throw new Error('has no front matter (a block between two --- lines)');
  const releases = [];
  for (const raw of m[1].split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const r = /^(['"]?)(@?[^'":\s]+)\1\s*:\s*(\S+)$/.exec(line);
    if (!r) throw new Error(`has a front-matter line that is not \`"package": level\`: ${line}`);
    if (!RELEASE_TYPES.includes(r[3])) throw new Error(`gives ${r[2]} the level '${r[3]}'; expected one of ${RELEASE_TYPES.join(', ')}`);
    releases.push({ name: r[2], type: r[3] });
  }
  return { releases, summary: m[2].trim() };
}

/** True for a changeset file: .changeset/*.md other than its README. */
export function isChangesetFile(path) {
  return /^\.changeset\/[^/]+\.md$/.test(path) && path !== '.changeset/README.md';
}

/**
 * The core of the check, pure.
 * @param {object} input
 * @param {string[]} input.changedFiles repo-relative paths changed since the base
 * @param {{ file: string, text: string }[]} input.changesets changeset files added since the base
 * @param {{ name: string, dir: string, private?: boolean }[]} input.packages workspace packages
 * @param {string[]} [input.ignore] package names changesets ignores (.changeset/config.json)
 * @returns {{ ok: boolean, changed: string[], missing: string[], errors: string[], empty: boolean }}
 *   changed: published packages with changed files; missing: those no changeset names;
 *   errors: malformed changesets or ones naming unknown/private packages.
 */
export function findMissingChangesets({ changedFiles, changesets, packages, ignore = [] }) {
  const published = packages.filter((p) => !p.private && !ignore.includes(p.name));
  const changed = new Set();
  for (const file of changedFiles) {
    const pkg = published.find((p) => file.startsWith(`${p.dir}/`));
    if (pkg && isPublishedFile(file.slice(pkg.dir.length + 1))) changed.add(pkg.name);
  }
  const named = new Set();
  const errors = [];
  let empty = false;
  for (const { file, text } of changesets) {
    let parsed;
    try {
      parsed = parseChangeset(text);
    } catch (e) {
      errors.push(`${file} ${e.message}`);
      continue;
    }
    if (parsed.releases.length === 0) empty = true;
    for (const { name } of parsed.releases) {
      if (!published.some((p) => p.name === name)) {
        const known = packages.some((p) => p.name === name);
        errors.push(
          `${file} names ${name}, which is ${known ? 'private or ignored by changesets (never released)' : 'not a package of this workspace'}`,
        );
      }
      named.add(name);
    }
  }
  const missing = empty ? [] : [...changed].filter((name) => !named.has(name)).sort();
  return { ok: missing.length === 0 && errors.length === 0, changed: [...changed].sort(), missing, errors, empty };
}

function git(root, args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
}

/** Resolves the base ref: the local branch, else its origin/ counterpart. */
function resolveBase(root, since) {
  for (const ref of [since, `origin/${since}`]) {
    if (git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).ok) return ref;
  }
  return null;
}

/**
 * Gathers the inputs from git and runs the check. Returns `{ status, lines }` (lines to print).
 * @param {string} root repository root
 * @param {string} since the base branch (main)
 */
export function runChangesetCheck(root, since = 'main') {
  const branch = git(root, ['rev-parse', '--abbrev-ref', 'HEAD']).out;
  if (branch === since)
    return { status: 0, lines: [`changesets: ok (on ${since}: nothing to compare; changesets are checked on branches)`] };
  const base = resolveBase(root, since);
  if (!base) {
    return {
      status: 1,
      lines: [
        `changesets: no '${since}' branch to compare with; create it with: git fetch origin ${since}:${since} (changeset status needs a local ${since} too)`,
      ],
    };
  }
  const mergeBase = git(root, ['merge-base', base, 'HEAD']);
  if (!mergeBase.ok) return { status: 1, lines: [`changesets: no common ancestor of HEAD and ${base}: ${mergeBase.err}`] };
  const head = git(root, ['rev-parse', 'HEAD']).out;
  const changedFiles = [
    ...git(root, ['diff', '--name-only', '--no-renames', mergeBase.out]).out.split('\n'),
    ...git(root, ['ls-files', '--others', '--exclude-standard']).out.split('\n'),
  ].filter(Boolean);
  if (changedFiles.length === 0 && head === mergeBase.out) {
    return { status: 0, lines: [`changesets: ok (HEAD is ${base}: nothing to compare)`] };
  }
  const changesets = changedFiles
    .filter(isChangesetFile)
    .filter((file) => existsSync(join(root, file)))
    .map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
  const packages = listPackages(root).map((p) => ({ name: p.name, dir: p.dir, private: p.json.private === true }));
  const configFile = join(root, '.changeset', 'config.json');
  const ignore = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')).ignore ?? []) : [];
  const result = findMissingChangesets({ changedFiles, changesets, packages, ignore });
  const lines = [];
  if (result.ok) {
    const what =
      result.changed.length === 0
        ? 'no published package changed'
        : result.empty
          ? 'an empty changeset marks this change as needing no release'
          : `changesets cover ${result.changed.join(', ')}`;
    lines.push(`changesets: ok since ${base} (${what})`);
    return { status: 0, lines };
  }
  if (result.missing.length > 0) {
    lines.push(
      `changesets: ${result.missing.join(', ')} changed since ${base} (published files: src/, assembly/, package.json) but no changeset names ${result.missing.length === 1 ? 'it' : 'them'}.`,
    );
    lines.push(HOW_TO);
  }
  for (const e of result.errors) lines.push(`changesets: ${e}`);
  return { status: 1, lines };
}

export function main(argv = process.argv.slice(2)) {
  const root = resolve(argValue(argv, 'root') ?? repoRoot);
  const { status, lines } = runChangesetCheck(root, argValue(argv, 'since') ?? 'main');
  for (const line of lines) console.log(line);
  return status;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main());
}

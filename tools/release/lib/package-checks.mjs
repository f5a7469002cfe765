// The checks pack-check runs on one packed package: what its tarball holds (no tests, no build
// leftovers, sources only where source maps need them, a README with an example, a LICENSE)
// and its package.json metadata. Pure functions over a file list, so tests can run them on
// fixture folders.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Test files and folders (vitest, node:test and fixture conventions). */
export function isTestFile(path) {
  return (
    /\.(test|spec|bench)\.[cm]?[jt]sx?(\.map)?$/.test(path) ||
    /\.(test|spec)\.d\.[cm]?ts(\.map)?$/.test(path) ||
    /(^|\/)(test|tests|__tests__|__fixtures__|fixtures)\//.test(path)
  );
}

/** Files that only the build or the test runner needs. */
export function isBuildLeftover(path) {
  return (
    /(^|\/)[^/]*\.tsbuildinfo$/.test(path) ||
    /(^|\/)(tsconfig[^/]*\.json|vitest\.config\.[cm]?[jt]s|vite\.config\.[cm]?[jt]s|turbo\.json|biome\.json)$/.test(path) ||
    /(^|\/)(node_modules|\.turbo|coverage)\//.test(path)
  );
}

/** TypeScript sources (not declarations). */
export function isTypeScriptSource(path) {
  return /\.(ts|tsx|mts|cts)$/.test(path) && !/\.d\.[cm]?ts$/.test(path);
}

/** Every file under `dir`, as forward-slash paths relative to it, sorted. */
export function listFiles(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(dir, path) : [path];
    })
    .sort();
}

/** Total bytes of `files` under `dir`. */
export function totalBytes(dir, files) {
  return files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** The file targets of an `exports` value (conditions and subpaths flattened; patterns with `*` left out). */
export function exportTargets(exportsField) {
  if (typeof exportsField === 'string') return exportsField.includes('*') ? [] : [exportsField];
  if (Array.isArray(exportsField)) return exportsField.flatMap(exportTargets);
  if (exportsField && typeof exportsField === 'object') return Object.values(exportsField).flatMap(exportTargets);
  return [];
}

const first = (items, n = 3) => `${items.slice(0, n).join(', ')}${items.length > n ? `, … (${items.length} files)` : ''}`;

/**
 * Checks one package as it would be published.
 * @param {object} options
 * @param {string} options.dir the unpacked package (the tarball's `package/` folder)
 * @param {string} [options.directory] where it lives in the repository (`packages/cnn`), for the repository check
 * @param {Record<string, unknown>} [options.sourcePackageJson] the package.json in the repository (before pnpm rewrote it)
 * @returns {{ problems: string[], notes: string[] }} problems fail the check; notes are informational
 */
export function checkPackage({ dir, directory, sourcePackageJson }) {
  const files = listFiles(dir);
  const has = new Set(files);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const problems = [];
  const notes = [];

  // what the tarball holds
  const tests = files.filter(isTestFile);
  if (tests.length) problems.push(`ships tests: ${first(tests)}`);
  const leftovers = files.filter(isBuildLeftover);
  if (leftovers.length) problems.push(`ships build leftovers: ${first(leftovers)}`);

  // source maps and sources: sources ship only so that the maps resolve, and maps must resolve
  const referenced = new Set();
  const missing = new Set();
  for (const map of files.filter((f) => f.endsWith('.map'))) {
    let parsed;
    try {
      parsed = JSON.parse(readFileSync(join(dir, map), 'utf8'));
    } catch {
      problems.push(`source map ${map} is not JSON`);
      continue;
    }
    (parsed.sources ?? []).forEach((source, i) => {
      const target = posix.normalize(posix.join(posix.dirname(map), parsed.sourceRoot ?? '', source));
      referenced.add(target);
      if (!has.has(target) && typeof parsed.sourcesContent?.[i] !== 'string') missing.add(target);
    });
  }
  if (missing.size) {
    problems.push(
      `source maps point to ${missing.size} files the package does not ship (${first([...missing])}): ship them ("files": ["src", "!src/**/*.test.*"]) or stop shipping maps`,
    );
  }
  const sources = files.filter(isTypeScriptSource);
  const unreferenced = sources.filter((f) => !referenced.has(f));
  if (unreferenced.length) problems.push(`ships TypeScript sources that no source map refers to: ${first(unreferenced)}`);
  else if (sources.length) notes.push(`ships ${sources.length} .ts sources for its source maps`);

  // README with an example, LICENSE
  const readme = files.find((f) => /^readme(\.md)?$/i.test(f));
  if (!readme) problems.push('no README.md');
  else {
    const text = readFileSync(join(dir, readme), 'utf8');
    const quoted = pkg.name.replace(/[/.]/g, '\\$&');
    const example = new RegExp(`\`\`\`[a-z]*\\n[\\s\\S]*?(from |import\\()['"]${quoted}(/[^'"]*)?['"][\\s\\S]*?\`\`\``);
    if (!example.test(text)) problems.push(`README.md has no code example that imports '${pkg.name}'`);
  }
  if (!files.some((f) => /^licen[cs]e(\.md|\.txt)?$/i.test(f))) problems.push('no LICENSE file');
  if (pkg.license !== 'MIT') problems.push(`license is ${JSON.stringify(pkg.license)}, expected "MIT"`);

  // package.json metadata
  if (pkg.type !== 'module') problems.push(`"type" is ${JSON.stringify(pkg.type)}, expected "module"`);
  if (!Array.isArray(pkg.files)) problems.push('no "files" list');
  if (pkg.sideEffects === undefined) problems.push('no "sideEffects" (false unless importing it has effects)');
  if (typeof pkg.engines?.node !== 'string') problems.push('no "engines.node"');
  if (!pkg.exports || typeof pkg.exports !== 'object') problems.push('no "exports" map');
  else {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const jsTarget = exportTargets(target).some((t) => /\.[cm]?js$/.test(t));
      if (jsTarget && (typeof target !== 'object' || Object.keys(target)[0] !== 'types')) {
        problems.push(`exports["${subpath}"] has no "types" condition first`);
      }
    }
    const absent = exportTargets(pkg.exports).filter((t) => !has.has(posix.normalize(t)));
    if (absent.length) problems.push(`exports point to files not in the package: ${first(absent)}`);
  }
  const repo = pkg.repository;
  if (!repo || typeof repo !== 'object' || repo.type !== 'git' || typeof repo.url !== 'string') {
    problems.push('no "repository" {type: "git", url, directory}');
  } else if (directory && repo.directory !== directory) {
    problems.push(`repository.directory is ${JSON.stringify(repo.directory)}, expected "${directory}"`);
  }
  for (const hook of ['preinstall', 'install', 'postinstall']) {
    if (pkg.scripts?.[hook]) problems.push(`has an install script "${hook}": users' installs would run it`);
  }

  // workspace: ranges are rewritten to versions by pnpm pack
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${dep} is still "${range}" in the tarball`);
      const before = sourcePackageJson?.[field]?.[dep];
      if (field === 'dependencies' && typeof before === 'string' && before.startsWith('workspace:')) {
        notes.push(`${dep}: ${before} → ${range}`);
      }
    }
  }
  return { problems, notes, files, packageJson: pkg };
}

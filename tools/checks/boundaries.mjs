#!/usr/bin/env node
// Package boundaries (DESIGN.md, "Layers"): a model package never imports a backend, a backend
// never imports a model package, and @lec/tensor has no runtime dependency at all. Also: no
// published code needs the test-only @lec/backend-tests, and no relative import leaves its
// package.
//
// Scans every workspace package's published source (src/, test files excluded) with
// TypeScript's import pre-processor (static, type-only and dynamic imports, re-exports,
// require) and the runtime dependency fields of its package.json. Tests and devDependencies
// may use any package: a model's test may run it on the wasm backend.
//
//   node tools/checks/boundaries.mjs [--root DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { argValue, listPackages, repoRoot, toPosix } from './lib/workspace.mjs';

/** The core package: no runtime dependencies, only relative imports in src/. */
export const CORE_PACKAGE = '@lec/tensor';
/**
 * Model packages (layer 2 and up), and @lec/linalg, the float64 maths pca and gcn share, which
 * obeys the same rule. A package can also declare `"lec": { "kind": "model" }`.
 */
export const MODEL_PACKAGES = ['@lec/nn', '@lec/linalg', '@lec/cnn', '@lec/rnn', '@lec/gcn', '@lec/autoencoder', '@lec/pca'];
/**
 * Packages above the models (DESIGN.md: `@lec/interop` converts models to and from other
 * tools): like a model package they never import a backend, and no model package imports them.
 * A package can also declare `"lec": { "kind": "converter" }`.
 */
export const CONVERTER_PACKAGES = ['@lec/interop'];
/**
 * Data packages (DESIGN.md: `@lec/datasets`, above @lec/tensor and below the models): they may
 * import @lec/tensor and @lec/nn, never a model, a converter or a backend. A package can also
 * declare `"lec": { "kind": "data" }`.
 */
export const DATA_PACKAGES = ['@lec/datasets'];
/** Backend packages of this repository. A package can also declare `"lec": { "kind": "backend" }`. */
export const BACKEND_PACKAGES = ['@lec/kernels-wasm', '@lec/backend-tfjs'];
/**
 * The umbrella package (DESIGN.md: it sits at the top, under the apps): it re-exports the model
 * packages and picks a backend, so it may import both; nothing published may import it.
 * A package can also declare `"lec": { "kind": "umbrella" }`.
 */
export const UMBRELLA_PACKAGES = ['lec'];
/** Third-party compute engines only a backend may wrap. */
export const EXTERNAL_BACKEND_PATTERNS = [/^@tensorflow\//, /^onnxruntime-/];

/** Test-only packages: published code may not depend on them (they pull in vitest). */
export const TEST_ONLY_PACKAGES = ['@lec/backend-tests'];

/** Runtime dependency fields of package.json (devDependencies are not shipped). */
export const RUNTIME_DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'bundleDependencies',
  'bundledDependencies',
];

const SOURCE_EXTENSIONS = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/** 'core' | 'data' | 'model' | 'converter' | 'backend' | 'other', from `"lec": { "kind" }` or the lists above. */
export function packageKind(json) {
  const declared = json?.lec?.kind;
  if (
    declared === 'model' ||
    declared === 'backend' ||
    declared === 'core' ||
    declared === 'converter' ||
    declared === 'data' ||
    declared === 'umbrella'
  )
    return declared;
  if (json?.name === CORE_PACKAGE) return 'core';
  if (UMBRELLA_PACKAGES.includes(json?.name)) return 'umbrella';
  if (CONVERTER_PACKAGES.includes(json?.name)) return 'converter';
  if (DATA_PACKAGES.includes(json?.name)) return 'data';
  if (MODEL_PACKAGES.includes(json?.name)) return 'model';
  if (BACKEND_PACKAGES.includes(json?.name)) return 'backend';
  return 'other';
}

/** True for files that only tests load: *.test.*, *.spec.*, anything under __tests__/. */
export function isTestFile(path) {
  return /\.(test|spec)\.[cm]?[jt]sx?$/.test(path) || /(^|\/)__tests__\//.test(path);
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every module specifier a source file imports, with its 1-based line. */
export function scanImports(text) {
  const info = ts.preProcessFile(text, true, true);
  const lineOf = (pos) => text.slice(0, pos).split('\n').length;
  return info.importedFiles.map((ref) => ({ specifier: ref.fileName, line: lineOf(ref.pos) }));
}

/**
 * The kind a dependency or import target has, given the workspace's own kinds by name.
 * @param {string} name a package name
 * @param {Map<string, string>} kinds workspace package name → kind
 */
export function targetKind(name, kinds) {
  if (kinds.has(name)) return kinds.get(name);
  if (MODEL_PACKAGES.includes(name)) return 'model';
  if (CONVERTER_PACKAGES.includes(name)) return 'converter';
  if (DATA_PACKAGES.includes(name)) return 'data';
  if (UMBRELLA_PACKAGES.includes(name)) return 'umbrella';
  if (BACKEND_PACKAGES.includes(name) || EXTERNAL_BACKEND_PATTERNS.some((p) => p.test(name))) return 'backend';
  return 'other';
}

const UMBRELLA_WHY = 'the umbrella package lec sits at the top (it re-exports everything): only apps may import it';
const RULES = {
  model: {
    forbidden: ['backend', 'converter', 'umbrella'],
    why: {
      backend: 'a model package never imports a backend: take tensors on whatever backend the caller set (setBackend / withBackend)',
      converter: 'a converter (@lec/interop) sits above the models: arrows only point down',
      umbrella: UMBRELLA_WHY,
    },
  },
  converter: {
    forbidden: ['backend', 'umbrella'],
    why: {
      backend:
        'a converter (@lec/interop) sits above the models and, like them, never imports a backend: engines such as onnxruntime belong in its tests',
      umbrella: UMBRELLA_WHY,
    },
  },
  data: {
    forbidden: ['model', 'converter', 'backend', 'umbrella'],
    why: {
      model: 'a data package (@lec/datasets) sits below the models: arrows only point down',
      converter: 'a data package (@lec/datasets) sits below the models and converters: arrows only point down',
      backend: 'a data package never imports a backend: it parses files into arrays and @lec/tensor tensors',
      umbrella: UMBRELLA_WHY,
    },
  },
  backend: {
    forbidden: ['model', 'converter', 'umbrella'],
    why: {
      model: 'a backend never imports a model package: it implements BackendV1 from @lec/tensor and nothing above it',
      converter: 'a backend never imports a model package: it implements BackendV1 from @lec/tensor and nothing above it',
      umbrella: UMBRELLA_WHY,
    },
  },
  other: { forbidden: ['umbrella'], why: { umbrella: UMBRELLA_WHY } },
};

/** The rule a dependency of a `kind` package on `target` breaks, or undefined. */
function brokenRule(kind, target) {
  const rule = RULES[kind];
  if (!rule?.forbidden.includes(target)) return undefined;
  return { forbidden: target, why: rule.why[target] };
}

/**
 * Checks one package. Pure: the caller reads the files.
 * @param {{ name: string, dir: string, json: object }} pkg dir is repo-relative
 * @param {{ path: string, text: string }[]} files repo-relative source files of the package
 * @param {Map<string, string>} kinds workspace package name → kind
 * @returns {{ file: string, line?: number, message: string }[]}
 */
export function checkPackage(pkg, files, kinds = new Map()) {
  const kind = packageKind(pkg.json);
  const violations = [];
  const manifest = `${pkg.dir}/package.json`;
  for (const field of RUNTIME_DEPENDENCY_FIELDS) {
    const value = pkg.json[field];
    const names = Array.isArray(value) ? value : Object.keys(value ?? {});
    for (const dep of names) {
      if (testOnlyForbidden(pkg, dep)) {
        violations.push({
          file: manifest,
          message: `${pkg.name} lists the test-only package '${dep}' in "${field}": move it to devDependencies`,
        });
      } else if (kind === 'core') {
        violations.push({
          file: manifest,
          message: `${pkg.name} must have no runtime dependency, but "${field}" lists '${dep}' (move it to devDependencies if only tests need it)`,
        });
      } else if (brokenRule(kind, targetKind(dep, kinds)) && !(kind === 'other' && pkg.json.private === true)) {
        const rule = brokenRule(kind, targetKind(dep, kinds));
        violations.push({
          file: manifest,
          message: `${kind} package ${pkg.name} depends on ${rule.forbidden} '${dep}' in "${field}": ${rule.why}`,
        });
      }
    }
  }
  for (const { path, text } of files) {
    if (isTestFile(path)) continue;
    for (const { specifier, line } of scanImports(text)) {
      const relativeImport = specifier.startsWith('.') || specifier.startsWith('/');
      if (relativeImport) {
        const target = resolve('/', dirname(path), specifier).slice(1);
        if (!`${target}/`.startsWith(`${pkg.dir}/`)) {
          violations.push({
            file: path,
            line,
            message: `imports '${specifier}', a path outside ${pkg.dir}/: import the other package by its name`,
          });
        }
        continue;
      }
      if (testOnlyForbidden(pkg, packageNameOf(specifier))) {
        violations.push({
          file: path,
          line,
          message: `imports the test-only package '${specifier}' outside a test file: published code must not need it`,
        });
        continue;
      }
      if (kind === 'core') {
        const builtin = specifier.startsWith('node:') || isNodeBuiltin(specifier);
        const hint = builtin
          ? `; reach Node builtins at run time with process.getBuiltinModule('node:${specifier.replace(/^node:/, '')}') so the package still loads in browsers`
          : '';
        violations.push({
          file: path,
          line,
          message: `${pkg.name} imports '${specifier}': its src/ may import only its own files (relative paths)${hint}`,
        });
        continue;
      }
      const rule = brokenRule(kind, targetKind(packageNameOf(specifier), kinds));
      if (rule && !(kind === 'other' && pkg.json.private === true)) {
        violations.push({ file: path, line, message: `${kind} package ${pkg.name} imports ${rule.forbidden} '${specifier}': ${rule.why}` });
      }
    }
  }
  return violations;
}

function testOnlyForbidden(pkg, dependency) {
  return TEST_ONLY_PACKAGES.includes(dependency) && pkg.json.private !== true && !TEST_ONLY_PACKAGES.includes(pkg.name);
}

function isNodeBuiltin(name) {
  return builtinModules.includes(name.split('/')[0]);
}

/** Source files of a package's src/ (recursively; node_modules/dist/build skipped). */
export function readSources(root, pkg) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist', 'build', 'coverage'].includes(entry.name)) walk(full);
      } else if (SOURCE_EXTENSIONS.test(entry.name)) {
        files.push({ path: toPosix(root, full), text: readFileSync(full, 'utf8') });
      }
    }
  };
  const src = join(pkg.path, 'src');
  if (existsSync(src)) walk(src);
  return files;
}

/** Checks every workspace package under `root`. */
export function checkBoundaries(root) {
  const packages = listPackages(root);
  const kinds = new Map(packages.map((p) => [p.name, packageKind(p.json)]));
  return packages.flatMap((pkg) => checkPackage(pkg, readSources(root, pkg), kinds));
}

/** Formats a violation as `file:line: message`. */
export function formatViolation(v) {
  return `${v.file}${v.line ? `:${v.line}` : ''}: ${v.message}`;
}

export function main(argv = process.argv.slice(2)) {
  const root = resolve(argValue(argv, 'root') ?? repoRoot);
  const violations = checkBoundaries(root);
  if (violations.length === 0) {
    console.log('boundaries: ok (models import no backend, backends no model, @lec/tensor has no runtime dependency)');
    return 0;
  }
  console.log(
    `boundaries: ${violations.length} violation${violations.length === 1 ? '' : 's'} of the package layering (DESIGN.md, "Layers"):`,
  );
  for (const v of violations) console.log(`  ${formatViolation(v)}`);
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main());
}

#!/usr/bin/env node
// Line budget (tinygrad keeps its line count as a budget in CI): the code lines of every
// workspace package's published source, printed per package so growth shows in review, and
// checked against tools/checks/line-budgets.json. A package over its budget fails the check:
// shrink the code, or raise the budget in the same change and say why.
//
// Code lines: lines holding at least one token of TypeScript/JavaScript, so blank lines and
// comment-only lines (doc comments included) do not count. Counted: src/ and assembly/;
// not counted: tests (*.test.*, test/ folders), src/generated/ (built artefacts), node_modules,
// dist, build.
//
//   node tools/checks/line-budget.mjs [--root DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { isTestFile } from './boundaries.mjs';
import { argValue, listPackages, repoRoot, toPosix } from './lib/workspace.mjs';

/** Folders of a package whose files count. */
export const COUNTED_DIRS = ['src', 'assembly'];
/** Folders never counted, at any depth. */
export const SKIPPED_DIRS = ['node_modules', 'dist', 'build', 'coverage', 'generated', 'test', 'tests', '__fixtures__'];
const SOURCE_EXTENSIONS = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/** The budgets file, relative to the repository root. */
export const BUDGETS_FILE = 'tools/checks/line-budgets.json';

/**
 * The number of lines of `text` that hold code: every line a token (not a comment, not
 * whitespace) starts on or runs through, so a multi-line string or template counts each line.
 */
export function codeLines(text, fileName = 'file.ts') {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const lines = new Set();
  const mark = (start, end) => {
    const first = source.getLineAndCharacterOfPosition(start).line;
    const last = source.getLineAndCharacterOfPosition(Math.max(start, end - 1)).line;
    for (let l = first; l <= last; l++) lines.add(l);
  };
  const visit = (node) => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(source);
    if (children.length === 0) {
      if (node.kind !== ts.SyntaxKind.EndOfFileToken && node.end > node.getStart(source)) mark(node.getStart(source), node.end);
      return;
    }
    for (const child of children) visit(child);
  };
  visit(source);
  return lines.size;
}

/** The files of a package that count: repo-relative posix paths, sorted. */
export function countedFiles(root, pkg) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.includes(entry.name)) walk(full);
      } else if (SOURCE_EXTENSIONS.test(entry.name) && !entry.name.endsWith('.d.ts') && !isTestFile(entry.name)) {
        files.push(toPosix(root, full));
      }
    }
  };
  for (const dir of COUNTED_DIRS) if (existsSync(join(pkg.path, dir))) walk(join(pkg.path, dir));
  return files.sort();
}

/** `{ name, dir, files, lines, budget }` per workspace package with counted files, sorted by dir. */
export function countLines(root) {
  const budgetsPath = join(root, BUDGETS_FILE);
  const budgets = existsSync(budgetsPath) ? JSON.parse(readFileSync(budgetsPath, 'utf8')) : {};
  const rows = [];
  for (const pkg of listPackages(root)) {
    const files = countedFiles(root, pkg);
    if (files.length === 0) continue; // tools and docs keep no code in src/ or assembly/
    const lines = files.reduce((sum, file) => sum + codeLines(readFileSync(join(root, file), 'utf8'), file), 0);
    rows.push({ name: pkg.name, dir: pkg.dir, files: files.length, lines, budget: budgets[pkg.name] ?? null });
  }
  return rows;
}

/** The printed table, and the packages over budget. */
export function report(rows) {
  const width = Math.max(7, ...rows.map((r) => r.name.length));
  const pad = (s, n) => String(s).padStart(n);
  const out = [`${'package'.padEnd(width)}  ${pad('files', 5)}  ${pad('lines', 6)}  ${pad('budget', 6)}`];
  for (const r of rows) {
    const over = r.budget !== null && r.lines > r.budget;
    out.push(`${r.name.padEnd(width)}  ${pad(r.files, 5)}  ${pad(r.lines, 6)}  ${pad(r.budget ?? '-', 6)}${over ? '  OVER BUDGET' : ''}`);
  }
  const total = rows.reduce((s, r) => s + r.lines, 0);
  out.push(
    `${'total'.padEnd(width)}  ${pad(
      rows.reduce((s, r) => s + r.files, 0),
      5,
    )}  ${pad(total, 6)}`,
  );
  return { text: out.join('\n'), over: rows.filter((r) => r.budget !== null && r.lines > r.budget) };
}

export function main(argv = process.argv.slice(2)) {
  const root = argValue(argv, 'root') ?? repoRoot;
  const { text, over } = report(countLines(root));
  console.log('line budget: code lines of src/ and assembly/ (no tests, comments, blank lines or generated files)');
  console.log(text);
  if (over.length === 0) {
    console.log(`line-budget: ok (budgets in ${BUDGETS_FILE})`);
    return 0;
  }
  for (const r of over)
    console.log(
      `line-budget: ${r.name} has ${r.lines} code lines, over its budget of ${r.budget}: shrink it, or raise the budget in ${BUDGETS_FILE} and say why`,
    );
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());

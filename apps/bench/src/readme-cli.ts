#!/usr/bin/env node
/**
 * `pnpm bench:readme <result.json> [--file README.md ...]`: rewrites the bench figures block of
 * the READMEs that have one (root, packages/*, apps/*; or the --file list) from a result file
 * (report/readme.ts), keeping one block per CPU family.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchJson } from './report/json.js';
import { figureFamilies, updateFigures } from './report/readme.js';

/** Every README.md of the workspace (the root's, packages/*, apps/*) that has a figures block. */
export function readmesWithFigures(root: string): string[] {
  const dirs = [
    root,
    ...['packages', 'apps'].flatMap((d) =>
      fs.existsSync(path.join(root, d)) ? fs.readdirSync(path.join(root, d)).map((x) => path.join(root, d, x)) : [],
    ),
  ];
  return dirs
    .map((d) => path.join(d, 'README.md'))
    .filter((f) => fs.existsSync(f) && figureFamilies(fs.readFileSync(f, 'utf8')).length > 0);
}

export function main(argv: string[], root = process.cwd()): string[] {
  const [json, ...rest] = argv;
  if (!json || json.startsWith('-')) throw new Error('usage: pnpm bench:readme <result.json> [--file README.md ...]');
  const files = rest[0] === '--file' ? rest.slice(1).map((f) => path.resolve(root, f)) : readmesWithFigures(root);
  if (!files.length) throw new Error('no README has a bench figures block');
  const doc = JSON.parse(fs.readFileSync(path.resolve(root, json), 'utf8')) as BenchJson;
  const source = path.relative(root, path.resolve(root, json));
  for (const f of files) fs.writeFileSync(f, updateFigures(fs.readFileSync(f, 'utf8'), doc, source));
  return files.map((f) => path.relative(root, f));
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('dist', 'readme-cli.js'))) {
  try {
    for (const f of main(process.argv.slice(2))) process.stdout.write(`bench figures written: ${f}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}

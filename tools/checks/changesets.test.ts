import { describe, expect, it } from 'vitest';
import { HOW_TO, findMissingChangesets, isPublishedFile, parseChangeset } from './changesets.mjs';
import { fixture, git, manifest, runScript, writeFiles } from './test-helpers.js';

const packages = [
  { name: '@lec/tensor', dir: 'packages/tensor' },
  { name: '@lec/nn', dir: 'packages/nn' },
  { name: '@lec/bench', dir: 'apps/bench', private: true },
  { name: '@lec/docs', dir: 'apps/docs' },
];
const changeset = (file: string, text: string) => ({ file, text });

describe('changeset check (pure)', () => {
  it('fails when a src file of a published package changed without a changeset, and says how to add one', () => {
    const result = findMissingChangesets({ changedFiles: ['packages/nn/src/layers/dense.ts'], changesets: [], packages });
    expect(result).toMatchObject({ ok: false, changed: ['@lec/nn'], missing: ['@lec/nn'] });
    expect(HOW_TO).toContain('pnpm changeset');
    expect(HOW_TO).toContain('pnpm changeset --empty');
  });

  it('counts src/, assembly/ and package.json, but not tests, docs or scripts', () => {
    expect(['src/ops/add.ts', 'assembly/gemm-f32.ts', 'package.json'].map(isPublishedFile)).toEqual([true, true, true]);
    const notPublished = [
      'src/ops/add.test.ts',
      'src/__tests__/x.ts',
      'src/test/helpers.ts',
      'test/gradcheck.test.ts',
      'README.md',
      'scripts/gen-ops-index.py',
      'vitest.config.ts',
    ];
    expect(notPublished.map(isPublishedFile)).toEqual(notPublished.map(() => false));
    const changedFiles = notPublished.map((f) => `packages/tensor/${f}`);
    expect(findMissingChangesets({ changedFiles, changesets: [], packages }).ok).toBe(true);
  });

  it('ignores private packages and the ones .changeset/config.json ignores', () => {
    const changedFiles = ['apps/bench/src/cli.ts', 'apps/docs/src/index.ts', 'pnpm-lock.yaml', 'tools/checks/index.mjs'];
    expect(findMissingChangesets({ changedFiles, changesets: [], packages, ignore: ['@lec/docs'] }).ok).toBe(true);
  });

  it('passes when a changeset names every changed package, and fails for the one it leaves out', () => {
    const changedFiles = ['packages/nn/src/fit.ts', 'packages/tensor/package.json'];
    const one = changeset('.changeset/brave-cats.md', '---\n"@lec/nn": minor\n---\n\nfit() takes callbacks.\n');
    expect(findMissingChangesets({ changedFiles, changesets: [one], packages })).toMatchObject({ ok: false, missing: ['@lec/tensor'] });
    const both = changeset('.changeset/brave-cats.md', "---\n'@lec/nn': minor\n'@lec/tensor': patch\n---\n\nfit() takes callbacks.\n");
    expect(findMissingChangesets({ changedFiles, changesets: [both], packages })).toMatchObject({ ok: true, missing: [] });
  });

  it('accepts an empty changeset as "no release needed"', () => {
    const empty = changeset('.changeset/quiet-owls.md', '---\n---\n\nInternal refactor.\n');
    expect(findMissingChangesets({ changedFiles: ['packages/nn/src/fit.ts'], changesets: [empty], packages })).toMatchObject({
      ok: true,
      empty: true,
    });
  });

  it('reports malformed changesets and ones naming unknown or private packages', () => {
    const changesets = [
      changeset('.changeset/a.md', 'no front matter'),
      changeset('.changeset/b.md', '---\n"@lec/nn": huge\n---\n'),
      changeset('.changeset/c.md', '---\n"@lec/nope": patch\n"@lec/bench": patch\n---\n'),
    ];
    const result = findMissingChangesets({ changedFiles: [], changesets, packages });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      '.changeset/a.md has no front matter (a block between two --- lines)',
      ".changeset/b.md gives @lec/nn the level 'huge'; expected one of major, minor, patch, none",
      '.changeset/c.md names @lec/nope, which is not a package of this workspace',
      '.changeset/c.md names @lec/bench, which is private or ignored by changesets (never released)',
    ]);
  });

  it('parses the front matter changesets writes', () => {
    expect(parseChangeset('---\n"@lec/cnn": major\n---\n\nLeNet5 takes options.\n')).toEqual({
      releases: [{ name: '@lec/cnn', type: 'major' }],
      summary: 'LeNet5 takes options.',
    });
  });
});

describe('changeset check (against git)', () => {
  function repository() {
    const root = fixture({
      '.changeset/config.json': { baseBranch: 'main', ignore: [] },
      '.changeset/README.md': '# Changesets\n',
      '.gitignore': 'node_modules/\n',
      'packages/nn/package.json': manifest('@lec/nn'),
      'packages/nn/src/index.ts': 'export const version = 1;\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'initial');
    return root;
  }

  it('passes on main itself, where there is nothing to compare', () => {
    const root = repository();
    writeFiles(root, { 'packages/nn/src/index.ts': 'export const version = 2;\n' });
    const r = runScript('changesets.mjs', root);
    expect(r).toMatchObject({ status: 0 });
    expect(r.output).toContain('on main: nothing to compare');
  });

  it('fails on a branch that changes a src file without a changeset, with the how-to; passes once one is added', () => {
    const root = repository();
    git(root, 'checkout', '-qb', 'feature');
    writeFiles(root, { 'packages/nn/src/index.ts': 'export const version = 2;\n' });
    git(root, 'commit', '-qam', 'change nn');
    const failing = runScript('changesets.mjs', root);
    expect(failing.status).toBe(1);
    expect(failing.output).toContain('@lec/nn changed since main');
    expect(failing.output).toContain('pnpm changeset');

    writeFiles(root, { '.changeset/new-version.md': '---\n"@lec/nn": minor\n---\n\nversion is 2.\n' });
    const passing = runScript('changesets.mjs', root);
    expect(passing.output).toContain('changesets: ok since main (changesets cover @lec/nn)');
    expect(passing.status).toBe(0);
  });

  it('passes on a branch that only changes tests', () => {
    const root = repository();
    git(root, 'checkout', '-qb', 'tests-only');
    writeFiles(root, { 'packages/nn/src/index.test.ts': "import { it } from 'vitest';\nit('works', () => {});\n" });
    expect(runScript('changesets.mjs', root).status).toBe(0);
  });

  it('passes in a CI checkout of main (detached HEAD at main, nothing changed)', () => {
    const root = repository();
    git(root, 'checkout', '-q', '--detach', 'main');
    const r = runScript('changesets.mjs', root);
    expect(r.output).toContain('nothing to compare');
    expect(r.status).toBe(0);
  });

  it('says how to get a local main when there is none', () => {
    const root = repository();
    git(root, 'checkout', '-qb', 'feature');
    git(root, 'branch', '-D', 'main');
    const r = runScript('changesets.mjs', root);
    expect(r.status).toBe(1);
    expect(r.output).toContain('git fetch origin main:main');
  });
});

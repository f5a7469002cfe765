// Fixture workspaces for the check tests: a temp folder with pnpm-workspace.yaml and the files
// a test gives. Removed after each test.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (path → text, or an object written as JSON) under a new temp workspace. */
export function fixture(files: Record<string, string | object>): string {
  const root = mkdtempSync(join(tmpdir(), 'lec-checks-'));
  made.push(root);
  writeFiles(root, { 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n  - apps/*\n', ...files });
  return root;
}

export function writeFiles(root: string, files: Record<string, string | object>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
}

/** A package.json body for a fixture package. */
export function manifest(name: string, extra: object = {}): object {
  return { name, version: '0.0.0', type: 'module', ...extra };
}

/** Runs git in `root` with a fixed identity; throws with git's message on failure. */
export function git(root: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=lec', '-c', 'user.email=lec@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Runs a check script with `--root root`; returns its exit status and output. */
export function runScript(script: string, root: string, ...args: string[]): { status: number; output: string } {
  const r = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), script), '--root', root, ...args], {
    encoding: 'utf8',
  });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

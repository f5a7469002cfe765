// Keeps CONTRIBUTING.md honest as packages change: every repository path it names exists,
// every `pnpm <script>` it tells you to run is a root script, and every vitest project it
// names is one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST_PATH_KINDS, FAST_PATHS } from '../../packages/tensor/src/backend/v1.js';
import { listPackages, repoRoot } from './lib/workspace.mjs';

const guide = readFileSync(join(repoRoot, 'CONTRIBUTING.md'), 'utf8');
const rootScripts = Object.keys(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts);
const PNPM_COMMANDS = ['install', 'exec', 'add', 'i'];

describe('CONTRIBUTING.md', () => {
  it('names only paths that exist', () => {
    const paths = [...guide.matchAll(/`((?:packages|apps|tools|\.changeset|\.ci)\/[^`\s]*)`/g)]
      .map((m) => m[1].replace(/\/$/, ''))
      .filter((p) => !/[<*]/.test(p));
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !existsSync(join(repoRoot, p)))).toEqual([]);
  });

  it('runs only root scripts', () => {
    const commands = [...guide.matchAll(/(?:^|`)pnpm ([a-z][\w:-]*)/gm)].map((m) => m[1]);
    const unknown = commands.filter((c) => !PNPM_COMMANDS.includes(c) && !rootScripts.includes(c));
    expect(unknown).toEqual([]);
  });

  it('names vitest projects and packages that exist', () => {
    const names = new Set(listPackages(repoRoot).map((p) => p.name));
    const projects = [...guide.matchAll(/--project (@lec\/[a-z-]+|tools-[a-z-]+)(?=[\s`]|$)/g)].map((m) => m[1]);
    const known = (p: string) => names.has(p) || ['tools-checks', 'tools-new-package', '@lec/vision'].includes(p);
    expect(projects.filter((p) => !known(p))).toEqual([]);
  });

  it('lists the fast paths of the FastPaths record, as FAST_PATHS has them', () => {
    const block = /<!-- fast-paths:start -->\n(.*?)\n\s*<!-- fast-paths:end -->/s.exec(guide);
    expect(block, 'the fast-paths markers in CONTRIBUTING.md').not.toBeNull();
    const kind = (name: (typeof FAST_PATHS)[number]) => FAST_PATH_KINDS[name] as 'function' | Record<string, string>;
    const shown = (name: (typeof FAST_PATHS)[number]) => {
      const k = kind(name);
      return k === 'function' ? `\`${name}\`` : `\`${name}\` (\`{ ${Object.keys(k).join(', ')} }\`)`;
    };
    const expected = FAST_PATHS.map(shown).join(', ');
    expect(block![1].trim()).toBe(expected);
  });
});

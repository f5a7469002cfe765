import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startRegistry, verdaccioConfig } from './registry.mjs';

const work = mkdtempSync(join(tmpdir(), 'registry-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('verdaccioConfig', () => {
  test('our names are local only; everything else goes to the uplink', () => {
    const yaml = verdaccioConfig({ storage: '/s', htpasswd: '/h', ownNames: ['@lec/*', 'lec'], uplink: 'https://registry.npmjs.org/' });
    const block = (name: string) =>
      yaml
        .slice(yaml.indexOf(`  '${name}':`))
        .split('\n')
        .slice(0, 5)
        .join('\n');
    expect(block('@lec/*')).not.toContain('proxy');
    expect(block('lec')).not.toContain('proxy');
    expect(block('**')).toContain('proxy: npmjs');
    expect(verdaccioConfig({ storage: '/s', htpasswd: '/h', ownNames: ['@lec/*'] })).toContain('uplinks: {}');
  });
});

describe('startRegistry', () => {
  test('publishes and serves a package, then stops and answers no more', { timeout: 180_000 }, async () => {
    const registry = await startRegistry({ dir: join(work, 'verdaccio'), ownNames: ['@lec/*'] });
    try {
      const pkg = join(work, 'pkg');
      mkdirSync(pkg);
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@lec/registry-test', version: '0.1.0' }));
      writeFileSync(join(pkg, 'index.js'), 'export {};\n');
      writeFileSync(join(pkg, '.npmrc'), `//127.0.0.1:${registry.port}/:_authToken=${registry.token}\n`);
      const publish = spawnSync('npm', ['publish', `--registry=${registry.url}`, '--loglevel=error'], { cwd: pkg, encoding: 'utf8' });
      expect(publish.status, publish.stderr).toBe(0);
      const doc = await (await fetch(`${registry.url}@lec%2fregistry-test`)).json();
      expect(Object.keys(doc.versions)).toEqual(['0.1.0']);
      // no uplink here: a name it does not hold is not found, never fetched from elsewhere
      expect((await fetch(`${registry.url}@lec%2ftensor`)).status).toBe(404);
    } finally {
      await registry.stop();
    }
    await expect(fetch(`${registry.url}-/ping`)).rejects.toThrow();
  });
});

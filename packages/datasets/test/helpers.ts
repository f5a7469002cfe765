/** Fixture paths and helpers shared by the tests and the @example runner. */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanetoidFiles } from '../src/planetoid.js';

/** packages/datasets/fixtures: a cache root with mnist/, fashion-mnist/, cifar-10/, planetoid-original/. */
export const fixtureRoot = fileURLToPath(new URL('../fixtures', import.meta.url));

/** The digests of a fixture dataset's files, by name (for the `expected` option). */
export function fixtureDigests(dataset: string): Record<string, { sha256: string }> {
  const dir = join(fixtureRoot, dataset);
  return Object.fromEntries(
    readdirSync(dir).map((name) => [
      name,
      {
        sha256: createHash('sha256')
          .update(readFileSync(join(dir, name)))
          .digest('hex'),
      },
    ]),
  );
}

/** The eight ind.tiny.* fixture files. */
export function tinyPlanetoidFiles(): PlanetoidFiles {
  const read = (s: string) => new Uint8Array(readFileSync(join(fixtureRoot, 'planetoid-original', `ind.tiny.${s}`)));
  return {
    x: read('x'),
    y: read('y'),
    tx: read('tx'),
    ty: read('ty'),
    allx: read('allx'),
    ally: read('ally'),
    graph: read('graph'),
    'test.index': read('test.index'),
  };
}

/** The CIFAR-10 fixture tarball (gzip). */
export function tinyCifarTarGz(): Uint8Array {
  return new Uint8Array(readFileSync(join(fixtureRoot, 'cifar-10', 'cifar-10-binary.tar.gz')));
}

/** A fresh empty folder under the OS temp dir. */
export function tempDir(prefix = 'lec-datasets-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** shared/datasets/planetoid-original from LEC_DATA_DIR or ../shared/datasets, or null with a printed reason. */
export function originalPlanetoidDir(what: string): string | null {
  const candidates = [process.env.LEC_DATA_DIR, fileURLToPath(new URL('../../../../shared/datasets', import.meta.url))].filter(
    Boolean,
  ) as string[];
  for (const root of candidates) {
    const dir = join(root, 'planetoid-original');
    if (existsSync(join(dir, 'ind.cora.x'))) return dir;
  }
  console.log(`skipping ${what}: no planetoid-original/ under LEC_DATA_DIR or ../shared/datasets`);
  return null;
}

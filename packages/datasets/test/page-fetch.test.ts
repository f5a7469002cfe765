/**
 * Fetching in a page, run in Node with the web platform's own pieces (fetch, Web Crypto,
 * DecompressionStream, Response) and an in-memory Cache Storage standing in for the
 * browser's `caches` (Node has none). Not run in a browser here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksumError, DownloadError, digest, mnist, type RemoteFile, sha256Hex } from '../src/index.js';
import { type FetchOptions, get } from '../src/fetch.js';
import { type CacheStorageLike, fetchFileInPage } from '../src/page-cache.js';
import { fixtureDigests, fixtureRoot } from './helpers.js';
import { startServer, type TestServer } from './server.js';

/** An in-memory Cache Storage: what a page's `caches` does for these calls. */
function memoryCaches(): CacheStorageLike & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  const cache = {
    async match(key: string) {
      const bytes = entries.get(key);
      return bytes && { arrayBuffer: async () => bytes.slice().buffer };
    },
    async put(key: string, response: Response) {
      entries.set(key, new Uint8Array(await response.arrayBuffer()));
    },
    async delete(key: string) {
      return entries.delete(key);
    },
  };
  return { entries, open: async () => cache };
}

const NAME = 'train-labels-idx1-ubyte.gz';
const bytes = new Uint8Array(readFileSync(join(fixtureRoot, 'mnist', NAME)));
const file: RemoteFile = { name: NAME, urls: [], sha256: digest(bytes, 'sha256'), bytes: bytes.length };
const quiet = { retries: 1, backoffMs: 10, timeoutMs: 2000, onWarning: () => {} };

let server: TestServer;
beforeAll(async () => {
  server = await startServer(fixtureRoot);
});
afterAll(() => server.close());

const load = (f: RemoteFile, options: FetchOptions) => fetchFileInPage('mnist', f, options, get);

describe('fetching in a page (Cache Storage, Web Crypto)', () => {
  it('sha256Hex agrees with node:crypto', async () => {
    expect(await sha256Hex(bytes)).toBe(file.sha256);
  });

  it('skips a 404 mirror, reports progress, caches the verified file and reads it back without the network', async () => {
    const caches = memoryCaches();
    const progress: number[] = [];
    const mirrors = [`${server.url}/404/mnist`, `${server.url}/ok/mnist`];
    const got = await load(file, { ...quiet, caches, mirrors, onProgress: (p) => progress.push(p.received) });
    expect(digest(got, 'sha256')).toBe(file.sha256);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(caches.entries.size).toBe(1);
    const again = await load(file, { ...quiet, caches, mirrors: [], download: false });
    expect(again).toEqual(got);
  });

  it('refuses a wrong checksum and a dropped connection, and caches nothing', async () => {
    const caches = memoryCaches();
    const e = await load(file, { ...quiet, caches, mirrors: [`${server.url}/corrupt/mnist`, `${server.url}/drop/mnist`] }).catch((x) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toMatch(/corrupt\/mnist\/train-labels-idx1-ubyte.gz: sha256 [0-9a-f]{64}, expected/);
    expect(e.message).toMatch(/drop\/mnist\/train-labels-idx1-ubyte.gz: (terminated|connection closed)/);
    expect(caches.entries.size).toBe(0);
  });

  it('times out on a stalled server; follows a redirect', async () => {
    const caches = memoryCaches();
    const slow = await load(file, { ...quiet, timeoutMs: 200, caches, mirrors: [`${server.url}/slow/mnist`] }).catch((x) => x);
    expect(slow.message).toMatch(/timed out/);
    expect((await load(file, { ...quiet, caches, mirrors: [`${server.url}/redirect/mnist`] })).length).toBe(bytes.length);
  });

  it('a corrupted cache entry is a ChecksumError and is removed', async () => {
    const caches = memoryCaches();
    await load(file, { ...quiet, caches, mirrors: [`${server.url}/ok/mnist`] });
    const [key, stored] = [...caches.entries][0];
    stored[20] ^= 1;
    await expect(load(file, { ...quiet, caches, download: false })).rejects.toThrow(ChecksumError);
    expect(caches.entries.has(key)).toBe(false);
    const offline = await load(file, { ...quiet, caches, download: false }).catch((x) => x);
    expect(offline).toBeInstanceOf(DownloadError);
  });

  it('the mnist loader runs without Node: page fetch, DecompressionStream, Cache Storage', async () => {
    const caches = memoryCaches();
    const proc = process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined; // what fetch.ts and gzip.ts look for: as in a page
    try {
      const d = await mnist({ ...quiet, caches, mirrors: [`${server.url}/ok/mnist`], expected: fixtureDigests('mnist') });
      expect(d.train.images.shape).toEqual([6, 28, 28, 1]);
      expect(caches.entries.size).toBe(4);
    } finally {
      proc.getBuiltinModule = saved;
    }
  });
});

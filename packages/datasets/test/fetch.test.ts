/** Downloads against a real local HTTP server: mirrors, failures, cache safety, the lock. */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksumError, DownloadError, digest, fetchFile, mnist, planetoid, type RemoteFile } from '../src/index.js';
import { fixtureDigests, fixtureRoot, originalPlanetoidDir, tempDir } from './helpers.js';
import { startServer, type TestServer } from './server.js';

const NAME = 'train-images-idx3-ubyte.gz';
const bytes = readFileSync(join(fixtureRoot, 'mnist', NAME));
const file: RemoteFile = { name: NAME, urls: [], sha256: digest(bytes, 'sha256') };
const quiet = { retries: 1, backoffMs: 10, timeoutMs: 2000, progressBar: false, onWarning: () => {} };

let server: TestServer;
beforeAll(async () => {
  server = await startServer(fixtureRoot, { delayMs: 1 });
});
afterAll(() => server.close());

/** The cache folder holds exactly the verified file: no temporary or lock files. */
function expectClean(root: string, present: boolean) {
  const dir = join(root, 'mnist');
  const names = existsSync(dir) ? readdirSync(dir) : [];
  expect(names).toEqual(present ? [NAME] : []);
  if (present) expect(digest(readFileSync(join(dir, NAME)), 'sha256')).toBe(file.sha256);
}

describe('fetchFile against a local server', () => {
  it('skips a mirror that answers 404 and takes the next, reporting progress', async () => {
    const root = tempDir();
    const seen: number[] = [];
    const out = await fetchFile('mnist', file, {
      ...quiet,
      root,
      mirrors: [`${server.url}/404/mnist`, `${server.url}/ok/mnist`],
      onProgress: (p) => seen.push(p.received),
    });
    expect(digest(out, 'sha256')).toBe(file.sha256);
    expect(seen[seen.length - 1]).toBe(bytes.length);
    expectClean(root, true);
    // the second load is served from the cache: no new request
    const before = server.hits.get(`/ok/mnist/${NAME}`);
    await fetchFile('mnist', file, { ...quiet, root, mirrors: [`${server.url}/ok/mnist`] });
    expect(server.hits.get(`/ok/mnist/${NAME}`)).toBe(before);
  });

  it('draws a progress bar (cli-progress) when asked', async () => {
    const root = tempDir();
    await fetchFile('mnist', file, { ...quiet, progressBar: true, root, mirrors: [`${server.url}/ok/mnist`] });
    expectClean(root, true);
  });

  it('follows a redirect', async () => {
    const root = tempDir();
    await fetchFile('mnist', file, { ...quiet, root, mirrors: [`${server.url}/redirect/mnist`] });
    expectClean(root, true);
  });

  it('survives a connection dropped mid-file: the next mirror completes it, nothing partial is left', async () => {
    const root = tempDir();
    await fetchFile('mnist', file, { ...quiet, root, mirrors: [`${server.url}/drop/mnist`, `${server.url}/ok/mnist`] });
    expectClean(root, true);
    const only = tempDir();
    const e = await fetchFile('mnist', file, { ...quiet, root: only, retries: 2, mirrors: [`${server.url}/drop/mnist`] }).catch((x) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect((e as DownloadError).attempts).toHaveLength(2); // 2 rounds over 1 mirror
    expectClean(only, false);
  });

  it('refuses a file with the wrong checksum and never puts it in the cache', async () => {
    const root = tempDir();
    const e = await fetchFile('mnist', file, { ...quiet, root, mirrors: [`${server.url}/corrupt/mnist`] }).catch((x) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toMatch(new RegExp(`corrupt/mnist/${NAME}: sha256 [0-9a-f]{64}, expected ${file.sha256}`));
    expectClean(root, false);
  });

  it('times out on a server that stops sending', async () => {
    const root = tempDir();
    const t0 = Date.now();
    const e = await fetchFile('mnist', file, { ...quiet, root, timeoutMs: 300, mirrors: [`${server.url}/slow/mnist`] }).catch((x) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toMatch(/no data for 300 ms \(timed out\)/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expectClean(root, false);
  });

  it('offline: names every URL tried and where to put the file by hand', async () => {
    const root = tempDir();
    const closed = await startServer(fixtureRoot);
    await closed.close(); // a port nothing listens on
    const e = await fetchFile(
      'mnist',
      { ...file, urls: ['http://127.0.0.1:9/mnist/x.gz'] },
      { ...quiet, root, mirrors: [`${closed.url}/ok/mnist`] },
    ).catch((x) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toContain(`${closed.url}/ok/mnist/${NAME}: fetch failed (ECONNREFUSED)`);
    expect(e.message).toContain('http://127.0.0.1:9/mnist/x.gz');
    expect(e.message).toContain(`put it at ${join(root, 'mnist', NAME)}`);
    expect((e as DownloadError).path).toBe(join(root, 'mnist', NAME));
  });

  it('download: false never touches the network; a corrupted cached file is a ChecksumError', async () => {
    const root = tempDir();
    await expect(fetchFile('mnist', file, { ...quiet, root, download: false, mirrors: [`${server.url}/ok/mnist`] })).rejects.toThrow(
      /is not in the cache .* and download is false/,
    );
    await fetchFile('mnist', file, { ...quiet, root, mirrors: [`${server.url}/ok/mnist`] });
    const path = join(root, 'mnist', NAME);
    const bad = readFileSync(path);
    bad[5] ^= 1;
    writeFileSync(path, bad);
    await expect(fetchFile('mnist', file, { ...quiet, root })).rejects.toThrow(ChecksumError);
  });

  it('without a stored digest: records the SHA-256 of the first download, warns, and checks it after', async () => {
    const root = tempDir();
    const warnings: string[] = [];
    const unpinned = { name: NAME, urls: [] };
    await fetchFile('mnist', unpinned, { ...quiet, root, onWarning: (m) => warnings.push(m), mirrors: [`${server.url}/ok/mnist`] });
    expect(warnings.join()).toMatch(/no published checksum is stored/);
    expect(readFileSync(join(root, 'mnist', `${NAME}.sha256`), 'utf8').trim()).toBe(file.sha256);
    const path = join(root, 'mnist', NAME);
    writeFileSync(path, Buffer.from('tampered'));
    await expect(fetchFile('mnist', unpinned, { ...quiet, root })).rejects.toThrow(/recorded at the first download/);
  });

  it('two processes loading at once: one download, both get the verified file', async () => {
    const root = tempDir();
    const slow = await startServer(fixtureRoot, { delayMs: 1500 }); // 1.5 s before the first byte: the two loads overlap
    try {
      const child = fileURLToPath(new URL('./child-load.mjs', import.meta.url));
      const run = () =>
        new Promise<string>((resolve, reject) =>
          execFile(process.execPath, [child, root, `${slow.url}/ok/mnist`, NAME, file.sha256!], (err, stdout, stderr) =>
            err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
          ),
        );
      const outputs = await Promise.all([run(), run()]);
      const results = outputs.map((o) => JSON.parse(o.trim().split('\n').pop()!));
      expect(results.map((r) => r.sha256)).toEqual([file.sha256, file.sha256]);
      expect(slow.hits.get(`/ok/mnist/${NAME}`)).toBe(1);
      expectClean(root, true);
    } finally {
      await slow.close();
    }
  }, 30_000);
});

describe('loaders through the local mirror', () => {
  it('mnist: the four IDX fixtures, NHWC float32 in [0, 1]', async () => {
    const root = tempDir();
    const d = await mnist({ ...quiet, root, mirrors: [`${server.url}/ok/mnist`], expected: fixtureDigests('mnist') });
    expect(d.train.images.shape).toEqual([6, 28, 28, 1]);
    expect(d.test.labels.shape).toEqual([4]);
    const px = d.train.images.dataSync();
    expect([px[0], px[1]]).toEqual([0, 1]);
    expect(readdirSync(join(root, 'mnist')).sort()).toHaveLength(4);
  });

  it('mnist with the stored sizes and digests refuses the fixtures (they are not the real files)', async () => {
    const root = tempDir();
    const e = await mnist({ ...quiet, root, mirrors: [`${server.url}/ok/mnist`] }).catch((x) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toMatch(/\d+ bytes, expected (9912422|28881|1648877|4542)/);
  });

  it('checks every stored digest: a file with the right SHA-256 and a wrong MD5 is refused', async () => {
    const root = tempDir();
    const sha256 = file.sha256!;
    const run = (md5: string, size = bytes.length) =>
      fetchFile('mnist', file, {
        ...quiet,
        root,
        mirrors: [`${server.url}/ok/mnist`],
        expected: { [NAME]: { sha256, md5, bytes: size } },
      });
    const e = await run('0'.repeat(32)).catch((x) => x);
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toMatch(`md5 ${digest(bytes, 'md5')}, expected ${'0'.repeat(32)}`);
    expectClean(root, false);
    const size = await run(digest(bytes, 'md5'), bytes.length + 1).catch((x) => x);
    expect(size.message).toMatch(`${bytes.length} bytes, expected ${bytes.length + 1}`);
    expect((await run(digest(bytes, 'md5'))).length).toBe(bytes.length);
    expectClean(root, true);
  });

  const original = originalPlanetoidDir('the real Planetoid files through the local mirror');
  it.skipIf(!original)('cora and citeseer: the original ind.* files, verified against the stored SHA-256s', async () => {
    const real = await startServer(original!);
    try {
      const root = tempDir();
      const cora = await planetoid('cora', { ...quiet, root, mirrors: [`${real.url}/404`, `${real.url}/ok`] });
      expect([cora.numNodes, cora.numFeatures, cora.numClasses, cora.features.nnz]).toEqual([2708, 1433, 7, 49216]);
      expect([cora.edges.src.length, cora.selfLoops.length]).toEqual([5278, 0]);
      expect([cora.split.train.length, cora.split.val.length, cora.split.test.length]).toEqual([140, 500, 1000]);
      const citeseer = await planetoid('citeseer', { ...quiet, root, mirrors: [`${real.url}/ok`] });
      expect([citeseer.numNodes, citeseer.numFeatures, citeseer.numClasses]).toEqual([3327, 3703, 6]);
      expect([citeseer.edges.src.length, citeseer.selfLoops.length]).toEqual([4552, 124]);
      expect(citeseer.labels.filter((l) => l < 0).length).toBe(15);
      expect(readdirSync(join(root, 'planetoid-original'))).toHaveLength(16);
    } finally {
      await real.close();
    }
  });
});

/**
 * The page loaders in real headless Chromium (Debian's, through playwright-core): the built
 * @lec/datasets and @lec/tensor load as ES modules (an import map) from a 127.0.0.1 server
 * that also serves the fixture files, so fetch, Cache Storage, crypto.subtle, Web Locks and
 * DecompressionStream are the browser's own. Without Chromium, or with LEC_BROWSER_TESTS=0,
 * one explicit skip says why (as packages/backend-tfjs/test/browser.test.ts does).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumUnavailable, launchChromium } from '@lec/tools-chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteFile, digest, mnist } from '../src/index.js';
import { fixtureDigests, fixtureRoot } from './helpers.js';
import { type TestServer, startServer } from './server.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const packages = join(here, '..', '..');
const dists: Record<string, string> = { tensor: join(packages, 'tensor', 'dist'), datasets: join(packages, 'datasets', 'dist') };
const why =
  process.env.LEC_BROWSER_TESTS === '0'
    ? 'LEC_BROWSER_TESTS=0'
    : chromiumUnavailable() !== null
      ? `${chromiumUnavailable()}: run packages/backend-tfjs/scripts/install-chromium.sh`
      : !existsSync(join(dists.datasets, 'index.js'))
        ? 'packages/datasets is not built (pnpm --filter @lec/datasets... build)'
        : '';

const HTML = `<!doctype html><meta charset="utf-8"><title>lec datasets</title>
<script type="importmap">{"imports":{"@lec/tensor":"/pkg/tensor/index.js","@lec/datasets":"/pkg/datasets/index.js"}}</script>
<script type="module" src="/page.js"></script>`;

/** Answers the page, its script and the built packages; the fixture routes do the rest. */
function pageRoutes(path: string, res: import('node:http').ServerResponse): boolean {
  const send = (type: string, body: string | Buffer) => res.writeHead(200, { 'content-type': type }).end(body);
  if (path === '/') send('text/html', HTML);
  else if (path === '/page.js') send('text/javascript', readFileSync(join(here, 'chromium-page.js')));
  else {
    const m = /^\/pkg\/(tensor|datasets)\/([\w/.-]+\.js)$/.exec(path);
    if (!m || m[2].includes('..') || !existsSync(join(dists[m[1]], m[2]))) return false;
    send('text/javascript', readFileSync(join(dists[m[1]], m[2])));
  }
  return true;
}

const NAME = 'train-labels-idx1-ubyte.gz';
const labelBytes = new Uint8Array(readFileSync(join(fixtureRoot, 'mnist', NAME)));
const file: RemoteFile = { name: NAME, urls: [], sha256: digest(labelBytes, 'sha256'), bytes: labelBytes.length };

/** The same summary as the page's, from Node's own load of the fixture files. */
async function nodeSummary() {
  const d = await mnist({ root: fixtureRoot, download: false, expected: fixtureDigests('mnist') });
  return [d.train.images, d.train.labels, d.test.images, d.test.labels].map((t) => {
    const a = t.dataSync();
    let x = 0;
    for (let i = 0; i < a.length; i++) x += a[i] * ((i % 7) + 1);
    return [t.shape, t.dtype, x];
  });
}

if (why) {
  describe('page loaders in Chromium', () => {
    it('headless Chromium runs', (ctx) => ctx.skip(why));
  });
} else {
  describe('page loaders in Chromium', () => {
    let server: TestServer;
    let close: () => Promise<void>;
    // biome-ignore lint/suspicious/noExplicitAny: whatever the page's case returns (JSON)
    let call: (name: string, ...args: unknown[]) => Promise<any>;
    const hits = (mode: string, name = NAME) => server.hits.get(`/${mode}/mnist/${name}`) ?? 0;
    const totalHits = () => [...server.hits.entries()].filter(([p]) => /^\/\w+\/mnist\//.test(p)).reduce((s, [, n]) => s + n, 0);

    beforeAll(async () => {
      server = await startServer(fixtureRoot, { extra: pageRoutes });
      const browser = await launchChromium();
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/`);
      await page.waitForFunction('window.ready === true', undefined, { timeout: 20_000 }).catch(() => {
        throw new Error(`the page did not load: ${errors.join('; ')}`);
      });
      call = (name, ...args) =>
        page.evaluate(
          ([n, a]) =>
            (window as unknown as { cases: Record<string, (...a: unknown[]) => unknown> }).cases[n as string](...(a as unknown[])),
          [name, args] as const,
        );
      close = async () => {
        await browser.close();
        await server.close();
      };
    }, 60_000);
    afterAll(() => close?.());

    it('the page has Cache Storage, crypto.subtle, Web Locks and DecompressionStream, and no Node', async () => {
      expect(await call('env')).toEqual({
        caches: 'object',
        subtle: 'function',
        locks: 'function',
        decompression: 'function',
        node: 'undefined',
      });
    });

    it('a first load fetches and verifies the four files, caches them, and gives the tensors Node gives', async () => {
      const before = totalHits();
      const r = await call('firstLoad', server.url, fixtureDigests('mnist'));
      expect(totalHits() - before).toBe(4);
      expect(r.keys).toHaveLength(4);
      expect(r.progress).toBeGreaterThanOrEqual(4);
      expect(r.summary).toEqual(await nodeSummary());
    });

    it('a second load comes from Cache Storage without the network', async () => {
      const before = totalHits();
      const s = await call('secondLoad', fixtureDigests('mnist'));
      expect(totalHits()).toBe(before);
      expect(s).toEqual(await nodeSummary());
    });

    it('a corrupted file is refused (typed error naming the mismatch) and not cached', async () => {
      const r = await call('corruptMirror', server.url, file);
      expect(r.error.name).toBe('DownloadError');
      expect(r.error.isDatasetError).toBe(true);
      expect(r.error.message).toMatch(/corrupt\/mnist\/train-labels-idx1-ubyte.gz: sha256 [0-9a-f]{64}, expected/);
      expect(r.keys).toEqual([]);
    });

    it('a corrupted Cache Storage entry is a ChecksumError and is removed', async () => {
      const r = await call('corruptCacheEntry', file);
      expect(r.error.name).toBe('ChecksumError');
      expect(r.error.message).toMatch(/in the page's cache had sha256/);
      expect(r.stillCached).toBe(false);
    });

    it('dead, stalled and 404 mirrors fall back to the next one', async () => {
      const dead = await startServer(fixtureRoot);
      const deadUrl = `${dead.url}/ok/mnist`;
      await dead.close(); // nothing listens there any more: connection refused
      const [slow, missing, ok] = [hits('slow'), hits('404'), hits('ok')];
      const r = await call('deadMirrors', deadUrl, server.url, file);
      expect(r.length).toBe(labelBytes.length);
      expect(r.sha256).toBe(file.sha256);
      expect(r.keys).toHaveLength(1);
      expect([hits('slow') - slow, hits('404') - missing, hits('ok') - ok]).toEqual([1, 1, 1]);
    });

    it('two concurrent loads of one file share one download (Web Locks)', async () => {
      const ok = hits('ok');
      expect(await call('concurrent', server.url, file)).toEqual([labelBytes.length, labelBytes.length]);
      expect(hits('ok') - ok).toBe(1);
    });
  });
}

/**
 * The docs site in headless Chromium: builds the site (unless LEC_DOCS_PREBUILT=1), serves it
 * on 127.0.0.1 with COOP/COEP, opens every page in Debian's chromium (playwright-core, a fresh
 * --user-data-dir), checks there are no console errors and that every demo shows its expected
 * result, and saves a screenshot of each demo under apps/docs/test-results/.
 * Skips, saying why, only when there is no chromium (CI installs it: apt-get install -y chromium).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromiumUnavailable, launchChromium } from '@lec/tools-chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { distDir, docsRoot, generatedDir } from '../scripts/paths.mjs';
// @ts-expect-error: a plain .mjs script without types
import { serve } from '../scripts/serve.mjs';
import { PAGES, drawStrokes } from './pages';
import { digitStrokes } from './strokes';

const results = join(docsRoot, 'test-results');
// VitePress's fixed navigation bar would cover the top of element screenshots.
const HIDE_NAV = '.VPNav, .VPLocalNav { visibility: hidden !important; }';
const noChromium = chromiumUnavailable();
const haveChromium = noChromium === null;
if (!haveChromium) console.log(`@lec/docs: browser test skipped: ${noChromium}`);

/** Chromium sometimes refuses a capture while the page is busy; try again once. */
async function capture(take: () => Promise<unknown>): Promise<void> {
  try {
    await take();
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await take();
  }
}

describe.skipIf(!haveChromium)('the docs site in Chromium', () => {
  let server: { url: string; close(): Promise<void> };
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;

  beforeAll(async () => {
    if (process.env.LEC_DOCS_PREBUILT !== '1' || !existsSync(join(distDir, 'index.html'))) {
      // asynchronous, so that the vitest worker stays responsive during the minute or two of the build
      const status = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [join(docsRoot, 'scripts', 'build.mjs')], { cwd: docsRoot, stdio: 'inherit' });
        child.on('exit', (code) => resolve(code));
        child.on('error', () => resolve(-1));
      });
      if (status !== 0) throw new Error(`the docs build failed (exit ${status})`);
    }
    rmSync(results, { recursive: true, force: true });
    mkdirSync(results, { recursive: true });
    server = await serve({ root: distDir, port: 0 });
    chromium = await launchChromium({ gpu: true, viewport: { width: 1280, height: 900 } });
    context = chromium.context;
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  it('serves the pages crossOriginIsolated', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    await page.close();
  });

  for (const expected of PAGES) {
    it(`page ${expected.path}`, async () => {
      const page: Page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
      page.on('response', (response) => {
        if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
      });
      const slug = expected.path
        .replace(/\.html$/, '')
        .replace(/^\/$/, '/index')
        .replace(/\//g, '-')
        .replace(/^-/, '');
      try {
        await page.goto(`${server.url}${expected.path}`, { waitUntil: 'load' });
        await expect.poll(() => page.locator('body').innerText()).toContain(expected.heading);
        for (const demo of expected.demos) {
          const root = page.locator(`[data-demo="${demo.id}"]`);
          await root.waitFor({ timeout: 30_000 });
          const started = Date.now();
          await demo.start?.(page);
          await page.waitForSelector(`[data-demo="${demo.id}"]:is([data-status="done"], [data-status="error"])`, {
            timeout: demo.timeout * 1000,
          });
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          await root.scrollIntoViewIfNeeded();
          await capture(() => root.screenshot({ path: join(results, `${slug}--${demo.id}.png`), style: HIDE_NAV }));
          const status = await root.getAttribute('data-status');
          const progress = await root.locator('[data-role="progress"]').last().innerText();
          expect(status, `demo ${demo.id}: ${progress}`).toBe('done');
          const result = JSON.parse((await root.getAttribute('data-result')) ?? 'null');
          console.log(`@lec/docs ${expected.path} demo ${demo.id} (${seconds} s): ${JSON.stringify(result)}`);
          expect(demo.check(result), `demo ${demo.id} on ${expected.path}`).toBeUndefined();
        }
        if (expected.demos.length === 0) await capture(() => page.screenshot({ path: join(results, `${slug}.png`), style: HIDE_NAV }));
        expect(errors, `console errors on ${expected.path}`).toEqual([]);
      } catch (error) {
        await page.screenshot({ path: join(results, `${slug}--failure.png`), fullPage: true, style: HIDE_NAV }).catch(() => {});
        throw error;
      } finally {
        await page.close();
      }
    });
  }

  // 100 real digits the demo's model never saw (10 per class, the first of each in the page's
  // test subset, from the test split held out of its training), drawn as pen strokes through
  // the page's own pointer handlers, then classified with the page's preprocessing and model.
  it('the drawing demo reads 100 unseen MNIST test digits drawn as strokes (>= 90 % correct)', async () => {
    const images = readFileSync(join(generatedDir, 'mnist-test-images.u8'));
    const labels = readFileSync(join(generatedDir, 'mnist-test-labels.u8'));
    const chosen: number[] = [];
    for (let digit = 0; digit < 10; digit++) {
      const of = [...labels.keys()].filter((i) => labels[i] === digit).slice(0, 10);
      expect(of, `the test subset has 10 digits ${digit}`).toHaveLength(10);
      chosen.push(...of);
    }
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${server.url}/guide/cnn.html`, { waitUntil: 'load' });
      const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
      const wrong: string[] = [];
      const started = Date.now();
      for (const index of chosen) {
        const strokes = digitStrokes(images.subarray(index * 784, (index + 1) * 784)).map((line) =>
          line.map(([x, y]) => [x / 280, y / 280] as const),
        );
        await drawStrokes(page, strokes);
        const result = JSON.parse((await page.locator('[data-demo="mnist"]').getAttribute('data-result')) ?? '{}');
        confusion[labels[index]][result.digit]++;
        if (result.digit !== labels[index]) wrong.push(`#${index}: ${labels[index]} read as ${result.digit}`);
        const done = confusion.flat().reduce((a, b) => a + b, 0);
        if (done % 10 === 0)
          console.log(
            `@lec/docs drawing test: ${done}/100 drawn, ${wrong.length} wrong so far (${((Date.now() - started) / 1000).toFixed(0)} s)`,
          );
      }
      const correct = confusion.reduce((n, row, d) => n + row[d], 0);
      console.log(
        `@lec/docs drawing test: ${correct}/100 test digits drawn as strokes classified correctly (${((Date.now() - started) / 1000).toFixed(1)} s); per class ${confusion.map((row, d) => `${d}:${row[d]}/10`).join(' ')}; wrong: ${wrong.join(', ') || 'none'}`,
      );
      await capture(() =>
        page.locator('[data-demo="mnist"]').screenshot({ path: join(results, 'drawing-test-last-digit.png'), style: HIDE_NAV }),
      );
      expect(correct, `${correct}/100 drawn test digits read correctly; wrong: ${wrong.join(', ')}`).toBeGreaterThanOrEqual(90);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 1_200_000);
});

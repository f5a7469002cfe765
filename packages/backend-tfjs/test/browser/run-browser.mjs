#!/usr/bin/env node
/**
 * Browser tests of @lec/backend-tfjs: bundles test/browser/page.ts with esbuild ('vitest'
 * aliased to a small shim), serves it from a tiny http server on 127.0.0.1, drives Debian's
 * Chromium headless through playwright-core (SwiftShader for WebGL, --enable-unsafe-webgpu
 * for WebGPU, a fresh --user-data-dir), and collects each device's results.
 *
 *   node test/browser/run-browser.mjs [--device webgl,webgpu] [--only cnn|lenet|unit|conformance] [--grep TEXT]
 *     [--timeout SECONDS] [--json FILE]
 *
 * --grep runs only the tests whose full name contains TEXT (e.g. `--only conformance --grep lstmCell`);
 * --timeout is per device (default 540 s; the whole WebGL page on SwiftShader takes ~9 min at load 15).
 *
 * Prints per-device passed/failed/skipped (skips with their reasons) and the closing line
 * `N passed, N failed`; exits non-zero on a failure or when nothing passed.
 * Needs `apt-get install -y chromium` (scripts/install-chromium.sh) and built @lec packages.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumUnavailable, launchChromium } from '@lec/tools-chromium';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = join(here, '..', '..');
const require = createRequire(join(pkgRoot, 'package.json'));

/** Bundles the test page; returns the JS text. */
export async function bundlePage() {
  const esbuild = require('esbuild');
  // @vitest/expect (vitest's matchers, with chai) is resolved from vitest's own dependencies
  const vitestRequire = createRequire(require.resolve('vitest/package.json'));
  const vitestExpect = vitestRequire.resolve('@vitest/expect');
  // until @lec/backend-tests is built the page registers an explicit skip in its place
  let suiteAlias = {};
  try {
    require.resolve('@lec/backend-tests');
  } catch {
    suiteAlias = { '@lec/backend-tests': join(here, 'no-suite.ts') };
  }
  const nodeStub = {
    name: 'node-builtins-stub',
    setup(build) {
      // the suite may reach for node:fs to write a report file; the page never does
      build.onResolve({ filter: /^(node:)?(fs|path|url|os|module|fs\/promises|process|perf_hooks)$/ }, (a) => ({
        path: a.path,
        namespace: 'stub',
      }));
      build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
    },
  };
  const result = await esbuild.build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'error',
    alias: { vitest: join(here, 'vitest-shim.ts'), '@vitest/expect': vitestExpect, ...suiteAlias },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    // @lec/nn's terminal progress bar is `await import('cli-progress')`, reached only in a Node
    // TTY; esbuild would follow that literal import into cli-progress, which needs Node's
    // 'events' and 'readline'. Left external, the page never evaluates it.
    external: ['cli-progress'],
    plugins: [nodeStub],
  });
  return result.outputFiles[0].text;
}

const HTML = '<!doctype html><meta charset="utf-8"><title>lec backend-tfjs</title><body><script type="module" src="/bundle.js"></script>';

/**
 * Runs the page for each device; resolves to { [device]: { env, results } }.
 * @param {{ devices?: string[], only?: string, grep?: string, timeoutMs?: number, log?: (s: string) => void }} options
 */
export async function runBrowserTests(options = {}) {
  const devices = options.devices ?? ['webgl', 'webgpu'];
  const log = options.log ?? ((s) => console.log(s));
  const timeoutMs = options.timeoutMs ?? 540_000;
  const unavailable = chromiumUnavailable();
  if (unavailable) throw new Error(`${unavailable} (packages/backend-tfjs/scripts/install-chromium.sh)`);
  const js = await bundlePage();
  const waiting = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(204).end();
        const msg = JSON.parse(body || '{}');
        if (url.pathname === '/log') log(`  [${msg.device}] ${msg.line}`);
        if (url.pathname === '/results') waiting.get(msg.device)?.(msg);
      });
      return;
    }
    if (url.pathname === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else if (url.pathname === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
    else res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const chromium = await launchChromium({ gpu: true });
  const context = chromium.context;
  const out = {};
  try {
    for (const device of devices) {
      const t0 = Date.now();
      log(`${device}: loading http://127.0.0.1:${port}/?device=${device}`);
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`  [${device}] page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning' || process.env.LEC_BROWSER_CONSOLE)
          log(`  [${device}] console.${m.type()}: ${m.text().slice(0, process.env.LEC_BROWSER_CONSOLE ? 3000 : 300)}`);
      });
      const done = new Promise((resolve, reject) => {
        waiting.set(device, resolve);
        setTimeout(() => reject(new Error(`${device}: no results after ${timeoutMs / 1000} s`)), timeoutMs).unref();
      });
      const q = new URLSearchParams({
        device,
        ...(options.only ? { only: options.only } : {}),
        ...(options.grep ? { grep: options.grep } : {}),
      });
      await page.goto(`http://127.0.0.1:${port}/?${q}`, { waitUntil: 'commit' });
      if (options.evaluate) {
        await page.waitForFunction(() => globalThis.__lec !== undefined);
        log(`  [${device}] eval: ${JSON.stringify(await page.evaluate(options.evaluate)).slice(0, 4000)}`);
      }
      try {
        out[device] = await done;
      } catch (e) {
        out[device] = { device, env: { fatal: e.message }, results: [] };
      }
      out[device].seconds = (Date.now() - t0) / 1000;
      await page.close();
    }
  } finally {
    await chromium.close();
    server.close();
  }
  return out;
}

/** passed/failed/skipped of one device, with skip reasons grouped. */
export function summarize(run) {
  const count = (s) => run.results.filter((r) => r.state === s).length;
  const reasons = new Map();
  for (const r of run.results)
    if (r.state === 'skip') reasons.set(r.note ?? '(no reason given)', (reasons.get(r.note ?? '(no reason given)') ?? 0) + 1);
  return {
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    skipReasons: Object.fromEntries(reasons),
    fatal: run.env?.fatal,
  };
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const devices = opt('device')?.split(',');
  const timeout = opt('timeout');
  const runs = await runBrowserTests({
    devices,
    only: opt('only'),
    grep: opt('grep'),
    evaluate: opt('eval'),
    ...(timeout ? { timeoutMs: Number(timeout) * 1000 } : {}),
  });
  let passed = 0;
  let failed = 0;
  const report = {};
  for (const [device, run] of Object.entries(runs)) {
    const s = summarize(run);
    report[device] = { ...s, seconds: run.seconds, env: run.env };
    passed += s.passed;
    failed += s.failed + (s.fatal ? 1 : 0);
    console.log(
      `\ntfjs-${device}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (${run.seconds.toFixed(0)} s)${s.fatal ? ` FATAL ${s.fatal}` : ''}`,
    );
    for (const [why, n] of Object.entries(s.skipReasons)) console.log(`  skipped ${n}: ${why}`);
    for (const r of run.results.filter((x) => x.state === 'fail').slice(0, 40))
      console.log(`  FAIL ${r.name}\n       ${r.error?.split('\n').slice(0, 4).join('\n       ')}`);
  }
  const json = opt('json');
  if (json) writeFileSync(json, JSON.stringify({ report, runs }, null, 2));
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}

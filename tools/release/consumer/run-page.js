// Serves dist-page/ on 127.0.0.1 and opens it in headless Chromium (playwright-core driving
// the Debian chromium). Prints one JSON line: {checks: [...], console: [...]} as the page
// reported them, or a failed check when the page never reported. Playwright gives Chromium a
// fresh user-data-dir of its own (it refuses a --user-data-dir flag).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const root = join(import.meta.dirname, 'dist-page');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  if (path === '/favicon.ico') return response.writeHead(204).end();
  try {
    const body = readFileSync(join(root, path.endsWith('/') ? `${path}index.html` : path));
    response.writeHead(200, { 'content-type': types[extname(path) || '.html'] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];
const messages = [];
let result;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: flags });
try {
  const page = await browser.newPage();
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => globalThis.lecResult !== undefined, null, { timeout: 120_000 });
  result = await page.evaluate(() => globalThis.lecResult);
} catch (error) {
  result = { checks: [{ name: 'page reports', ok: false, detail: String(error.message).split('\n')[0] }] };
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify({ ...result, console: messages }));

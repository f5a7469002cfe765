/**
 * `pnpm bench --browser [gemm] [lenet]`: the page of page.ts in headless Chromium (Debian's
 * chromium through playwright-core, like apps/docs' tests), served from 127.0.0.1 with
 * COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer: lec-wasm's threads).
 * The page is bundled here with esbuild into a temporary folder next to tfjs-backend-wasm's
 * .wasm files. Writes the same tables, JSON and Markdown as the Node bench (machine, load,
 * the browser's user agent in the notes).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createServer } from 'node:http';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumUnavailable, launchChromium } from '@lec/tools-chromium';
import { machineInfo } from '../harness/machine.js';
import type { Result } from '../harness/types.js';
import { toJson } from '../report/json.js';
import { buildTables, renderMarkdown, renderText, type ReportContext } from '../report/table.js';
import type { BrowserOptions, lecBench } from './page.js';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** Why the browser bench cannot run here, or null. */
export const browserUnavailable = chromiumUnavailable;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** A static server of `root` with the headers that make its pages cross-origin isolated. */
export function serve(root: string, onRequest?: (path: string) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    onRequest?.(p);
    const file = path.normalize(path.join(root, p === '/' ? 'index.html' : p));
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-cache',
    };
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${addr.port}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** Bundles page.ts (from src/, or the built page.js) and copies tfjs-wasm's binaries into `dir`. */
async function buildPage(dir: string): Promise<void> {
  const esbuild = await import('esbuild');
  const src = path.join(here, 'page.ts');
  const entry = existsSync(src) ? src : path.join(here, 'page.js');
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outfile: path.join(dir, 'page.js'),
    // loaded only in Node, behind dynamic imports the page never reaches (progress bars, the tfjs bundle)
    external: ['@tensorflow/tfjs', 'cli-progress', 'node:*', ...builtinModules],
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const tfjsDist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  await fs.mkdir(path.join(dir, 'tfjs'));
  for (const f of await fs.readdir(tfjsDist)) if (f.endsWith('.wasm')) await fs.copyFile(path.join(tfjsDist, f), path.join(dir, 'tfjs', f));
  // onnxruntime-web's module (.mjs, also its pthread workers' script) and .wasm, fetched by env.wasm.wasmPaths = '/ort/'
  const ortDist = path.dirname(require.resolve('onnxruntime-web'));
  await fs.mkdir(path.join(dir, 'ort'));
  for (const f of await fs.readdir(ortDist))
    if (/^ort-wasm-simd-threaded\.(mjs|wasm)$/.test(f)) await fs.copyFile(path.join(ortDist, f), path.join(dir, 'ort', f));
  await fs.writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>lec bench</title><script type="module" src="page.js"></script>\n',
  );
}

export interface BrowserRun {
  suites: string[];
  quick: boolean;
  tiny?: boolean;
  threads: number;
  json?: string;
  md?: string;
  print?: (t: string) => void;
}

/** Runs the page and returns its results (throws when chromium or the page fails). */
export async function browserResults(o: BrowserRun): Promise<{ results: Result[]; notes: string[]; userAgent: string; isolated: boolean }> {
  const why = browserUnavailable();
  if (why) throw new Error(`--browser: ${why}`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lec-bench-page-'));
  let server: Awaited<ReturnType<typeof serve>> | null = null;
  const served = new Set<string>();
  const chromium = await (async () => {
    await buildPage(dir);
    server = await serve(dir, (p) => p.startsWith('/ort/') && served.add(p.slice(5)));
    return launchChromium();
  })();
  const context = chromium.context;
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server!.url);
    await page
      .waitForFunction(() => typeof (globalThis as { lecBench?: unknown }).lecBench === 'function', null, { timeout: 60_000 })
      .catch(() => {
        throw new Error(`the bench page did not load${errors.length ? `: ${errors.join('; ')}` : ''}`);
      });
    const opts: BrowserOptions = { suites: o.suites, quick: o.quick, tiny: !!o.tiny, threads: o.threads };
    page.setDefaultTimeout(0);
    const out = await page.evaluate((x) => (globalThis as unknown as { lecBench: typeof lecBench }).lecBench(x), opts);
    // which onnxruntime-web build the page really loaded: the files it fetched
    if (served.size) out.notes.push(`onnxruntime-web (browser) fetched ${[...served].sort().join(', ')} from /ort/`);
    return out;
  } finally {
    await chromium.close();
    await (server as { close(): Promise<void> } | null)?.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Issue 27's browser targets: LeNet-5 inference ≤ 0.7× tfjs-wasm's time; fresh-operand gemm ≥ 1.3× tfjs-wasm's speed. */
export function targetNotes(results: readonly Result[]): string[] {
  const out: string[] = [];
  const ok = results.filter((r) => r.status === 'ok' && r.median_ms !== null);
  for (const r of ok) {
    const tf = ok.find((q) => q.impl === 'tfjs-wasm' && q.suite === r.suite && q.case === r.case);
    if (!tf || !r.impl.startsWith('lec-')) continue;
    const ratio = r.median_ms! / tf.median_ms!;
    if (r.case.startsWith('infer'))
      out.push(`${r.case}: ${r.impl} time ÷ tfjs-wasm = ${ratio.toFixed(2)} (target ≤ 0.7: ${ratio <= 0.7 ? 'met' : 'NOT met'})`);
    else if (r.case.startsWith('fresh'))
      out.push(
        `${r.case}: ${r.impl} is ${(1 / ratio).toFixed(2)}× tfjs-wasm's speed (target ≥ 1.3×: ${1 / ratio >= 1.3 ? 'met' : 'NOT met'})`,
      );
  }
  return out;
}

/** The CLI entry: runs the page, prints the tables, writes --json/--md; returns the exit code. */
export async function runBrowserBench(o: BrowserRun): Promise<number> {
  const print = o.print ?? ((t: string) => process.stdout.write(`${t}\n`));
  const machine = machineInfo();
  const { results, notes, userAgent, isolated } = await browserResults(o);
  const browser = /Chrome\/[\d.]+/.exec(userAgent)?.[0] ?? userAgent;
  const kinds = new Map<string, 'lec' | 'peer'>(results.map((r) => [r.impl, r.impl.startsWith('lec-') ? 'lec' : 'peer']));
  notes.unshift(
    `headless Chromium (${browser}), ${isolated ? 'cross-origin isolated (threads available)' : 'NOT cross-origin isolated: no threads'}; page bundled with esbuild, served from 127.0.0.1 with COOP/COEP`,
  );
  notes.push(
    '× best peer = the fastest peer (tfjs-wasm, onnxruntime-web) time / this time; model steps are timed one by one (median of the steps)',
  );
  notes.push(...targetNotes(results));
  const ctx: ReportContext = { kinds, notes, figures: new Map([['lenet', 'figure']]) };
  const tables = buildTables(results, ctx);
  const header = `lec bench (browser) — ${machine.cpu}, ${machine.cores} cores, load ${machine.load.join('/')}, ${browser}, ${machine.date}${o.quick ? ', --quick' : ''}`;
  print(`${header}\n${renderText(tables, ctx)}`);
  const write = async (file: string, text: string) => {
    await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await fs.writeFile(file, text);
  };
  if (o.json)
    await write(
      o.json,
      `${JSON.stringify({ ...toJson({ ...machine, browser: userAgent } as typeof machine, results, notes) }, null, 2)}\n`,
    );
  if (o.md) await write(o.md, renderMarkdown(tables, ctx, header));
  return results.some((r) => r.status === 'wrong') ? 1 : 0;
}

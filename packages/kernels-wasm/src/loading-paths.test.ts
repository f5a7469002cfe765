/**
 * Every way users load the package finds the kernels, and each build ships once: as its own
 * lazily imported module under dist/generated/ (no build/*.wasm beside it). Node ESM and
 * require() through the package's exports (child processes), esbuild with and without code
 * splitting (the bench's browser page bundles without), a plain browser page in Chromium over
 * cross-origin isolation with two threads (the workers receive the compiled module), and the
 * packed file list. Vite is covered by apps/docs' site test (its build and demo pages).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumUnavailable, launchChromium } from '@lec/tools-chromium';
import { afterAll, describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILDS = ['relaxed', 'relaxed-threads', 'scalar', 'simd', 'simd-threads'];
const scratch = mkdtempSync(join(tmpdir(), 'kernels-wasm-loading-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The script every path runs: two threads where possible, one small gemm, what it found. */
const PROBE = `
const kernels = await loadKernels({ threads: 2, feature: 'simd' });
const out = Array.from(kernels.gemm(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 1, 2));
const scalar = await loadKernels({ feature: 'scalar' });
const result = { feature: kernels.feature, threads: kernels.threads, out, scalar: Array.from(scalar.gemm(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 1, 2)) };
kernels.dispose();
scalar.dispose();
`;
const EXPECTED = { feature: 'simd', out: [11], scalar: [11] };

function runNode(args: string[], cwd = packageRoot): unknown {
  const child = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  expect(child.stderr).not.toMatch(/Error/);
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '');
}

describe('loading paths', () => {
  it('Node ESM, through the package name (also under --input-type=module: the workers start)', () => {
    const script = `const { loadKernels } = await import('@lec/kernels-wasm');${PROBE}console.log(JSON.stringify(result));`;
    expect(runNode(['--input-type=module', '-e', script])).toEqual({ ...EXPECTED, threads: 2 });
  }, 60_000);

  it('Node require() of the package (require of ESM, Node >= 20.19)', () => {
    const script = `(async () => { const { loadKernels } = require('@lec/kernels-wasm');${PROBE}console.log(JSON.stringify(result)); })();`;
    expect(runNode(['-e', script])).toEqual({ ...EXPECTED, threads: 2 });
  }, 60_000);

  it.each([true, false])(
    'esbuild bundle (splitting %s) runs and, split, holds one chunk per build',
    async (splitting) => {
      const esbuild = await import('esbuild');
      const dir = mkdtempSync(join(scratch, 'esbuild-'));
      const entry = join(dir, 'entry.mjs');
      writeFileSync(entry, `import { loadKernels } from '@lec/kernels-wasm';${PROBE}console.log(JSON.stringify(result));\n`);
      await esbuild.build({
        entryPoints: [entry],
        bundle: true,
        splitting,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        outdir: join(dir, 'out'),
        alias: { '@lec/kernels-wasm': packageRoot },
        logLevel: 'error',
      });
      const files = readdirSync(join(dir, 'out'));
      const chunksWithWasm = files.filter((f) => readFileSync(join(dir, 'out', f), 'latin1').includes('AGFzbQ')); // base64 of "\0asm"
      expect(chunksWithWasm.length).toBe(splitting ? BUILDS.length : 1);
      expect(runNode([join(dir, 'out', 'entry.js')], dir)).toEqual({ ...EXPECTED, threads: 2 });
    },
    60_000,
  );

  it('ships each build once: five generated modules, no .wasm files', () => {
    const generated = readdirSync(join(packageRoot, 'dist', 'generated')).filter((f) => f.endsWith('.js'));
    expect(generated.sort()).toEqual(BUILDS.map((b) => `wasm-${b}.js`).sort());
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packageRoot, encoding: 'utf8' });
    expect(pack.status).toBe(0);
    const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    expect(files.filter((f) => f.endsWith('.wasm'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/generated/') && f.endsWith('.js')).sort()).toEqual(
      generated.map((f) => `dist/generated/${f}`),
    );
    // the binaries appear in no other shipped file
    const others = files.filter((f) => !f.startsWith('dist/generated/') && /\.(js|ts)$/.test(f));
    for (const f of others) expect(readFileSync(join(packageRoot, f), 'latin1').includes('AGFzbQ'), f).toBe(false);
  }, 60_000);
});

describe.skipIf(chromiumUnavailable() !== null)('a plain browser page (no bundler) in Chromium', () => {
  it('loads the package through an import map, on two threads, fetching one build', async () => {
    const { createServer } = await import('node:http');
    const packages = join(packageRoot, '..');
    const requested: string[] = [];
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requested.push(path);
      const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
      if (path === '/') {
        const map = JSON.stringify({
          imports: { '@lec/tensor': '/tensor/dist/index.js', '@lec/kernels-wasm': '/kernels-wasm/dist/index.js' },
        });
        const body = `<!doctype html><script type="importmap">${map}</script><script type="module">import { loadKernels } from '@lec/kernels-wasm';${PROBE}window.result = result;</script>`;
        res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(body);
        return;
      }
      const file = join(packages, path);
      if (!file.startsWith(packages) || !existsSync(file)) {
        res.writeHead(404, headers).end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const chromium = await launchChromium();
    try {
      const page = await chromium.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${port}/`);
      const result = await page.waitForFunction(() => (window as { result?: unknown }).result, undefined, { timeout: 60_000 });
      expect(await result.jsonValue()).toEqual({ ...EXPECTED, threads: 2 });
      expect(errors).toEqual([]);
      const builds = requested.filter((p) => p.includes('/generated/')).sort();
      expect(builds).toEqual(['/kernels-wasm/dist/generated/wasm-scalar.js', '/kernels-wasm/dist/generated/wasm-simd-threads.js']);
    } finally {
      await chromium.close();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);
});

// Builds the two Vite pages (page/ and tensor-only/) into dist-page/ and dist-tensor-only/ and
// prints one JSON line: the files of each build with their sizes (bytes, minified) and gzip sizes.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

const out = {};
for (const page of ['page', 'tensor-only']) {
  const outDir = join(import.meta.dirname, `dist-${page}`);
  await build({
    root: join(import.meta.dirname, page),
    base: './',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 10_000 },
  });
  out[page] = listFiles(outDir).map((f) => ({
    file: relative(outDir, f),
    bytes: statSync(f).size,
    gzip: gzipSync(readFileSync(f)).length,
  }));
}
console.log(JSON.stringify(out));

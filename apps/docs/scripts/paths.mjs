// Paths the build scripts share.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(docsRoot, '..', '..');
export const srcDir = join(docsRoot, 'docs');
export const distDir = join(srcDir, '.vitepress', 'dist');
export const generatedDir = join(srcDir, 'public', 'generated');
export const generatedPagesDir = join(srcDir, '_generated');
export const dataDir = process.env.LEC_DATA_DIR ?? join(repoRoot, '..', 'shared', 'datasets');
export const benchDir = process.env.LEC_BENCH_DIR ?? join(repoRoot, 'apps', 'bench', 'results');

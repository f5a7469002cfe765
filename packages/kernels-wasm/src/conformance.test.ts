/**
 * lec's backend conformance suite (@lec/backend-tests) on the wasm backend, in the five
 * configurations that run different code: the scalar build (one thread: it has no threaded
 * variant), and the SIMD128 and relaxed SIMD builds, each on one thread and on two (worker
 * threads over a shared memory). Reports go to
 * packages/kernels-wasm/conformance-report/<name>.json.
 */
import { runConformance } from '@lec/backend-tests';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmBackend } from './wasm-backend.js';

const reportDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'conformance-report');
mkdirSync(reportDir, { recursive: true });

for (const feature of ['scalar', 'simd', 'relaxed'] as const) {
  for (const threads of feature === 'scalar' ? [1] : [1, 2]) {
    const name = `wasm-${feature}-${threads}t`;
    runConformance({
      name,
      makeBackend: () => wasmBackend({ feature, threads }),
      reportFile: join(reportDir, `${name}.json`),
    });
  }
}

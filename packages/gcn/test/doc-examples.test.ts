/**
 * Runs every `@example` in src/ (STYLE: "every public function has TSDoc with a short
 * @example that a test executes") with the exports of @lec/gcn and @lec/tensor in scope, through
 * the shared runner of @lec/backend-tests. Examples that read LEC_DATA_DIR are skipped, with a
 * printed reason, when it is not set, does not exist, or lacks the dataset the example reads
 * (karate/ or planetoid/cora). The karate club ships in @lec/datasets and needs no files.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeExamples, skipWithoutDataDir } from '@lec/backend-tests/examples';
import * as tensorApi from '@lec/tensor';
import * as gcnApi from '../src/index.js';

describeExamples({
  title: 'doc examples',
  srcDir: fileURLToPath(new URL('../src', import.meta.url)),
  scope: { ...tensorApi, ...gcnApi, emptyDir: mkdtempSync(join(tmpdir(), 'lec-gcn-')) },
  minExamples: 50,
  requireChecks: true,
  skipWhen: skipWithoutDataDir('LEC_DATA_DIR', (code) => [
    ...(code.includes('karate/') ? ['karate'] : []),
    ...(code.includes('loadPlanetoidText') ? ['planetoid/cora'] : []),
  ]),
  reset: () => {
    tensorApi.setBackend(tensorApi.jsBackend());
    tensorApi.setSeed(0);
  },
});

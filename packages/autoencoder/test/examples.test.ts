/** Runs every `@example` block of src/ through the shared runner of @lec/backend-tests. */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeExamples } from '@lec/backend-tests/examples';
import * as tensorApi from '@lec/tensor';
import * as api from '../src/index.js';
import * as png from '../src/png.js';

describeExamples({
  srcDir: fileURLToPath(new URL('../src', import.meta.url)),
  scope: { ...tensorApi, ...api, ...png, join, tmpdir, readFileSync },
  minExamples: 25,
  requireChecks: true,
  timeout: 30_000,
  reset: () => {
    tensorApi.setBackend(tensorApi.jsBackend());
    tensorApi.setSeed(0);
  },
});

/** Runs every `@example` block of src/ through the shared runner of @lec/backend-tests. */
import { describeExamples } from '@lec/backend-tests/examples';
import { fileURLToPath } from 'node:url';
import * as api from '../src/index.js';

describeExamples({
  srcDir: fileURLToPath(new URL('../src', import.meta.url)),
  scope: { ...api },
  minExamples: 3,
  requireChecks: true,
  timeout: 60_000,
  reset: () => {
    api.setBackend(api.jsBackend());
    api.setSeed(0);
  },
});

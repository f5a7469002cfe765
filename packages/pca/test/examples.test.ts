/** Runs every `@example` block of src/ through the shared runner of @lec/backend-tests. */
import { fileURLToPath } from 'node:url';
import { describeExamples } from '@lec/backend-tests/examples';
import * as tensorApi from '@lec/tensor';
import * as api from '../src/index.js';

describeExamples({
  srcDir: fileURLToPath(new URL('../src', import.meta.url)),
  scope: { ...tensorApi, ...api },
  minExamples: 10,
  requireChecks: true,
  reset: () => {
    tensorApi.setBackend(tensorApi.jsBackend());
    tensorApi.setSeed(0);
  },
});

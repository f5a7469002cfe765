/** Runs every `@example` block of src/ through the shared runner of @lec/backend-tests. */
import { fileURLToPath } from 'node:url';
import { describeExamples } from '@lec/backend-tests/examples';
import * as nnApi from '@lec/nn';
import * as tensorApi from '@lec/tensor';
import { mnistDigits } from './data/mnist-digits.js';
import * as api from './index.js';

describeExamples({
  srcDir: fileURLToPath(new URL('.', import.meta.url)),
  scope: { ...tensorApi, ...nnApi, ...api, mnistDigits },
  minExamples: 20,
  requireChecks: true,
  reset: () => {
    tensorApi.setBackend(tensorApi.jsBackend());
    tensorApi.setSeed(0);
  },
});

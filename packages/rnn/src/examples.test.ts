/** Runs every `@example` block of src/ through the shared runner of @lec/backend-tests. */
import { fileURLToPath } from 'node:url';
import { describeExamples } from '@lec/backend-tests/examples';
import * as nnApi from '@lec/nn';
import * as tensorApi from '@lec/tensor';
import * as api from './index.js';

describeExamples({
  srcDir: fileURLToPath(new URL('.', import.meta.url)),
  scope: { ...tensorApi, ...nnApi, ...api },
  minExamples: 20,
  requireChecks: true,
  skip: {
    trainRowByRow:
      'trains row-by-row MNIST on 8,000 images for several epochs (minutes), and its data comes from loadMnist of @lec/cnn, which @lec/rnn does not depend on',
    trainCaptioner:
      'trains the captioner for minutes on the wasm backend with digits from loadMnist of @lec/cnn; test/caption.test.ts trains a small version',
  },
  reset: () => {
    tensorApi.setBackend(tensorApi.jsBackend());
    tensorApi.setSeed(0);
  },
});

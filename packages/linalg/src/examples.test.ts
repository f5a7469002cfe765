/** Runs every TSDoc `@example` of src/ through the shared runner of @lec/backend-tests. */
import { fileURLToPath } from 'node:url';
import { describeExamples } from '@lec/backend-tests/examples';
import * as tensorApi from '@lec/tensor';
import * as api from './index.js';

describeExamples({
  srcDir: fileURLToPath(new URL('.', import.meta.url)),
  scope: { ...tensorApi, ...api },
  // each example checks a value (`expr; // value`), and each exported function has one
  requireChecks: true,
  requireExampleFor: api,
  minExamples: 12,
});

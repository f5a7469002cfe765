/**
 * Runs every `@example` block of src/ through the shared runner of @lec/backend-tests. The
 * method examples of WasmKernels and WasmArena use `kernels` (an instance from loadKernels())
 * and `arena` (its arena), which are in scope besides the exports.
 */
import { fileURLToPath } from 'node:url';
import { describeExamples } from '@lec/backend-tests/examples';
import * as tensorApi from '@lec/tensor';
import { afterAll } from 'vitest';
import * as api from './index.js';

const kernels = await api.loadKernels();
afterAll(() => kernels.dispose());

describeExamples({
  srcDir: fileURLToPath(new URL('.', import.meta.url)),
  scope: { ...tensorApi, ...api, kernels, arena: kernels.arena },
  minExamples: 20,
  requireChecks: true,
  reset: () => {
    tensorApi.setBackend(tensorApi.jsBackend());
    tensorApi.setSeed(0);
  },
});

/**
 * Doctest: every ```ts block inside a TSDoc `@example` of packages/tensor/src runs, with all of
 * @lec/tensor's exports in scope, through the shared runner of @lec/backend-tests (see
 * packages/backend-tests/src/examples.ts for what `expr; // value` checks). Every example checks
 * at least one value, and every exported function must have an example.
 *
 * @lec/backend-tests depends on @lec/tensor, so @lec/tensor cannot list it (turbo rejects the
 * cycle): this test loads the runner's source by path. Test files only; published code never
 * leaves its package.
 */
import { fileURLToPath } from 'node:url';
import { describeExamples } from '../../backend-tests/src/examples.js';
import { jsBackend } from './backend/cpu-backend.js';
import { setBackend } from './engine.js';
import * as lec from './index.js';
import { setSeed } from './random.js';

describeExamples({
  srcDir: fileURLToPath(new URL('.', import.meta.url)),
  scope: { ...lec },
  minExamples: 100,
  requireChecks: true,
  requireExampleFor: lec,
  // examples may change global state: each starts from the js backend and seed 0
  reset: () => {
    setBackend(jsBackend());
    setSeed(0);
  },
});

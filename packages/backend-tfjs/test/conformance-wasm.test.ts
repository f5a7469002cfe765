/** The whole @lec/backend-tests conformance suite on tfjs-wasm (Node, one thread, .wasm files loaded by file path). */
import { runConformance } from '@lec/backend-tests';
import { FLOAT64_SKIPS, WASM_SKIPS, reportFile } from './conformance-options.js';
import { nodeBackend } from './node-backends.js';

runConformance({
  name: 'tfjs-wasm',
  makeBackend: () => nodeBackend('wasm'),
  skip: { ...FLOAT64_SKIPS, ...WASM_SKIPS },
  reportFile: reportFile('tfjs-wasm'),
});

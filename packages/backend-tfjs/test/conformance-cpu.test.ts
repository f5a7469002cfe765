/** The whole @lec/backend-tests conformance suite on tfjs-cpu (Node). */
import { runConformance } from '@lec/backend-tests';
import { CPU_SKIPS, FLOAT64_SKIPS, reportFile } from './conformance-options.js';
import { nodeBackend } from './node-backends.js';

runConformance({
  name: 'tfjs-cpu',
  makeBackend: () => nodeBackend('cpu'),
  skip: { ...FLOAT64_SKIPS, ...CPU_SKIPS },
  reportFile: reportFile('tfjs-cpu'),
});

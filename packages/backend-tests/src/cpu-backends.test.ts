/** The two CPU backends of @lec/tensor run the whole conformance suite. */
import { f64Backend, jsBackend } from '@lec/tensor';
import { runConformance } from './conformance.js';

runConformance({ name: 'js', makeBackend: jsBackend });
runConformance({ name: 'f64', makeBackend: f64Backend });

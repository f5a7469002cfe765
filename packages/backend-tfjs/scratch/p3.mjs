import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
await tf.setBackend('wasm');
const z = tf.tensor([
  [1, 2, 3, 4],
  [0, 1, 0, 1],
  [5, 1, 2, -1e9],
]);
const ls = tf.logSoftmax(z);
console.log('ls', ls.dataSync());
const oh = tf.oneHot(tf.tensor([1, 0, 3], [3], 'int32'), 4, 1, 0, 'float32');
console.log('oh', oh.dataSync());
const p = tf.mul(oh, ls);
console.log('p', p.dataSync());
const s = tf.sum(p);
console.log('sum', s.dataSync(), s.shape);
console.log('neg', tf.neg(s).dataSync(), tf.div(tf.neg(s), 3).dataSync());
console.log(
  'sum2',
  tf
    .sum(
      tf.tensor([
        [1, 2],
        [3, 4],
      ]),
    )
    .dataSync(),
);
console.log(
  'sum3',
  tf
    .sum(
      tf.tensor([
        [1, 2],
        [3, 4],
      ]),
      [0, 1],
    )
    .dataSync(),
);

import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
const res = {};
for (const be of ['cpu', 'wasm']) {
  await tf.setBackend(be);
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const a = tf.tensor(
      Array.from({ length: 35 }, (_, i) => Math.sin(i)),
      ta ? [7, 5] : [5, 7],
    );
    const b = tf.tensor(
      Array.from({ length: 21 }, (_, i) => Math.cos(i)),
      tb ? [3, 7] : [7, 3],
    );
    const f = tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias: tf.tensor([1, 2, 3]) }).dataSync();
    const f2 = tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb }).dataSync();
    const m = tf.matMul(a, b, ta, tb).dataSync();
    res[be + ta + tb] = [f[4], f2[4], m[4]];
  }
}
console.log(res);

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
for (const b of ['cpu', 'wasm']) {
  const ok = await tf.setBackend(b);
  await tf.ready();
  console.log('==', b, ok, tf.getBackend());
  const x = tf.tensor([NaN, -0, 0, -2, 2.5, 3.5, -2.5, Infinity, -Infinity, 0.5]);
  const show = (n, t) =>
    console.log(
      n,
      Array.from(t.dataSync())
        .map((v) => (Object.is(v, -0) ? '-0' : v))
        .join(' '),
    );
  show('x', x);
  show('sign', tf.sign(x));
  show('relu', tf.relu(x));
  show('step', tf.step(x));
  show('round', tf.round(x));
  show('max(x,0)', tf.maximum(x, 0));
  show('min(x,0)', tf.minimum(x, 0));
  show('maxred', tf.max(tf.tensor([1, NaN, 3])));
  show('minred', tf.min(tf.tensor([1, NaN, 3])));
  show('argmax', tf.argMax(tf.tensor([1, NaN, 3, NaN])));
  show('argmaxties', tf.argMax(tf.tensor([3, 1, 3])));
  show('argmin', tf.argMin(tf.tensor([1, 0, 0, 3])));
  show('cast', tf.cast(tf.tensor([1.7, -1.7, NaN, 3e9]), 'int32'));
  show('scatter', tf.scatterND(tf.tensor2d([[1], [1], [0]], [3, 1], 'int32'), tf.tensor([1, 2, 3]), [3]));
  show('floordiv', tf.div(tf.tensor([7, -7, 7], undefined, 'int32'), tf.tensor([2, 2, 0], undefined, 'int32')));
  show('sum empty', tf.sum(tf.zeros([2, 0]), 1));
  show('sigmoid', tf.sigmoid(tf.tensor([-100, 100, NaN])));
  show('pow', tf.pow(tf.tensor([-2, 2, 0, NaN]), tf.tensor([3, 0.5, 0, 0])));
  show('maxpoolNaN', tf.maxPool(tf.tensor4d([1, NaN, 2, 3], [1, 2, 2, 1]), 2, 2, 'valid'));
  try {
    show('concat0', tf.concat([tf.zeros([0, 2]), tf.ones([1, 2])], 0));
  } catch (e) {
    console.log('concat0 err', e.message);
  }
  try {
    show('matmul int', tf.matMul(tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor2d([[3], [4]], [2, 1], 'int32')));
  } catch (e) {
    console.log('mm err', e.message);
  }
  try {
    show('mm bcast', tf.matMul(tf.ones([1, 2, 3]), tf.ones([4, 3, 2])));
  } catch (e) {
    console.log('mmb err', e.message);
  }
  const dxk = tf.getKernel('Conv2DBackpropFilter', b);
  console.log('bpf kernel', !!dxk);
  console.log(tf.memory().numTensors);
}

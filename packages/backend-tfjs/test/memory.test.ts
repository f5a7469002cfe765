/**
 * Memory on the tfjs backend: a 2-layer MLP written with lec ops trains for many steps (each
 * step in lec's `tidy`, manual SGD through `variableGrads`) and tfjs's live tensor count stays
 * flat; lec Tensors dropped without dispose() are freed by the FinalizationRegistry net.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import {
  Variable,
  add,
  variableGrads,
  exp,
  matmul,
  mul,
  randn,
  relu,
  softmaxCrossEntropy,
  sub,
  tensor,
  tidy,
  withBackend,
  zeros,
} from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { type NodeDevice, nodeBackend } from './node-backends.js';

describe.each<NodeDevice>(['cpu', 'wasm'])('memory on tfjs-%s', (device) => {
  it('an MLP trains 300 SGD steps with a flat tfjs tensor count and a falling loss', async () => {
    const b = await nodeBackend(device);
    withBackend(b, () => {
      const n = 64;
      const x = randn([n, 10], { seed: 1 });
      // labels: which of three fixed projections of x is largest
      const labels = tidy(() => {
        const proj = matmul(x, randn([10, 3], { seed: 2 }));
        const v = proj.dataSync();
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = [0, 1, 2].reduce((best, j) => (v[i * 3 + j] > v[i * 3 + best] ? j : best), 0);
        return tensor(out, [n], { dtype: 'int32' });
      });
      const params = tidy(() => [
        new Variable(mul(randn([10, 32], { seed: 3 }), 0.3), { name: 'w1' }),
        new Variable(zeros([32]), { name: 'b1' }),
        new Variable(mul(randn([32, 3], { seed: 4 }), 0.3), { name: 'w2' }),
        new Variable(zeros([3]), { name: 'b2' }),
      ]);
      const [w1, b1, w2, b2] = params;
      const loss = () => softmaxCrossEntropy(add(matmul(relu(add(matmul(x, w1.value), b1.value)), w2.value), b2.value), labels);
      const step = (): number =>
        tidy(() => {
          const { value, grads } = variableGrads(loss, params);
          params.forEach((p, i) => p.assign(sub(p.value, mul(grads[i], 0.5))));
          return value.item();
        });
      const first = step();
      // warm-up steps may create tfjs's cached constants; count after them
      for (let i = 0; i < 5; i++) step();
      const tfBefore = tf.memory().numTensors;
      const liveBefore = b.liveBuffers();
      let last = first;
      for (let i = 0; i < 300; i++) last = step();
      expect(tf.memory().numTensors, 'tfjs tensors after 300 steps').toBe(tfBefore);
      expect(b.liveBuffers(), 'lec handles after 300 steps').toBe(liveBefore);
      expect(last).toBeLessThan(first * 0.5);
      for (const p of params) p.dispose();
      x.dispose();
      labels.dispose();
      expect(b.liveBuffers()).toBe(0);
    });
  });

  it('lec tensors dropped without dispose() are freed once collected (FinalizationRegistry)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const b = await nodeBackend(device);
    const before = tf.memory().numTensors;
    const liveBefore = b.liveBuffers();
    withBackend(b, () => {
      for (let i = 0; i < 50; i++) exp(tensor([i, i + 1, i + 2])); // results dropped, never disposed
    });
    expect(tf.memory().numTensors - before).toBe(100);
    for (let i = 0; i < 50 && tf.memory().numTensors > before; i++) {
      gc();
      await sleep(10);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(b.liveBuffers()).toBe(liveBefore);
    expect(Number(b.info().reclaimedByFinalizer)).toBeGreaterThanOrEqual(100);
  });
});

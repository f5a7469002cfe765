/**
 * A small CNN written with lec ops (conv2d + bias + relu, maxPool2d, dense) trained a few SGD
 * steps on the given backend: the loss must go down and tfjs's live tensor count stay flat.
 * Data: 8×8 images with one horizontal (class 0) or vertical (class 1) bar plus noise.
 */
import type * as Lec from '@lec/tensor';
import type * as Tf from '@tensorflow/tfjs-core';
import type { BackendV1 } from '@lec/tensor';
import { expect, it } from './vitest-shim.js';

export interface CnnRun {
  losses: number[];
  tensorsPerStep: number[];
}

export async function trainCnn(backend: BackendV1, lec: typeof Lec, tf: typeof Tf, steps = 25, asyncReads = false): Promise<CnnRun> {
  const {
    Variable,
    add,
    conv2d,
    matmul,
    maxPool2d,
    mul,
    randn,
    relu,
    reshape,
    softmaxCrossEntropy,
    sub,
    tensor,
    tidy,
    variableGrads,
    withBackend,
    zeros,
  } = lec;
  {
    const n = 32;
    const img = new Float32Array(n * 64);
    const labels = new Int32Array(n);
    let s = 12345;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      const at = 1 + Math.floor(rnd() * 6);
      for (let p = 0; p < 64; p++) img[i * 64 + p] = (rnd() - 0.5) * 0.2;
      for (let k = 0; k < 8; k++) img[i * 64 + (labels[i] === 0 ? at * 8 + k : k * 8 + at)] += 1;
    }
    const x = tensor(img, [n, 8, 8, 1], { backend });
    const y = tensor(labels, [n], { dtype: 'int32', backend });
    const params = withBackend(backend, () =>
      tidy(() => [
        new Variable(mul(randn([3, 3, 1, 4], { seed: 1 }), 0.5), { name: 'conv.w' }),
        new Variable(zeros([4]), { name: 'conv.b' }),
        new Variable(mul(randn([64, 2], { seed: 2 }), 0.2), { name: 'dense.w' }),
        new Variable(zeros([2]), { name: 'dense.b' }),
      ]),
    );
    const [cw, cb, dw, db] = params;
    const loss = () => {
      const h = maxPool2d(relu(add(conv2d(x, cw.value, { padding: 'same' }), cb.value)), 2); // [n, 4, 4, 4]
      return softmaxCrossEntropy(add(matmul(reshape(h, [n, 64]), dw.value), db.value), y);
    };
    const losses: number[] = [];
    const tensorsPerStep: number[] = [];
    for (let step = 0; step < steps; step++) {
      const value = withBackend(backend, () =>
        tidy(() => {
          const r = variableGrads(loss, params);
          params.forEach((p, i) => p.assign(sub(p.value, mul(r.grads[i], 0.5))));
          return r.value;
        }),
      );
      losses.push(asyncReads ? (await value.data())[0] : value.item());
      value.dispose();
      tensorsPerStep.push(tf.memory().numTensors);
    }
    for (const p of params) p.dispose();
    x.dispose();
    y.dispose();
    return { losses, tensorsPerStep };
  }
}

export function registerCnnTest(backend: BackendV1, lec: typeof Lec, tf: typeof Tf, log: (l: string) => void, asyncReads = false): void {
  it(`${backend.name}: a small CNN (conv2d + maxPool2d + dense) trains; loss goes down, no tfjs tensor leaks${asyncReads ? ' (async reads)' : ''}`, async () => {
    const before = tf.memory().numTensors;
    const { losses, tensorsPerStep } = await trainCnn(backend, lec, tf, 25, asyncReads);
    log(`cnn losses ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    log(`cnn tfjs tensors per step ${tensorsPerStep.join(' ')} (before ${before}, after ${tf.memory().numTensors})`);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.6);
    expect(new Set(tensorsPerStep.slice(2)).size, 'tfjs tensor count per step').toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
}

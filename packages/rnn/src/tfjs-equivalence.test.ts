// With the same weights, our LSTM and GRU give the outputs of @tensorflow/tfjs-layers' LSTM and
// GRU (gate order mapped; tfjs-layers has only the reset-before GRU, so ours runs with
// resetAfter: false; tfjs's default hard-sigmoid is replaced by the logistic sigmoid).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { jsBackend, randn, tensor, withBackend } from '@lec/tensor';
import { GRU, LSTM } from './index.js';

const B = 3;
const T = 7;
const F = 5;
const H = 4;

function permuteBlocks(w: Float32Array, rows: number, order: number[]): Float32Array {
  // columns are `order.length` blocks of H; output block k = input block order[k]
  const cols = order.length * H;
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < order.length; k++) for (let j = 0; j < H; j++) out[r * cols + k * H + j] = w[r * cols + order[k] * H + j];
  return out;
}

function closeEnough(actual: ArrayLike<number>, expected: ArrayLike<number>, K: number) {
  const rtol = Math.max(1e-5, 4 * Math.sqrt(K) * 2 ** -24) * 10; // the recurrence compounds float32 rounding over T steps
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    worst = Math.max(worst, err / (1e-6 + rtol * Math.abs(expected[i])));
  }
  return worst;
}

describe('same weights, same outputs as tfjs-layers', async () => {
  await tf.setBackend('cpu');
  tf.enableProdMode();
  const xData = randn([B, T, F], { seed: 1 }).dataSync() as Float32Array;

  it('LSTM (gate order i, f, c, o in both)', () => {
    withBackend(jsBackend(), () => {
      const ours = new LSTM(F, H, { seed: 2, returnSequences: true });
      const cell = ours.cells[0] as unknown as {
        weightIh: { value: { dataSync(): Float32Array } };
        weightHh: { value: { dataSync(): Float32Array } };
        bias: { value: { dataSync(): Float32Array } };
      };
      const layer = tfl.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [T, F] });
      layer.apply(tf.zeros([B, T, F])); // builds the layer
      layer.setWeights([
        tf.tensor(cell.weightIh.value.dataSync(), [F, 4 * H]),
        tf.tensor(cell.weightHh.value.dataSync(), [H, 4 * H]),
        tf.tensor(cell.bias.value.dataSync(), [4 * H]),
      ]);
      const expected = (layer.apply(tf.tensor(xData, [B, T, F])) as tf.Tensor).dataSync();
      const actual = ours.forward(tensor(xData, [B, T, F])).dataSync();
      expect(actual.length).toBe(expected.length);
      expect(closeEnough(actual, expected, F + H)).toBeLessThanOrEqual(1);
    });
  });

  it('GRU (ours r, z, n ↔ tfjs z, r, h; reset before the product)', () => {
    withBackend(jsBackend(), () => {
      const ours = new GRU(F, H, { seed: 3, returnSequences: true, resetAfter: false });
      const cell = ours.cells[0] as unknown as {
        weightIh: { value: { dataSync(): Float32Array } };
        weightHh: { value: { dataSync(): Float32Array } };
        biasIh: { value: { dataSync(): Float32Array } };
        biasHh: { value: { dataSync(): Float32Array } };
      };
      // our biasHh is zero at initialisation, so tfjs's single bias equals our biasIh
      expect(Array.from(cell.biasHh.value.dataSync()).every((v) => v === 0)).toBe(true);
      const toTfjs = [1, 0, 2]; // tfjs block k takes our block toTfjs[k]: z ← z(1), r ← r(0), h ← n(2)
      const layer = tfl.layers.gru({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [T, F] });
      layer.apply(tf.zeros([B, T, F])); // builds the layer
      layer.setWeights([
        tf.tensor(permuteBlocks(cell.weightIh.value.dataSync(), F, toTfjs), [F, 3 * H]),
        tf.tensor(permuteBlocks(cell.weightHh.value.dataSync(), H, toTfjs), [H, 3 * H]),
        tf.tensor(permuteBlocks(cell.biasIh.value.dataSync(), 1, toTfjs), [3 * H]),
      ]);
      const expected = (layer.apply(tf.tensor(xData, [B, T, F])) as tf.Tensor).dataSync();
      const actual = ours.forward(tensor(xData, [B, T, F])).dataSync();
      expect(closeEnough(actual, expected, F + H)).toBeLessThanOrEqual(1);
    });
  });
});

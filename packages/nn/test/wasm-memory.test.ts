/**
 * Training on the wasm backend frees its own intermediates: `fit` and `trainStep` leave the
 * bytes of float32 tensors in wasm linear memory flat (± one step's worth) however many
 * steps run. LEC_SOAK=1 runs 10,000 autoencoder steps through `fit`.
 */
import { wasmBackend } from '@lec/kernels-wasm';
import { Variable, getBackend, randn, setBackend, tensor, withBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, Dense, NonFiniteError, ReLU, Sequential, Sigmoid, fit, meanSquaredError, trainStep } from '../src/index.js';

describe('wasm memory during training', () => {
  const soak = process.env.LEC_SOAK === '1';

  it(`fit: live wasm bytes flat over ${soak ? '10,000' : '200'} autoencoder steps`, async () => {
    const backend = await wasmBackend({ threads: 1 });
    const live = () => backend.info().liveBytes as number;
    const previous = getBackend();
    setBackend(backend);
    try {
      const batch = 16;
      const x = randn([batch * 4, 64], { seed: 1 });
      const model = new Sequential([
        new Dense(64, 32, { seed: 2 }),
        new ReLU(),
        new Dense(32, 8, { seed: 3 }),
        new Dense(8, 32, { seed: 4 }),
        new ReLU(),
        new Dense(32, 64, { seed: 5 }),
        new Sigmoid(),
      ]);
      const optimizer = new Adam({ learningRate: 1e-3 });
      const options = { loss: meanSquaredError, optimizer, batchSize: batch, verbose: 0 as const, seed: 0 };
      await fit(model, { x, y: x }, { ...options, epochs: 2 }); // optimizer state exists from here on
      const after = live();
      expect(backend.info().tensorsInWasmMemory).toBe(true);
      expect(after).toBeGreaterThan(4 * (64 * 32 + 32 * 8) * 3); // the weights and Adam's two slots live there
      // one step's worth: every tensor one step can hold (activations, gradients, Adam's temporaries)
      const stepBytes = 4 * batch * 64 * 40;
      const epochs = soak ? 2500 : 50; // 4 steps an epoch
      await fit(model, { x, y: x }, { ...options, epochs });
      expect(Math.abs(live() - after)).toBeLessThanOrEqual(stepBytes);
      for (let i = 0; i < 20; i++) trainStep(model, meanSquaredError, optimizer, x, x);
      expect(Math.abs(live() - after)).toBeLessThanOrEqual(stepBytes);
    } finally {
      setBackend(previous);
      backend.disposeBackend();
    }
  }, 600_000);

  it('Adam on wasm (one SIMD pass that checks its own results): a non-finite step changes nothing', async () => {
    const backend = await wasmBackend({ threads: 1 });
    withBackend(backend, () => {
      const w = new Variable(tensor([1, 2, 3, 4, 5]));
      const u = new Variable(tensor([0.5, -0.5]));
      const opt = new Adam({ learningRate: 0.1 });
      opt.step([w, u], [tensor([1, 1, 1, 1, 1]), tensor([1, -1])]);
      const [w1, u1, m1] = [w.value.toArray(), u.value.toArray(), opt.stateOf(w)![0].toArray()];
      expect(w1).not.toEqual([1, 2, 3, 4, 5]);
      // a NaN gradient of the second parameter: refused before any update
      expect(() => opt.step([w, u], [tensor([1, 1, 1, 1, 1]), tensor([Number.NaN, 1])])).toThrow(NonFiniteError);
      // a result that overflows (a huge gradient squared into v): refused after computing, nothing committed
      expect(() => opt.step([w, u], [tensor([1, 1, 1, 1, 3e38]), tensor([1, 1])])).toThrow(/optimizer state|values/);
      expect([w.value.toArray(), u.value.toArray(), opt.stateOf(w)![0].toArray()]).toEqual([w1, u1, m1]);
      expect(opt.iterations).toBe(1);
      opt.step([w, u], [tensor([1, 1, 1, 1, 1]), tensor([1, -1])]);
      expect(opt.iterations).toBe(2);
    });
    backend.disposeBackend();
  });
});

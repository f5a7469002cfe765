/**
 * MNIST checks on subsets on the js backend, to keep the suite fast. The full-size figures
 * (10,000 digits; 8,000/2,000 splits; more epochs) come from apps/bench/scripts/autoencoder/measure.mjs.
 */
import { noGrad, slice, tensor } from '@lec/tensor';
import { describe, expect, test } from 'vitest';
import { DenoisingAutoencoder, VAE, corrupt, linearAutoencoderVsPca, psnr } from '../src/index.js';
import { loadMnist } from './mnist.js';

const digits = loadMnist(3000);
const all = tensor(Float32Array.from(digits.data), digits.shape);
const rows = (start: number, count: number) => slice(all, [start, 0], [count, 784]);

describe('MNIST subsets', () => {
  test('linear autoencoder vs PCA, k = 16, 2,000 digits: largest angle < 10°, MSE within 2% of PCA', async () => {
    const r = await linearAutoencoderVsPca(rows(0, 2000), 16, { epochs: 20, seed: 0 });
    expect(r.angles).toHaveLength(16);
    expect(r.maxAngleDegrees).toBeLessThan(10);
    expect(r.relativeGap).toBeGreaterThan(-1e-4); // PCA is the optimum (float32 rounding aside)
    expect(r.relativeGap).toBeLessThan(0.02);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]);
  }, 120_000);

  test('denoising autoencoder, Gaussian σ = 0.3: reconstructions of noisy test digits beat the noisy digits', async () => {
    const dae = DenoisingAutoencoder.dense({ inputSize: 784, latentSize: 32, seed: 0 }, { kind: 'gaussian', std: 0.3 });
    await dae.fit(rows(0, 1000), { epochs: 4, batchSize: 64, learningRate: 3e-3 });
    const clean = rows(2000, 300);
    const noisy = corrupt(clean, dae.corruption, { seed: 99 });
    const before = psnr(clean, noisy);
    const after = psnr(
      clean,
      noGrad(() => dae.reconstruct(noisy)),
    );
    expect(before).toBeCloseTo(10 * Math.log10(1 / 0.09), 0); // σ² = 0.09
    // 4 short epochs of a one-layer model; the ≥ 6 dB figure is the script's full run
    expect(after - before).toBeGreaterThan(1.5);
  }, 120_000);

  test('VAE: negative ELBO on held-out digits reported per epoch and decreasing', async () => {
    const vae = new VAE({ inputSize: 784, hiddenSizes: [64], latentSize: 8, seed: 0 });
    const logs = await vae.fit(rows(0, 1000), { epochs: 3, batchSize: 32, learningRate: 2e-3, validation: rows(2000, 300) });
    const curve = logs.map((l) => l.valNegativeElbo!);
    expect(curve).toHaveLength(3);
    curve.forEach((v, i) => i > 0 && expect(v).toBeLessThan(curve[i - 1]));
    expect(vae.sample(16, { seed: 1 }).shape).toEqual([16, 784]);
  }, 120_000);
});

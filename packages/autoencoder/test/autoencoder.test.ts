import { ShapeError, ValueError, full, mean, rand, sub, tensor, zeros } from '@lec/tensor';
import pngjs from 'pngjs';
import { describe, expect, test } from 'vitest';
import { Autoencoder, DenoisingAutoencoder, Reshape, VAE, corrupt, imageGrid, mse, psnr } from '../src/index.js';
import { encodePng } from '../src/png.js';

describe('corruption models', () => {
  const x = full([100, 100], 0.5);

  test('gaussian: noise of the given σ, seeded; clip keeps [0, 1]', () => {
    const a = corrupt(x, { kind: 'gaussian', std: 0.3 }, { seed: 1 });
    const b = corrupt(x, { kind: 'gaussian', std: 0.3 }, { seed: 1 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Math.sqrt(mse(a, x))).toBeCloseTo(0.3, 2);
    expect(mean(sub(a, x)).item()).toBeCloseTo(0, 2);
    const clipped = corrupt(x, { kind: 'gaussian', std: 3, clip: true }, { seed: 2 }).dataSync();
    expect(Math.min(...clipped)).toBe(0);
    expect(Math.max(...clipped)).toBe(1);
    expect(Array.from(corrupt(x, { kind: 'gaussian', std: 0.3 }, { seed: 3 }).dataSync())).not.toEqual(Array.from(a.dataSync()));
  });

  test('masking zeroes a fraction `rate` of entries and keeps the rest', () => {
    const m = corrupt(x, { kind: 'masking', rate: 0.25 }, { seed: 4 }).dataSync();
    const zerosShare = m.filter((v) => v === 0).length / m.length;
    expect(zerosShare).toBeCloseTo(0.25, 1);
    expect(m.every((v) => v === 0 || v === 0.5)).toBe(true);
  });

  test('salt-and-pepper sets a fraction `rate` to 0 or 1, half each', () => {
    const s = corrupt(x, { kind: 'saltAndPepper', rate: 0.2 }, { seed: 5 }).dataSync();
    expect(s.filter((v) => v === 0).length / s.length).toBeCloseTo(0.1, 1);
    expect(s.filter((v) => v === 1).length / s.length).toBeCloseTo(0.1, 1);
    expect(s.filter((v) => v === 0.5).length / s.length).toBeCloseTo(0.8, 1);
  });

  test('bad specs are rejected with what was expected', () => {
    expect(() => corrupt(x, { kind: 'gaussian', std: -1 })).toThrow(/'std' >= 0, got -1/);
    expect(() => corrupt(x, { kind: 'masking', rate: 2 })).toThrow(/'rate' in \[0, 1\], got 2/);
    expect(() => corrupt(x, { kind: 'blur' } as never)).toThrow(ValueError);
  });
});

describe('metrics', () => {
  test('mse and psnr', () => {
    expect(mse(tensor([0, 0]), tensor([1, 3]))).toBe(5);
    expect(psnr(tensor([0, 0]), tensor([0.1, 0.1]))).toBeCloseTo(20, 5); // 0.1 in float32
    expect(psnr(tensor([1]), tensor([1]))).toBe(Infinity);
    expect(() => mse(tensor([1, 2]), tensor([1]))).toThrow(ShapeError);
    expect(() => psnr(tensor([1]), tensor([1]), { maxValue: 0 })).toThrow(/maxValue/);
  });
});

describe('image grids and PNG', () => {
  test('rows of tensors become grid rows; values map to 0–255; PNG decodes back', () => {
    const a = full([2, 2, 2, 1], 1);
    const b = tensor([
      [0, 0.5, 1, 2],
      [-1, 0, 0, 0],
    ]);
    const grid = imageGrid([a, b], { padding: 1, background: 0 });
    expect([grid.width, grid.height]).toEqual([7, 7]);
    const px = (x: number, y: number) => grid.data[y * grid.width + x];
    expect(px(1, 1)).toBe(255);
    expect([px(1, 4), px(2, 4), px(1, 5), px(2, 5)]).toEqual([0, 128, 255, 255]); // clipped to [0, 1]
    expect(px(0, 0)).toBe(0);
    const decoded = pngjs.PNG.sync.read(Buffer.from(encodePng(grid)));
    expect([decoded.width, decoded.height]).toEqual([7, 7]);
    expect(decoded.data[4 * (4 * 7 + 2)]).toBe(128);
  });

  test('one tensor wraps every `columns`; scale enlarges', () => {
    const grid = imageGrid(zeros([5, 4]), { imageHeight: 2, imageWidth: 2, columns: 2, padding: 0, scale: 3 });
    expect([grid.width, grid.height]).toEqual([12, 18]);
    expect(() => imageGrid(zeros([2, 5]), { imageHeight: 2, imageWidth: 2 })).toThrow(/expected images of 2×2/);
  });
});

describe('Autoencoder', () => {
  test('dense shapes and a loss that goes down', async () => {
    const ae = Autoencoder.dense({ inputSize: 8, hiddenSizes: [6], latentSize: 2, seed: 0 });
    const x = rand([64, 8], { seed: 1 });
    expect(ae.encode(x).shape).toEqual([64, 2]);
    const history = await ae.fit(x, { epochs: 15, batchSize: 16, learningRate: 1e-2 });
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0].loss);
    const out = ae.reconstruct(x).dataSync();
    expect(out.every((v) => v > 0 && v < 1)).toBe(true); // sigmoid output
  });

  test('convolutional shapes and errors', () => {
    const ae = Autoencoder.convolutional({ height: 8, width: 8, channels: 2, filters: [3, 4], latentSize: 5, seed: 0 });
    expect(ae.encode(zeros([2, 8, 8, 2])).shape).toEqual([2, 5]);
    expect(ae.decode(zeros([2, 5])).shape).toEqual([2, 8, 8, 2]);
    expect(() => Autoencoder.convolutional({ height: 6, filters: [2, 2] })).toThrow(/divisible by 2\^filters.length = 4/);
    expect(() => Autoencoder.dense({ inputSize: 0, latentSize: 1 })).toThrow(/'inputSize' expected a positive integer, got 0/);
    expect(() => Autoencoder.dense({ inputSize: 3, latentSize: 1, activation: 'gelu' as never })).toThrow(/'activation' expected/);
    expect(() => new Reshape([2, 3]).forward(zeros([2, 5]))).toThrow(/cannot become \[batch, 2, 3\]/);
  });

  test('a denoising autoencoder trains on corrupted inputs against clean targets', async () => {
    const dae = DenoisingAutoencoder.dense({ inputSize: 6, latentSize: 3, seed: 0 }, { kind: 'masking', rate: 0.5 });
    const seen: number[] = [];
    const x = rand([32, 6], { seed: 2 });
    // the corruption is applied inside training: with every input masked the model can only learn the mean
    const allMasked = DenoisingAutoencoder.dense({ inputSize: 6, latentSize: 3, seed: 0 }, { kind: 'masking', rate: 1 });
    await allMasked.fit(x, { epochs: 60, batchSize: 32, learningRate: 3e-2 });
    const rec = allMasked.reconstruct(zeros([1, 6])).dataSync();
    const colMeans = mean(x, 0).dataSync();
    rec.forEach((v, j) => expect(v).toBeCloseTo(colMeans[j], 1));
    await dae.fit(x, { epochs: 2, batchSize: 8, callbacks: { onEpochEnd: (logs) => void seen.push(logs.loss) } });
    expect(seen).toHaveLength(2);
  });
});

describe('VAE', () => {
  test('sample, interpolate, reconstruct: shapes, ranges, seeds, endpoints', () => {
    const vae = new VAE({ inputSize: 6, latentSize: 2, hiddenSizes: [5], seed: 0 });
    const s1 = vae.sample(4, { seed: 3 }).dataSync();
    expect(Array.from(vae.sample(4, { seed: 3 }).dataSync())).toEqual(Array.from(s1));
    expect(s1.every((v) => v > 0 && v < 1)).toBe(true);
    const a = rand([1, 6], { seed: 1 });
    const b = rand([6], { seed: 2 });
    const path = vae.interpolate(a, b, 4);
    expect(path.shape).toEqual([4, 6]);
    const first = Array.from(path.dataSync().slice(0, 6));
    Array.from(vae.reconstruct(a).dataSync()).forEach((v, j) => expect(first[j]).toBeCloseTo(v, 6));
    expect(() => vae.interpolate(a, b, 1)).toThrow(/'steps' expected an integer >= 2/);
    expect(() => vae.interpolate(zeros([5]), b, 3)).toThrow(/one sample of 6 features/);
    expect(() => vae.encode(zeros([2, 5]))).toThrow(/expected \[n, 6\]/);
  });

  test('the ELBO terms: KL ≥ 0, −ELBO = reconstruction + KL; training lowers it', async () => {
    const vae = new VAE({ inputSize: 8, latentSize: 2, hiddenSizes: [8], seed: 0 });
    const x = rand([64, 8], { seed: 4 });
    const t = vae.elbo(x);
    expect(t.kl.item()).toBeGreaterThanOrEqual(0);
    expect(t.negativeElbo.item()).toBeCloseTo(t.reconstruction.item() + t.kl.item(), 4);
    const logs = await vae.fit(x, { epochs: 8, batchSize: 16, learningRate: 1e-2, validation: x });
    expect(logs).toHaveLength(8);
    expect(logs.at(-1)!.negativeElbo).toBeLessThan(logs[0].negativeElbo);
    expect(logs.at(-1)!.valNegativeElbo!).toBeLessThan(logs[0].valNegativeElbo!);
    expect(vae.negativeElbo(x)).toBeCloseTo(vae.negativeElbo(x), 10); // fixed ε seed: deterministic
  });
});

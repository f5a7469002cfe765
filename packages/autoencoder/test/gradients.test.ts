import { binaryCrossEntropyWithLogits, gaussianKlDivergence, meanSquaredError } from '@lec/nn';
import { Rng, Variable, add, f64Backend, mul, noGrad, rand, randn, square, sum, withBackend } from '@lec/tensor';
import { describe, expect, test } from 'vitest';
import { Autoencoder, DenoisingAutoencoder, Reshape, VAE, corrupt } from '../src/index.js';
import { gradcheck } from './gradcheck.js';

const f64 = { dtype: 'float64' as const };

function expectClean(report: { checked: number; mismatches: string[] }) {
  expect(report.checked).toBeGreaterThan(0);
  expect(report.mismatches, report.mismatches.slice(0, 5).join('\n')).toEqual([]);
}

describe('float64 gradient checks (central differences, eps 1e-6, atol 1e-5, rtol 1e-3)', () => {
  const backend = f64Backend();

  test('dense autoencoder (Dense, ReLU, Tanh, Sigmoid) under MSE', () => {
    withBackend(backend, () => {
      for (const activation of ['relu', 'tanh'] as const) {
        const ae = Autoencoder.dense({ inputSize: 5, hiddenSizes: [4], latentSize: 2, activation, seed: 1, ...f64 });
        const x = rand([3, 5], { seed: 2, ...f64 });
        expectClean(gradcheck(() => meanSquaredError(ae.forward(x), x), ae.trainableParameters()));
      }
    });
  });

  test('linear autoencoder (no activations, no bias) under MSE', () => {
    withBackend(backend, () => {
      const ae = Autoencoder.dense({
        inputSize: 4,
        latentSize: 2,
        activation: 'none',
        outputActivation: 'none',
        bias: false,
        seed: 3,
        ...f64,
      });
      const x = randn([6, 4], { seed: 4, ...f64 });
      expectClean(gradcheck(() => meanSquaredError(ae.forward(x), x), ae.trainableParameters(), { perVariable: 8 }));
    });
  });

  test('convolutional autoencoder (Conv2d, Flatten, Dense, Reshape, Conv2dTranspose, Sigmoid) under MSE', () => {
    withBackend(backend, () => {
      const ae = Autoencoder.convolutional({ height: 4, width: 4, channels: 1, filters: [2], latentSize: 3, seed: 5, ...f64 });
      const x = rand([2, 4, 4, 1], { seed: 6, ...f64 });
      expectClean(gradcheck(() => meanSquaredError(ae.forward(x), x), ae.trainableParameters(), { perVariable: 6 }));
    });
  });

  test('denoising autoencoder on a fixed corruption (salt-and-pepper) under MSE', () => {
    withBackend(backend, () => {
      const dae = DenoisingAutoencoder.dense({ inputSize: 5, latentSize: 2, seed: 7, ...f64 }, { kind: 'saltAndPepper', rate: 0.3 });
      const x = rand([3, 5], { seed: 8, ...f64 });
      const noisy = corrupt(x, dae.corruption, { seed: 9 });
      expectClean(gradcheck(() => meanSquaredError(dae.forward(noisy), x), dae.trainableParameters()));
    });
  });

  test('Reshape passes gradients through', () => {
    withBackend(backend, () => {
      const v = new Variable(randn([2, 6], { seed: 10, ...f64 }), { name: 'x' });
      const w = randn([2, 3, 2], { seed: 11, ...f64 });
      expectClean(gradcheck(() => sum(mul(new Reshape([3, 2]).forward(v.value), w)), [v]));
    });
  });

  test('VAE negative ELBO (BCE with logits + Gaussian KL, reparameterised) with a fixed ε', () => {
    withBackend(backend, () => {
      const vae = new VAE({ inputSize: 5, latentSize: 2, hiddenSizes: [3], seed: 12, ...f64 });
      const x = rand([3, 5], { seed: 13, ...f64 });
      expectClean(gradcheck(() => vae.elbo(x, new Rng(14)).negativeElbo, vae.trainableParameters(), { perVariable: 8 }));
    });
  });

  test('reparameterisation z = μ + exp(½·logvar)·ε in μ and logvar', () => {
    withBackend(backend, () => {
      const mu = new Variable(randn([2, 3], { seed: 15, ...f64 }), { name: 'mu' });
      const logvar = new Variable(randn([2, 3], { seed: 16, ...f64 }), { name: 'logvar' });
      const w = randn([2, 3], { seed: 17, ...f64 });
      expectClean(gradcheck(() => sum(mul(VAE.reparameterize(mu.value, logvar.value, new Rng(18)), w)), [mu, logvar]));
    });
  });

  test('the checker itself catches a wrong gradient', () => {
    withBackend(backend, () => {
      const v = new Variable(randn([4], { seed: 22, ...f64 }), { name: 'v' });
      // noGrad hides the second term from autograd, so the analytic gradient is wrong by 1
      const report = gradcheck(
        () =>
          add(
            sum(square(v.value)),
            noGrad(() => sum(v.value)),
          ),
        [v],
      );
      expect(report.mismatches).toHaveLength(4);
    });
  });

  test('the losses used here: MSE, BCE with logits, Gaussian KL', () => {
    withBackend(backend, () => {
      const p = new Variable(randn([3, 4], { seed: 19, ...f64 }), { name: 'p' });
      const q = new Variable(randn([3, 4], { seed: 20, ...f64 }), { name: 'q' });
      const t = rand([3, 4], { seed: 21, ...f64 });
      expectClean(gradcheck(() => meanSquaredError(p.value, t), [p]));
      expectClean(gradcheck(() => binaryCrossEntropyWithLogits(p.value, t, { reduction: 'sum' }), [p]));
      expectClean(gradcheck(() => gaussianKlDivergence(p.value, q.value), [p, q]));
    });
  });
});

import { cnnLayers } from '@lec/cnn';
import { FormatError, type LayerRegistry, type Module, type SavedModel, coreLayers, loadModel, saveModel } from '@lec/nn';
import { Rng, type Tensor, add, rand, randn, tidy } from '@lec/tensor';
import { describe, expect, test } from 'vitest';
import { Autoencoder, DenoisingAutoencoder, VAE, autoencoderLayers } from '../src/index.js';

const registry: LayerRegistry = { ...coreLayers, ...cnnLayers, ...autoencoderLayers };

/** A saved model's description with `set` applied at `path` (undefined deletes the field). */
function edited(saved: SavedModel, path: readonly string[], set: unknown): SavedModel {
  const root = JSON.parse(saved.description) as Record<string, unknown>;
  let o = root;
  for (const key of path.slice(0, -1)) o = o[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (set === undefined) delete o[last];
  else o[last] = set;
  return { description: JSON.stringify(root), weights: saved.weights };
}

/** Moves every parameter off its seeded initial value, so a load that kept the init would show. */
function perturb(model: Module<unknown, unknown>, seed: number): void {
  const rng = new Rng(seed);
  for (const [, v] of model.namedParameters()) v.assign(tidy(() => add(v.value, randn(v.shape, { rng, dtype: v.value.dtype }))));
}

const values = (t: Tensor) => Array.from(t.dataSync());

describe('save → load', () => {
  test('dense Autoencoder: same type, same parameters, identical encode and reconstruct', () => {
    const ae = Autoencoder.dense({ inputSize: 12, hiddenSizes: [8], latentSize: 3, activation: 'tanh', seed: 1 });
    perturb(ae, 2);
    const saved = saveModel(ae);
    const copy = loadModel(saved, registry);
    expect(copy).toBeInstanceOf(Autoencoder);
    expect(copy).not.toBeInstanceOf(DenoisingAutoencoder);
    const back = copy as Autoencoder;
    expect(back.namedParameters().map(([n]) => n)).toEqual(ae.namedParameters().map(([n]) => n));
    const x = rand([5, 12], { seed: 3 });
    expect(values(back.encode(x))).toEqual(values(ae.encode(x)));
    expect(values(back.reconstruct(x))).toEqual(values(ae.reconstruct(x)));
    // and a fresh model of the same architecture (same seed) computes something else: the weights were loaded
    const fresh = Autoencoder.dense({ inputSize: 12, hiddenSizes: [8], latentSize: 3, activation: 'tanh', seed: 1 });
    expect(values(fresh.reconstruct(x))).not.toEqual(values(ae.reconstruct(x)));
  });

  test('convolutional Autoencoder (Conv2d, Conv2dTranspose, Reshape) round-trips', () => {
    const ae = Autoencoder.convolutional({ height: 8, width: 8, channels: 1, filters: [2, 3], latentSize: 4, seed: 0 });
    perturb(ae, 5);
    const copy = loadModel(saveModel(ae), registry) as Autoencoder;
    const x = rand([2, 8, 8, 1], { seed: 6 });
    expect(values(copy.reconstruct(x))).toEqual(values(ae.reconstruct(x)));
    expect(() => loadModel(saveModel(ae), { ...coreLayers, ...autoencoderLayers })).toThrow(/unknown layer type 'Conv2d'/);
  });

  test.each([
    { kind: 'gaussian', std: 0.4, clip: true },
    { kind: 'gaussian', std: 0.2 },
    { kind: 'masking', rate: 0.3 },
    { kind: 'saltAndPepper', rate: 0.1 },
  ] as const)('DenoisingAutoencoder keeps its corruption %o and its outputs', (corruption) => {
    const dae = DenoisingAutoencoder.dense({ inputSize: 6, latentSize: 2, seed: 0 }, corruption);
    perturb(dae, 7);
    const copy = loadModel(saveModel(dae), registry);
    expect(copy).toBeInstanceOf(DenoisingAutoencoder);
    const back = copy as DenoisingAutoencoder;
    expect(back.corruption).toEqual(corruption);
    const x = rand([4, 6], { seed: 8 });
    expect(values(back.reconstruct(x))).toEqual(values(dae.reconstruct(x)));
    expect(values(back.corrupt(x, { seed: 9 }))).toEqual(values(dae.corrupt(x, { seed: 9 })));
  });

  test.each(['float32', 'float64'] as const)('VAE (%s): identical μ, logvar, decoder logits, samples and −ELBO', (dtype) => {
    const vae = new VAE({ inputSize: 10, latentSize: 3, hiddenSizes: [7, 5], activation: 'tanh', seed: 4, dtype });
    perturb(vae, 11);
    const copy = loadModel(saveModel(vae), registry);
    expect(copy).toBeInstanceOf(VAE);
    const back = copy as VAE;
    expect(back.config()).toEqual(vae.config());
    expect(back.dtype).toBe(dtype);
    const x = rand([6, 10], { seed: 12, dtype });
    const a = vae.encode(x);
    const b = back.encode(x);
    expect(values(b.mu)).toEqual(values(a.mu));
    expect(values(b.logvar)).toEqual(values(a.logvar));
    expect(values(back.decodeLogits(a.mu))).toEqual(values(vae.decodeLogits(a.mu)));
    expect(values(back.sample(4, { seed: 13 }))).toEqual(values(vae.sample(4, { seed: 13 })));
    expect(back.negativeElbo(x, { seed: 14 })).toBe(vae.negativeElbo(x, { seed: 14 }));
  });
});

describe('bad files are a FormatError, never a crash or a half-loaded model', () => {
  const ae = Autoencoder.dense({ inputSize: 6, latentSize: 2, seed: 0 });
  const saved = saveModel(ae);
  test('truncated or corrupted weights', () => {
    expect(() => loadModel({ ...saved, weights: saved.weights.subarray(0, saved.weights.length - 5) }, registry)).toThrow(FormatError);
    expect(() => loadModel({ ...saved, weights: new Uint8Array(16) }, registry)).toThrow(FormatError);
    const vae = saveModel(new VAE({ inputSize: 4, latentSize: 2, hiddenSizes: [3] }));
    // the weights of another model: names do not match
    expect(() => loadModel({ description: saved.description, weights: vae.weights }, registry)).toThrow(FormatError);
  });

  test('descriptions that do not match the weights or the schema', () => {
    const config = ['model', 'config'];
    expect(() => loadModel(edited(saved, [...config, 'decoder'], undefined), registry)).toThrow(
      /config field 'decoder' expected a layer description/,
    );
    expect(() => loadModel(edited(saved, [...config, 'encoder', 'config', 'layers', '0', 'config', 'outFeatures'], 3), registry)).toThrow(
      FormatError,
    );
    expect(() => loadModel(edited(saved, ['model', 'type'], 'Autoencoderz'), registry)).toThrow(/unknown layer type 'Autoencoderz'/);
    const dae = saveModel(DenoisingAutoencoder.dense({ inputSize: 6, latentSize: 2 }, { kind: 'masking', rate: 0.5 }));
    expect(() => loadModel(edited(dae, [...config, 'corruption'], { kind: 'blur' }), registry)).toThrow(FormatError);
    expect(() => loadModel(edited(dae, [...config, 'corruption', 'rate'], 2), registry)).toThrow(
      /'rate' expected a finite number in \[0, 1\]/,
    );
    expect(() => loadModel(edited(dae, [...config, 'corruption'], 'gaussian'), registry)).toThrow(/'corruption' expected an object/);
  });

  test('a VAE description asking for more parameters than the file holds fails before allocating', () => {
    const vae = saveModel(new VAE({ inputSize: 4, latentSize: 2, hiddenSizes: [3] }));
    expect(() => loadModel(edited(vae, ['model', 'config', 'inputSize'], 1e9), registry)).toThrow(
      /asks for more parameters than the \d+ values in the weights file/,
    );
    expect(() => loadModel(edited(vae, ['model', 'config', 'activation'], 'gelu'), registry)).toThrow(FormatError);
    expect(() => loadModel(edited(vae, ['model', 'config', 'hiddenSizes'], [4]), registry)).toThrow(FormatError);
  });
});

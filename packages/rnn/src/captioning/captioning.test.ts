import { paramGradCheck } from '@lec/backend-tests';
import { coreLayers, loadModel, saveModel } from '@lec/nn';
import { f64Backend, jsBackend, logSoftmax, mul, randn, setBackend, sum, tensor, uniform, withBackend } from '@lec/tensor';
import { beforeEach, describe, expect, it } from 'vitest';
import { rnnLayers } from '../registry.js';
import { captionText, digitCaptions, tokensToCaption } from './digit-captions.js';
import { ImageCaptioner } from './image-captioner.js';
import { trainCaptioner } from './train-captioner.js';

beforeEach(() => setBackend(jsBackend()));

/** Ten fake "digits": digit d is a bar in row 2d+4, so every composition is recognisable. */
function fakeDigits() {
  const pixels = new Float32Array(10 * 784);
  for (let d = 0; d < 10; d++) for (let c = 6; c < 22; c++) pixels[d * 784 + (2 * d + 4) * 28 + c] = 1;
  return {
    images: tensor(pixels, [10, 28, 28, 1]),
    labels: tensor(
      Int32Array.from({ length: 10 }, (_, d) => d),
      [10],
      { dtype: 'int32' },
    ),
  };
}

describe('digitCaptions', () => {
  it('places 1–3 digits left to right, whole, at random offsets, with their spelled captions', () => {
    const { images, digits, captions } = digitCaptions(fakeDigits(), 200, { seed: 1, jitter: 0 });
    expect(images.shape).toEqual([200, 28, 76, 1]);
    const px = images.dataSync();
    const counts = [0, 0, 0, 0];
    const starts = new Set<number>();
    digits.forEach((ds, i) => {
      counts[ds.length]++;
      expect(captions[i]).toBe(captionText(ds));
      // every digit's bar is in the picture (16 lit pixels per bar, jitter ±2 rows), left to right
      const lit = (d: number) => {
        const cols: number[] = [];
        for (let r = 2 * d + 4; r <= 2 * d + 4; r++) for (let c = 0; c < 76; c++) if (px[i * 28 * 76 + r * 76 + c] === 1) cols.push(c);
        return cols;
      };
      let sum = 0;
      for (let k = 0; k < 28 * 76; k++) sum += px[i * 28 * 76 + k];
      const distinct = new Set(ds).size;
      expect(sum).toBeGreaterThanOrEqual(16 * distinct);
      if (ds.length >= 2 && ds[0] !== ds[1]) expect(Math.min(...lit(ds[0]))).toBeLessThan(Math.min(...lit(ds[1])));
      starts.add(Math.min(...lit(ds[0])));
    });
    expect(counts[1] + counts[2] + counts[3]).toBe(200);
    expect(Math.min(counts[1], counts[2], counts[3])).toBeGreaterThan(40);
    expect(starts.size).toBeGreaterThan(10);
    // seeded
    expect(digitCaptions(fakeDigits(), 5, { seed: 1, jitter: 0 }).captions).toEqual(captions.slice(0, 5));
  });

  it('spells and reads back token ids', () => {
    expect(captionText([3, 5])).toBe('three five');
    expect(tokensToCaption([5, 7, 1, 4])).toBe('three five');
  });
});

describe('ImageCaptioner', () => {
  it('float64 gradient check of every parameter through the CNN encoder and the teacher-forced LSTM decoder', () => {
    withBackend(f64Backend(), () => {
      const model = new ImageCaptioner({
        height: 12,
        width: 12,
        filters: [2, 2],
        featureSize: 3,
        hiddenSize: 3,
        embedSize: 2,
        vocab: 5,
        seed: 1,
        dtype: 'float64',
      });
      const images = uniform([2, 12, 12, 1], 0, 1, { seed: 2, dtype: 'float64' });
      const inputs = tensor(
        [
          [0, 2, 3],
          [0, 4, 1],
        ],
        undefined,
        { dtype: 'int32' },
      );
      const w = randn([2, 3, 5], { seed: 3, dtype: 'float64' });
      const r = paramGradCheck(model, () => sum(mul(model.forward({ images, inputs }), w)));
      expect(r.failures).toEqual([]);
      expect(r.checked).toBeGreaterThan(100);
    });
  });

  it('beam search: sorted, width 1 is greedy, and each log-probability is the caption’s teacher-forced log-likelihood', () => {
    const model = new ImageCaptioner({ seed: 3, hiddenSize: 16, featureSize: 16 });
    const images = uniform([3, 28, 76, 1], 0, 1, { seed: 4 });
    const beams = model.beamSearch(images, { beamWidth: 4, maxLength: 4 });
    expect(beams.map((b) => b.length)).toEqual([4, 4, 4]);
    // the untrained model's captions run to maxLength or stop early: both kinds are scored
    expect(model.beamSearch(images, { beamWidth: 1, maxLength: 4 }).map((b) => b[0].tokens)).toEqual(model.caption(images, 4));
    beams.forEach((list, i) => {
      for (let j = 1; j < list.length; j++) expect(list[j].logProb).toBeLessThanOrEqual(list[j - 1].logProb);
      expect(new Set(list.map((b) => `${b.tokens.join(',')}|${b.finished}`)).size).toBe(list.length);
      for (const hyp of list) {
        // score the hypothesis by teacher forcing: Σ log p(w_t | w_<t, image), EOS included when finished
        const targets = hyp.finished ? [...hyp.tokens, 1] : hyp.tokens;
        const inputs = tensor([[0, ...targets.slice(0, -1)]], undefined, { dtype: 'int32' });
        const image = tensor(images.dataSync().slice(i * 28 * 76, (i + 1) * 28 * 76), [1, 28, 76, 1]);
        const logp = logSoftmax(model.forward({ images: image, inputs }), 2).dataSync();
        const expected = targets.reduce((s, tok, t) => s + logp[t * 12 + tok], 0);
        expect(hyp.logProb).toBeCloseTo(expected, 4);
      }
    });
  });

  it('trainCaptioner goes on training a given model and calls onCheckpoint every checkpointEvery steps and at the end', async () => {
    const model = new ImageCaptioner({ seed: 2, hiddenSize: 8, featureSize: 8, filters: [2], width: 52 });
    const before = Array.from(model.out.weight.value.dataSync());
    const steps: number[] = [];
    const r = await trainCaptioner(
      { train: fakeDigits(), test: fakeDigits() },
      {
        model,
        maxDigits: 2,
        steps: 5,
        batchSize: 4,
        testCount: 4,
        checkpointEvery: 2,
        onCheckpoint: (m, step) => {
          expect(m).toBe(model);
          steps.push(step);
        },
      },
    );
    expect(r.model).toBe(model);
    expect(steps).toEqual([2, 4, 5]);
    expect(Array.from(model.out.weight.value.dataSync())).not.toEqual(before);
    // a model whose width does not fit the captions is refused before training
    await expect(trainCaptioner({ train: fakeDigits(), test: fakeDigits() }, { model, maxDigits: 3, steps: 1 })).rejects.toThrow(
      /reads images 52 wide, the captions need 76/,
    );
  });

  it('save → load rebuilds the same captioner', () => {
    const model = new ImageCaptioner({ seed: 5, hiddenSize: 8, featureSize: 8, width: 52 });
    const copy = loadModel(saveModel(model), { ...coreLayers, ...rnnLayers }) as ImageCaptioner;
    expect(copy.config()).toEqual(model.config());
    const images = uniform([2, 28, 52, 1], 0, 1, { seed: 6 });
    const inputs = tensor(
      [
        [0, 3],
        [0, 4],
      ],
      undefined,
      { dtype: 'int32' },
    );
    const a = model.forward({ images, inputs });
    const b = copy.forward({ images, inputs });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
  });
});

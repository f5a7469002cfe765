/** A resumed `fit` through a stacked LSTM's inter-layer dropout matches an uninterrupted run. */
import { Adam, Dense, type FitOptions, Sequential, fit, meanSquaredError, modelCheckpoint } from '@lec/nn';
import { randn } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM } from './layers/recurrent.js';

const data = () => ({ x: randn([16, 6, 3], { seed: 1 }), y: randn([16, 1], { seed: 2 }) });
const options = (extra: Partial<FitOptions> = {}): FitOptions => ({
  loss: meanSquaredError,
  optimizer: new Adam({ learningRate: 0.01 }),
  epochs: 4,
  batchSize: 8,
  seed: 3,
  verbose: 0,
  ...extra,
});
const weightsOf = (m: Sequential) => m.parameters().map((p) => Array.from(p.value.dataSync()));

describe('resuming fit through recurrent inter-layer dropout', () => {
  for (const [name, Layer] of [
    ['stacked LSTM', LSTM],
    ['stacked GRU', GRU],
  ] as const) {
    it(`${name}: bit-identical weights to an uninterrupted run, and different without the dropout state`, async () => {
      const model = (seed: number) =>
        new Sequential([new Layer(3, 8, { numLayers: 3, dropout: 0.5, seed }), new Dense(8, 1, { seed: seed + 1 })]);
      const straight = model(0);
      const full = await fit(straight, data(), options());
      const checkpoints: Uint8Array[] = [];
      await fit(model(0), data(), options({ epochs: 2, callbacks: [modelCheckpoint({ save: (b) => void checkpoints.push(b) })] }));
      const resumed = model(9);
      const rest = await fit(resumed, data(), options({ resumeFrom: checkpoints[1] }));
      expect(rest.epochs.map((e) => e.loss)).toEqual(full.epochs.map((e) => e.loss));
      expect(weightsOf(resumed)).toEqual(weightsOf(straight));
      const unrestored = model(9);
      (unrestored.layers[0] as InstanceType<typeof Layer>).setRandomState = () => {};
      await fit(unrestored, data(), options({ resumeFrom: checkpoints[1] }));
      expect(weightsOf(unrestored)).not.toEqual(weightsOf(straight));
    });
  }
});

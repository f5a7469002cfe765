/** Early stopping's best weights (restoreBestWeights) travel in training checkpoints. */
import { randn, tensor } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import {
  Dense,
  type FitOptions,
  FormatError,
  SGD,
  fit,
  meanSquaredError,
  modelCheckpoint,
  readSafetensors,
  writeSafetensors,
} from '../src/index.js';

const data = () => {
  const x = randn([24, 3], { seed: 1 });
  return {
    x,
    y: tensor(
      Float32Array.from(x.dataSync(), (v, i) => (i % 3 === 0 ? v : 0)),
      [24, 3],
    ),
  };
};
// 'max' on a falling loss: epoch 0 stays the best, so training stops after `patience` more
// epochs and puts epoch 0's weights back
const options = (extra: Partial<FitOptions> = {}): FitOptions => ({
  loss: meanSquaredError,
  optimizer: new SGD({ learningRate: 0.1 }),
  epochs: 10,
  batchSize: 8,
  seed: 2,
  verbose: 0,
  earlyStopping: { monitor: 'loss', mode: 'max', patience: 3, restoreBestWeights: true },
  ...extra,
});
const weightsOf = (m: Dense) => m.parameters().map((p) => Array.from(p.value.dataSync()));

describe("early stopping's best weights in checkpoints", () => {
  it('a fit resumed after the best epoch restores the same best weights as an uninterrupted one', async () => {
    const straight = new Dense(3, 3, { seed: 0 });
    const full = await fit(straight, data(), options());
    expect([full.stopReason, full.bestEpoch, full.epochs.length]).toEqual(['earlyStopping', 0, 4]);
    const checkpoints: Uint8Array[] = [];
    await fit(
      new Dense(3, 3, { seed: 0 }),
      data(),
      options({ epochs: 2, callbacks: [modelCheckpoint({ save: (b) => void checkpoints.push(b) })] }),
    );
    expect([...readSafetensors(checkpoints[1]).tensors.keys()].filter((k) => k.startsWith('best/')).sort()).toEqual([
      'best/bias',
      'best/weight',
    ]);
    const resumed = new Dense(3, 3, { seed: 5 });
    const rest = await fit(resumed, data(), options({ resumeFrom: checkpoints[1] }));
    expect([rest.stopReason, rest.bestEpoch, rest.epochs.length]).toEqual(['earlyStopping', 0, 4]);
    expect(weightsOf(resumed)).toEqual(weightsOf(straight));
    // the check can fail: without the best weights in the checkpoint, the last epoch's stay
    const file = readSafetensors(checkpoints[1]);
    const stripped = writeSafetensors(
      [...file.tensors].filter(([k]) => !k.startsWith('best/')).map(([k, e]) => [k, tensor(e.data, e.shape)]),
      file.metadata,
    );
    const without = new Dense(3, 3, { seed: 5 });
    await fit(without, data(), options({ resumeFrom: stripped }));
    expect(weightsOf(without)).not.toEqual(weightsOf(straight));
  });

  it('best weights of the wrong shape are a FormatError and change nothing', async () => {
    const checkpoints: Uint8Array[] = [];
    await fit(
      new Dense(3, 3, { seed: 0 }),
      data(),
      options({ epochs: 2, callbacks: [modelCheckpoint({ save: (b) => void checkpoints.push(b) })] }),
    );
    const file = readSafetensors(checkpoints[1]);
    const bad = writeSafetensors(
      [...file.tensors].map(([k, e]) => [k, k === 'best/bias' ? tensor([1, 2]) : tensor(e.data, e.shape)]),
      file.metadata,
    );
    const model = new Dense(3, 3, { seed: 5 });
    const before = weightsOf(model);
    await expect(fit(model, data(), options({ resumeFrom: bad }))).rejects.toThrow(FormatError);
    await expect(fit(model, data(), options({ resumeFrom: bad }))).rejects.toThrow(/best weights: weight 'bias' has shape \[2\]/);
    expect(weightsOf(model)).toEqual(before);
  });
});

import { type Tensor, LecError, getBackend, randn, sqrt, sum, tensor } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  BatchNorm1d,
  Dense,
  type EpochLogs,
  NonFiniteError,
  Perceptron,
  ReLU,
  SGD,
  Sequential,
  Tanh,
  accuracy,
  binaryCrossEntropyWithLogits,
  confusionMatrix,
  decisionBoundary,
  evaluate,
  fit,
  meanSquaredError,
  predict,
  rosenblattStep,
  softmaxCrossEntropyWithLogits,
  trainStep,
} from '../src/index.js';

const X4 = () =>
  tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
const snapshot = (ts: readonly Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

/** A 3-class toy problem: blobs around three centres. */
function blobs(n: number, seed: number) {
  const noise = randn([n, 2], { seed, std: 0.3 }).dataSync();
  const centres = [
    [0, 2],
    [2, -1],
    [-2, -1],
  ];
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    x[2 * i] = centres[i % 3][0] + noise[2 * i];
    x[2 * i + 1] = centres[i % 3][1] + noise[2 * i + 1];
  }
  return { x: tensor(x, [n, 2]), y: tensor(y, [n]) };
}

describe('trainStep', () => {
  it('lowers the loss', () => {
    const model = new Dense(2, 1, { seed: 0 });
    const opt = new SGD({ learningRate: 0.01 });
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = tensor([[1], [2]]);
    const first = trainStep(model, meanSquaredError, opt, x, y).loss;
    for (let i = 0; i < 20; i++) trainStep(model, meanSquaredError, opt, x, y);
    expect(trainStep(model, meanSquaredError, opt, x, y).loss).toBeLessThan(first);
  });

  it('a NaN loss throws NonFiniteError naming epoch and batch, and changes no parameter, optimizer state or running statistic', () => {
    const model = new Sequential([new Dense(2, 3, { seed: 0 }), new BatchNorm1d(3), new ReLU(), new Dense(3, 1, { seed: 1 })]);
    const opt = new Adam({ learningRate: 0.01 });
    const x = tensor([
      [1, 2],
      [3, 4],
      [0, 1],
    ]);
    trainStep(model, meanSquaredError, opt, x, tensor([[1], [2], [0]]));
    const params = snapshot(model.parameters().map((p) => p.value));
    const state = snapshot(model.trainableParameters().flatMap((p) => [...(opt.stateOf(p) ?? [])]));
    const iterations = opt.iterations;
    let err: unknown;
    try {
      trainStep(model, meanSquaredError, opt, x, tensor([[1], [NaN], [0]]), { epoch: 4, batch: 17 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(err).toBeInstanceOf(LecError);
    expect((err as NonFiniteError).message).toMatch(/epoch 4, batch 17/);
    expect((err as NonFiniteError).epoch).toBe(4);
    expect((err as NonFiniteError).batch).toBe(17);
    expect((err as NonFiniteError).what).toBe('loss');
    expect(snapshot(model.parameters().map((p) => p.value))).toEqual(params);
    expect(snapshot(model.trainableParameters().flatMap((p) => [...(opt.stateOf(p) ?? [])]))).toEqual(state);
    expect(opt.iterations).toBe(iterations);
  });

  it('an infinite gradient with a finite loss is caught too and names the parameter', () => {
    const model = new Dense(1, 1, { seed: 0 });
    const opt = new SGD();
    // sqrt at 0: a finite value with an infinite derivative
    model.weight.assign(tensor([[0]]));
    model.bias!.assign(tensor([0]));
    expect(() => trainStep(model, (p) => sum(sqrt(p)), opt, tensor([[1]]), tensor([[0]]), { epoch: 0, batch: 3 })).toThrow(
      /gradient of 'weight'.*epoch 0, batch 3/,
    );
    expect(snapshot(model.parameters().map((p) => p.value))).toEqual([[0], [0]]);
  });

  it('clips by global norm and reports the norm before clipping', () => {
    const model = new Dense(1, 1, { seed: 0, bias: false });
    model.weight.assign(tensor([[0]]));
    const r = trainStep(model, meanSquaredError, new SGD({ learningRate: 1 }), tensor([[1]]), tensor([[10]]), { clipNorm: 1 });
    expect(r.gradNorm).toBeCloseTo(20, 4);
    expect(model.weight.value.dataSync()[0]).toBeCloseTo(1, 5);
  });

  it('leaks no tensors', () => {
    const model = new Sequential([new Dense(2, 4, { seed: 0 }), new BatchNorm1d(4), new Tanh(), new Dense(4, 3, { seed: 1 })]);
    const opt = new Adam();
    const { x, y } = blobs(12, 0);
    trainStep(model, softmaxCrossEntropyWithLogits, opt, x, y);
    const before = getBackend().liveBuffers();
    for (let i = 0; i < 3; i++) trainStep(model, softmaxCrossEntropyWithLogits, opt, x, y, { clipNorm: 1 });
    trainStep(model, softmaxCrossEntropyWithLogits, opt, x, y, { keepOutput: true }).output!.dispose();
    expect(getBackend().liveBuffers()).toBe(before);
  });
});

describe('fit, evaluate, predict', () => {
  const makeModel = () => new Sequential([new Dense(2, 16, { seed: 0 }), new ReLU(), new Dense(16, 3, { seed: 1 })]);

  it('trains, validates, records metrics per epoch, and is deterministic for a seed', async () => {
    const train = blobs(120, 1);
    const val = blobs(60, 2);
    const run = () => {
      const model = makeModel();
      return fit(model, train, {
        loss: softmaxCrossEntropyWithLogits,
        optimizer: new Adam({ learningRate: 0.05 }),
        epochs: 8,
        batchSize: 16,
        seed: 5,
        validation: val,
        metrics: { accuracy },
      }).then((h) => ({ h, model }));
    };
    const { h, model } = await run();
    expect(h.epochs.length).toBe(8);
    expect(h.stopReason).toBe('completed');
    const last = h.epochs.at(-1)!;
    expect(last.loss).toBeLessThan(h.epochs[0].loss);
    expect(last.accuracy).toBeGreaterThan(0.9);
    expect(last.valAccuracy).toBeGreaterThan(0.9);
    expect(typeof last.valLoss).toBe('number');
    const again = await run();
    expect(again.h.epochs.map((e) => e.loss)).toEqual(h.epochs.map((e) => e.loss));
    expect(Array.from(predict(again.model, val.x).dataSync())).toEqual(Array.from(predict(model, val.x).dataSync()));
    const ev = evaluate(model, val, { loss: softmaxCrossEntropyWithLogits, metrics: { accuracy }, batchSize: 7 });
    expect(ev.accuracy).toBeCloseTo(last.valAccuracy!, 10);
    expect(ev.loss).toBeCloseTo(last.valLoss!, 5);
    expect(predict(model, val.x, { batchSize: 7 }).shape).toEqual([60, 3]);
  });

  it('calls callbacks in order, awaits async ones, and stops when asked', async () => {
    const events: string[] = [];
    const h = await fit(makeModel(), blobs(30, 3), {
      loss: softmaxCrossEntropyWithLogits,
      optimizer: new SGD({ learningRate: 0.1 }),
      epochs: 5,
      batchSize: 10,
      callbacks: {
        onEpochBegin: (e) => void events.push(`begin ${e}`),
        onBatchEnd: async (l) => {
          await new Promise((r) => setTimeout(r, 1));
          events.push(`batch ${l.epoch}.${l.batch}`);
        },
        onEpochEnd: (l: EpochLogs, control) => {
          events.push(`end ${l.epoch}`);
          if (l.epoch === 1) control.stop();
        },
        onTrainEnd: (hist) => void events.push(`done ${hist.stopReason}`),
      },
    });
    expect(h.epochs.length).toBe(2);
    expect(h.stopReason).toBe('stopped');
    expect(events).toEqual([
      'begin 0',
      'batch 0.0',
      'batch 0.1',
      'batch 0.2',
      'end 0',
      'begin 1',
      'batch 1.0',
      'batch 1.1',
      'batch 1.2',
      'end 1',
      'done stopped',
    ]);
  });

  it('stops on an aborted signal', async () => {
    const controller = new AbortController();
    const h = await fit(makeModel(), blobs(30, 3), {
      loss: softmaxCrossEntropyWithLogits,
      optimizer: new SGD(),
      epochs: 5,
      batchSize: 10,
      signal: controller.signal,
      callbacks: { onBatchEnd: (l) => void (l.batch === 0 && controller.abort()) },
    });
    expect(h.stopReason).toBe('stopped');
    expect(h.epochs.length).toBe(1);
  });

  it('early stopping waits `patience` epochs and can restore the best weights', async () => {
    const model = makeModel();
    const data = blobs(30, 4);
    let best: number[] | undefined;
    // a learning rate this large makes the loss blow up and oscillate after the first epochs
    const h = await fit(model, data, {
      loss: softmaxCrossEntropyWithLogits,
      optimizer: new SGD({ learningRate: 0.1 }),
      epochs: 50,
      batchSize: 30,
      shuffle: false,
      earlyStopping: { monitor: 'loss', patience: 2, minDelta: 10, restoreBestWeights: true },
      callbacks: { onEpochEnd: (l) => void (l.epoch === 0 && (best = Array.from(model.parameters()[0].value.dataSync()))) },
    });
    expect(h.stopReason).toBe('earlyStopping');
    expect(h.bestEpoch).toBe(0);
    expect(h.epochs.length).toBe(3);
    expect(Array.from(model.parameters()[0].value.dataSync())).toEqual(best);
  });

  it('passes a NonFiniteError through with the epoch and batch', async () => {
    const { x } = blobs(20, 5);
    const y = tensor(Array.from({ length: 20 }, (_, i) => [i === 13 ? NaN : 1]));
    const model = new Dense(2, 1, { seed: 0 });
    await expect(
      fit(model, { x, y }, { loss: meanSquaredError, optimizer: new SGD(), epochs: 2, batchSize: 5, shuffle: false }),
    ).rejects.toThrow(/epoch 0, batch 2/);
  });

  it('applies augment to training batches only, with the seeded generator', async () => {
    const seen: number[] = [];
    await fit(makeModel(), blobs(12, 6), {
      loss: softmaxCrossEntropyWithLogits,
      optimizer: new SGD(),
      epochs: 1,
      batchSize: 4,
      augment: (b, rng) => {
        seen.push(rng.int(1000));
        return b;
      },
    });
    expect(seen.length).toBe(3);
  });

  it('checks its arguments', async () => {
    const d = blobs(6, 7);
    await expect(fit(makeModel(), { x: d.x, y: tensor([1, 2]) }, { loss: meanSquaredError, optimizer: new SGD() })).rejects.toThrow(
      /x has 6 samples/,
    );
    await expect(fit(makeModel(), d, { loss: meanSquaredError, optimizer: new SGD(), batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});

describe('metrics', () => {
  it('accuracy from scores, one-hot, single columns and logits', () => {
    const i32 = (v: number[]) => tensor(v, undefined, { dtype: 'int32' });
    expect(
      accuracy(
        tensor([
          [0.1, 0.9],
          [0.8, 0.2],
        ]),
        i32([1, 1]),
      ),
    ).toBe(0.5);
    expect(
      accuracy(
        tensor([
          [0.1, 0.9],
          [0.8, 0.2],
        ]),
        tensor([
          [0, 1],
          [1, 0],
        ]),
      ),
    ).toBe(1);
    expect(accuracy(tensor([[0.7], [0.2]]), tensor([[1], [0]]))).toBe(1);
    expect(accuracy(tensor([[-1], [2]]), tensor([[0], [1]]), { threshold: 0 })).toBe(1);
    expect(() => accuracy(tensor([[1, 0]]), i32([1, 0]))).toThrow(/samples/);
  });
  it('confusion matrix [true][predicted]', () => {
    expect(
      confusionMatrix(
        tensor([
          [0.9, 0.1],
          [0.2, 0.8],
          [0.6, 0.4],
        ]),
        tensor([0, 1, 1], undefined, { dtype: 'int32' }),
      ),
    ).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });
});

describe('the perceptron (lecture recap)', () => {
  it('learns OR and AND with the Rosenblatt rule', () => {
    for (const labels of [
      [0, 1, 1, 1],
      [0, 0, 0, 1],
    ]) {
      const p = new Perceptron(2);
      const r = p.learn(X4(), tensor(labels));
      expect(r.converged).toBe(true);
      expect(r.errors.at(-1)).toBe(0);
      expect(Array.from(p.forward(X4()).dataSync())).toEqual(labels);
    }
  });

  it('provably fails on XOR: reports non-convergence after its epoch budget', () => {
    const r = new Perceptron(2).learn(X4(), tensor([0, 1, 1, 0]), { epochs: 40 });
    expect(r.converged).toBe(false);
    expect(r.epochs).toBe(40);
    expect(r.errors.length).toBe(40);
    expect(r.errors.every((e) => e > 0)).toBe(true);
  });

  it('rosenblattStep is one update w ← w + η(y − ŷ)x', () => {
    const r = rosenblattStep(tensor([[0], [0]]), tensor([0]), tensor([1, 2]), 1, 0.5);
    expect(r.error).toBe(1);
    expect(r.weight.toArray()).toEqual([[0.5], [1]]);
    expect(r.bias.toArray()).toEqual([0.5]);
  });

  it('an MLP learns XOR: 100% on the 4 points; decisionBoundary gives the grid', async () => {
    const model = new Sequential([new Dense(2, 8, { seed: 0 }), new Tanh(), new Dense(8, 1, { seed: 1 })]);
    const y = tensor([[0], [1], [1], [0]]);
    const acc = (p: Tensor, t: Tensor) => accuracy(p, t, { threshold: 0 });
    const h = await fit(
      model,
      { x: X4(), y },
      {
        loss: binaryCrossEntropyWithLogits,
        optimizer: new Adam({ learningRate: 0.05 }),
        epochs: 300,
        batchSize: 4,
        metrics: { accuracy: acc },
      },
    );
    expect(h.epochs.at(-1)!.accuracy).toBe(1);
    expect(acc(predict(model, X4()), y)).toBe(1);
    const grid = decisionBoundary(model, { xRange: [0, 1], yRange: [0, 1], resolution: 11 });
    expect(grid.xs.length).toBe(11);
    expect(grid.values.length).toBe(11);
    expect(grid.values[0][0]).toBeLessThan(0); // (0, 0) → class 0
    expect(grid.values[0][10]).toBeGreaterThan(0); // (1, 0) → class 1
    expect(grid.values[10][0]).toBeGreaterThan(0); // (0, 1) → class 1
    expect(grid.values[10][10]).toBeLessThan(0); // (1, 1) → class 0
    const p = new Perceptron(2);
    p.learn(X4(), tensor([0, 1, 1, 1]));
    expect(decisionBoundary(p, { xRange: [0, 1], yRange: [0, 1], resolution: 2 }).values).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});

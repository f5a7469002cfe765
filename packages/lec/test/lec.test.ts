import { afterEach, describe, expect, it } from 'vitest';
import * as lec from '../src/index.js';

const {
  AdditiveAttention,
  Autoencoder,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Bidirectional,
  ChebConv,
  ChildSumTreeLSTM,
  Conv1d,
  Conv2d,
  Conv2dTranspose,
  Dense,
  DenoisingAutoencoder,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GCN,
  GCNConv,
  GRU,
  GRUCell,
  GlobalAvgPool,
  GlobalMaxPool,
  ImageCaptioner,
  LSTM,
  LSTMCell,
  LayerNorm,
  LeakyReLU,
  MaxPool2d,
  MultiplicativeAttention,
  NaryTreeLSTM,
  Perceptron,
  RNN,
  RNNCell,
  ReLU,
  Reshape,
  Seq2Seq,
  SequenceClassifier,
  SequenceGenerator,
  SequenceTagger,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  Upsample,
  VAE,
  allLayers,
  loadModel,
  saveModel,
} = lec;

/** One instance of every registered type, with options away from the defaults where they exist. */
const instances: Record<string, () => lec.Module<any, any>> = {
  Sequential: () => new Sequential([new Dense(3, 4, { seed: 1 }), new Tanh()]),
  Dense: () => new Dense(3, 4, { seed: 1, bias: false }),
  ReLU: () => new ReLU(),
  Tanh: () => new Tanh(),
  Sigmoid: () => new Sigmoid(),
  LeakyReLU: () => new LeakyReLU(0.2),
  ELU: () => new ELU(0.5),
  Softmax: () => new Softmax(),
  Dropout: () => new Dropout(0.3, { seed: 2 }),
  Embedding: () => new Embedding(7, 3, { seed: 1 }),
  Flatten: () => new Flatten(),
  LayerNorm: () => new LayerNorm(4),
  BatchNorm1d: () => new BatchNorm1d(4),
  BatchNorm2d: () => new BatchNorm2d(3),
  Perceptron: () => new Perceptron(3),
  Conv2d: () => new Conv2d(2, 3, [3, 2], { strides: 2, padding: 'same', seed: 1 }),
  Conv2dTranspose: () => new Conv2dTranspose(2, 3, 3, { seed: 1 }),
  MaxPool2d: () => new MaxPool2d(2),
  AvgPool2d: () => new AvgPool2d(3, { strides: 1 }),
  GlobalAvgPool: () => new GlobalAvgPool(),
  GlobalMaxPool: () => new GlobalMaxPool(),
  Conv1d: () => new Conv1d(2, 3, 3, { padding: 'same', stride: 2, seed: 1 }),
  Upsample: () => new Upsample(2, 'bilinear'),
  RNNCell: () => new RNNCell(3, 4, { seed: 1 }),
  LSTMCell: () => new LSTMCell(3, 4, { seed: 1 }),
  GRUCell: () => new GRUCell(3, 4, { seed: 1 }),
  RNN: () => new RNN(3, 4, { seed: 1, numLayers: 2 }),
  LSTM: () => new LSTM(3, 4, { seed: 1 }),
  GRU: () => new GRU(3, 4, { seed: 1, returnSequences: true }),
  Bidirectional: () => new Bidirectional(new LSTM(3, 4, { seed: 1 }), new LSTM(3, 4, { seed: 2 })),
  SequenceClassifier: () => new SequenceClassifier(3, 4, 2, { seed: 1 }),
  SequenceTagger: () => new SequenceTagger(3, 4, 2, { seed: 1, bidirectional: true }),
  SequenceGenerator: () => new SequenceGenerator(3, 4, 6, { seed: 1, cell: 'gru' }),
  Seq2Seq: () => new Seq2Seq(5, 6, 4, { seed: 1 }),
  AdditiveAttention: () => new AdditiveAttention(3, 4, 5, { seed: 2 }),
  MultiplicativeAttention: () => new MultiplicativeAttention(3, 4, { seed: 2 }),
  ImageCaptioner: () => new ImageCaptioner({ width: 52, filters: [4, 6], featureSize: 8, hiddenSize: 6, embedSize: 3, seed: 4 }),
  ChildSumTreeLSTM: () => new ChildSumTreeLSTM(3, 4, { seed: 1 }),
  NaryTreeLSTM: () => new NaryTreeLSTM(3, 4, 3, { seed: 1 }),
  GCNConv: () => new GCNConv(4, 2, { seed: 1 }),
  ChebConv: () => new ChebConv(3, 2, 3, { seed: 1 }),
  GCN: () => new GCN({ inFeatures: 5, classes: 3, hidden: [4], seed: 1 }),
  Autoencoder: () => Autoencoder.dense({ inputSize: 6, latentSize: 2, hiddenSizes: [4], seed: 1 }),
  DenoisingAutoencoder: () => DenoisingAutoencoder.dense({ inputSize: 6, latentSize: 2, seed: 1 }, { kind: 'masking', rate: 0.3 }),
  VAE: () => new VAE({ inputSize: 6, latentSize: 2, hiddenSizes: [4], seed: 1 }),
  Reshape: () => new Reshape([2, 3]),
};

describe('allLayers: every layer and model of every package saves and loads', () => {
  it('has an instance here for every registered type (a new type without a case fails)', () => {
    expect(Object.keys(instances).sort()).toEqual(Object.keys(allLayers).sort());
  });

  it.each(Object.keys(instances))('%s: loadModel(saveModel(m)) writes back the same description and weights', (type) => {
    const model = instances[type]();
    const saved = saveModel(model);
    const copy = loadModel(saved);
    expect(copy.type).toBe(type);
    expect(copy.constructor).toBe(model.constructor);
    const again = saveModel(copy);
    expect(again.description).toBe(saved.description);
    expect(Buffer.from(again.weights).equals(Buffer.from(saved.weights))).toBe(true);
  });
});

describe('ready()', () => {
  afterEach(() => lec.setBackend(lec.jsBackend()));

  it('picks the wasm backend with the best SIMD build this engine validates, and sets it', async () => {
    const r = await ready();
    expect(r.name).toBe('wasm');
    expect(['relaxed', 'simd']).toContain(r.feature);
    expect(lec.getBackend()).toBe(r.backend);
    expect(r.threads).toBe(1);
    expect(r.reason).toMatch(/SIMD|simd|relaxed/);
    // tensors made now live on it, and a model trains there
    expect(lec.tensor([1, 2]).backend.name).toBe('wasm');
  });

  it('runs on threads when asked and says so; backend js on request', async () => {
    const r = await ready({ threads: 2 });
    expect(r.threads).toBe(2);
    (r.backend as { disposeBackend?: () => void }).disposeBackend?.();
    const js = await ready({ backend: 'js' });
    expect(js.name).toBe('js');
    expect(lec.getBackend().name).toBe('js');
  });
});

describe('resuming LeNet-5 on the wasm backend', () => {
  afterEach(() => lec.setBackend(lec.jsBackend()));

  it('gives bit-identical weights to an uninterrupted run (Adam with a cosine schedule, shuffling, augmentation)', async () => {
    await ready();
    const x = lec.rand([64, 28, 28, 1], { seed: 1 });
    const y = lec.tensor(
      Int32Array.from({ length: 64 }, (_, i) => i % 10),
      [64],
      { dtype: 'int32' },
    );
    const options = (): lec.FitOptions => ({
      loss: lec.softmaxCrossEntropyWithLogits,
      optimizer: new lec.Adam({ learningRate: lec.cosineDecay(4e-3, { totalSteps: 12 }) }),
      epochs: 3,
      batchSize: 16,
      seed: 5,
      verbose: 0,
      augment: (batch, rng) => ({ x: lec.randomAffine(batch.x, { rng }), y: batch.y }),
    });
    const straight = lec.lenet5({ seed: 0 });
    await lec.fit(straight, { x, y }, options());
    let checkpoint: Uint8Array | undefined;
    await lec.fit(
      lec.lenet5({ seed: 0 }),
      { x, y },
      {
        ...options(),
        epochs: 1,
        callbacks: [lec.modelCheckpoint({ save: (bytes) => void (checkpoint = bytes) })],
      },
    );
    const resumed = lec.lenet5({ seed: 9 });
    await lec.fit(resumed, { x, y }, { ...options(), resumeFrom: checkpoint });
    const a = straight.parameters().map((p) => Array.from(p.value.dataSync()));
    const b = resumed.parameters().map((p) => Array.from(p.value.dataSync()));
    expect(b).toEqual(a);
  });
});

const { ready } = lec;

/**
 * tfjs-layers 4.22 round trips in Node: tfjs model → model.json + weights → lec → the same
 * predictions, and lec → files on disk → tf.loadLayersModel → the same predictions, for every
 * supported layer. Unsupported layer classes and options are typed errors naming them.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AvgPool2d, Conv2d, Conv2dTranspose, GlobalAvgPool, MaxPool2d, lenet5 } from '@lec/cnn';
import {
  Dense,
  Dropout,
  ELU,
  FormatError,
  type JsonObject,
  LeakyReLU,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@lec/nn';
import { Bidirectional, GRU, LSTM, RNN } from '@lec/rnn';
import { Rng, jsBackend, setBackend, tensor } from '@lec/tensor';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedLayerError, fromTfjsLayers, toTfjsLayers } from '../src/index.js';
import { expectClose } from './helpers.js';
import { lecModels } from './models.js';

beforeAll(async () => {
  setBackend(jsBackend());
  await tf.setBackend('cpu');
});

/** What tfjs's file handler writes: model.json (as an object) and the weights. */
async function saveTfjs(model: tfl.LayersModel): Promise<{ modelJson: JsonObject; weightData: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts!;
  const modelJson = {
    modelTopology: a.modelTopology,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }],
  } as unknown as JsonObject;
  return { modelJson: JSON.parse(JSON.stringify(modelJson)), weightData: new Uint8Array(a.weightData as ArrayBuffer) };
}

/** Random weights (moving variances positive) so nothing is left at its initial value. */
function randomize(model: tfl.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  model.setWeights(
    model.weights.map((w) => {
      const n = w.shape.reduce((a, b) => a * (b ?? 1), 1);
      const low = w.name.includes('moving_variance') ? 0.5 : -0.5;
      return tf.tensor(
        Float32Array.from({ length: n }, () => low + rng.uniform(1)[0]),
        w.shape as number[],
      );
    }),
  );
}

function input(shape: number[], seed: number, ids?: number): Float32Array {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => (ids ? Math.floor(rng.uniform(1)[0] * ids) : rng.uniform(1)[0] * 2 - 1));
}

const tfjsModels: Record<string, { build: () => tfl.LayersModel; shape: number[]; ids?: number }> = {
  'conv, max/average pooling, batch norm, activation, flatten, dropout, dense softmax': {
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [12, 12, 2] }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, dilationRate: 1 }),
          tfl.layers.batchNormalization(),
          tfl.layers.activation({ activation: 'tanh' }),
          tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
          tfl.layers.flatten(),
          tfl.layers.dropout({ rate: 0.3 }),
          tfl.layers.dense({ units: 5, activation: 'softmax' }),
        ],
      }),
    shape: [3, 12, 12, 2],
  },
  'conv transpose, leaky relu, global average pooling, elu, relu, softmax layers': {
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [7, 6, 1] }),
          tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
          tfl.layers.leakyReLU({ alpha: 0.2 }),
          tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 1, padding: 'valid' }),
          tfl.layers.globalAveragePooling2d({}),
          tfl.layers.dense({ units: 4 }),
          tfl.layers.elu(), // tfjs 4.22 supports alpha 1 only
          tfl.layers.reLU(),
          tfl.layers.softmax(),
        ],
      }),
    shape: [2, 7, 6, 1],
  },
  'embedding, bidirectional LSTM, GRU, dense per step': {
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: 20, outputDim: 4, inputShape: [6] }),
          tfl.layers.bidirectional({
            layer: tfl.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid' }) as never,
          }),
          tfl.layers.gru({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' }),
          tfl.layers.dense({ units: 2 }),
        ],
      }),
    shape: [3, 6],
    ids: 20,
  },
  'simple RNN, bidirectional GRU (sum), layer norm, dense sigmoid': {
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [5, 3] }),
          tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }) as never, mergeMode: 'sum' }),
          tfl.layers.layerNormalization(),
          tfl.layers.dense({ units: 2, activation: 'sigmoid' }),
        ],
      }),
    shape: [4, 5, 3],
  },
  'MLP with batch norm': {
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [6] }),
          tfl.layers.batchNormalization(),
          tfl.layers.dense({ units: 3, activation: 'tanh', useBias: false }),
        ],
      }),
    shape: [5, 6],
  },
};

describe('tfjs-layers model → files → lec: the same predictions', () => {
  let seed = 0;
  for (const [name, spec] of Object.entries(tfjsModels)) {
    it(name, async () => {
      seed++;
      const model = spec.build();
      randomize(model, seed);
      const data = input(spec.shape, seed, spec.ids);
      const expected = tf.tidy(() => (model.predict(tf.tensor(data, spec.shape)) as tf.Tensor).dataSync());
      const files = await saveTfjs(model);
      const lec = fromTfjsLayers({ modelJson: JSON.stringify(files.modelJson), weightData: files.weightData }).eval();
      const x = spec.ids ? tensor(Int32Array.from(data), spec.shape, { dtype: 'int32' }) : tensor(data, spec.shape);
      const y = lec.forward(x);
      expect(y.shape).toEqual((model.outputs[0].shape as number[]).map((d, i) => (i === 0 ? spec.shape[0] : d)));
      expectClose(y.dataSync(), expected, 1e-5, 1e-6);
      model.dispose();
    });
  }
});

const lecForTfjs: Record<string, { build: () => Module<any, any>; shape: number[]; ids?: number }> = {
  lenet5: { build: () => lenet5({ seed: 4 }), shape: [2, 28, 28, 1] },
  'MLP (BatchNorm1d, LayerNorm)': { build: lecModels.mlp, shape: [4, 20] },
  'conv autoencoder (BatchNorm2d, Conv2dTranspose)': { build: lecModels['conv-autoencoder'], shape: [2, 16, 16, 1] },
  'embedding + bidirectional LSTMs + dense per step': { build: lecModels.bilstm, shape: [3, 7], ids: 30 },
  'GRU (resetAfter: false, 2 layers), RNN (relu), bidirectional sum': {
    build: () =>
      new Sequential([
        new GRU(5, 6, { numLayers: 2, resetAfter: false, returnSequences: true, seed: 1 }),
        new RNN(6, 4, { activation: 'relu', returnSequences: true, seed: 2 }),
        new Bidirectional(new LSTM(4, 3, { seed: 3 }), new LSTM(4, 3, { seed: 4 }), { merge: 'sum' }),
        new Dense(3, 2, { seed: 5 }),
        new Sigmoid(),
      ]),
    shape: [2, 6, 5],
  },
  'pools, global pool, activations, dropout': {
    build: () =>
      new Sequential([
        new Conv2d(2, 4, 3, { strides: 2, padding: 'same', seed: 6 }),
        new LeakyReLU(0.1),
        new AvgPool2d(2, { strides: 1, padding: 'same' }),
        new MaxPool2d(2),
        new Conv2dTranspose(4, 3, 2, { strides: 2, padding: 'same', seed: 7 }),
        new ELU(1),
        new Tanh(),
        new GlobalAvgPool(),
        new Dropout(0.2),
        new Dense(3, 4, { seed: 8 }),
        new ReLU(),
        new Softmax(),
      ]),
    shape: [2, 9, 9, 2],
  },
};

describe('lec → model.json + weights.bin on disk → tf.loadLayersModel: the same predictions', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lec-tfjs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let seed = 10;
  for (const [name, spec] of Object.entries(lecForTfjs)) {
    it(name, async () => {
      seed++;
      const model = spec.build();
      const data = input(spec.shape, seed, spec.ids);
      const x = spec.ids ? tensor(Int32Array.from(data), spec.shape, { dtype: 'int32' }) : tensor(data, spec.shape);
      model.forward(x); // training mode: BatchNorm statistics move
      model.eval();
      const expected = model.forward(x).dataSync();
      const { modelJson, weightData } = toTfjsLayers(model, { inputShape: spec.shape.slice(1) });
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      writeFileSync(join(dir, 'weights.bin'), weightData);
      // a file IO handler: what tfjs-node's file:// handler does, with fs
      const handler: tf.io.IOHandler = {
        load: async () => {
          const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
          const bytes = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
          return {
            modelTopology: json.modelTopology,
            weightSpecs: json.weightsManifest[0].weights,
            weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
            format: json.format,
          };
        },
      };
      const loaded = await tfl.loadLayersModel(handler);
      const got = tf.tidy(() => (loaded.predict(tf.tensor(data, spec.shape)) as tf.Tensor).dataSync());
      expectClose(got, expected, 1e-5, 1e-6);
      // and lec reads its own files back to the same function
      const back = fromTfjsLayers({
        modelJson: readFileSync(join(dir, 'model.json'), 'utf8'),
        weightData: readFileSync(join(dir, 'weights.bin')),
      }).eval();
      expectClose(back.forward(x).dataSync(), expected, 1e-6, 1e-7);
      loaded.dispose();
    });
  }

  it('a lec GRU with resetAfter (its default) is written as reset_after: true, which lec reads back and tfjs 4.22 refuses', async () => {
    const model = new Sequential([new GRU(3, 4, { seed: 1 }), new Dense(4, 2, { seed: 2 })]).eval();
    const x = tensor(input([2, 5, 3], 3), [2, 5, 3]);
    const { modelJson, weightData } = toTfjsLayers(model, { inputShape: [5, 3] });
    const back = fromTfjsLayers({ modelJson, weightData }).eval();
    expectClose(back.forward(x).dataSync(), model.forward(x).dataSync(), 1e-6, 1e-7);
    const manifest = (modelJson.weightsManifest as JsonObject[])[0].weights as JsonObject[];
    await expect(
      tfl.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: modelJson.modelTopology as never,
          weightSpecs: manifest as never,
          weightData: weightData.buffer as ArrayBuffer,
        }),
      ),
    ).rejects.toThrow(/reset_after/);
  });
});

describe('tfjs-layers files that lec cannot take', () => {
  it("an unsupported layer class, an unsupported option, tfjs's default hard_sigmoid: typed errors naming them", async () => {
    const files = await saveTfjs(
      tfl.sequential({ layers: [tfl.layers.separableConv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1] })] }),
    );
    expect(() => fromTfjsLayers(files)).toThrow(UnsupportedLayerError);
    expect(() => fromTfjsLayers(files)).toThrow(/layer class 'SeparableConv2D' is not supported/);
    const lstm = await saveTfjs(tfl.sequential({ layers: [tfl.layers.lstm({ units: 2, inputShape: [3, 2] })] }));
    expect(() => fromTfjsLayers(lstm)).toThrow(/recurrent_activation = "hard_sigmoid" is not supported/);
    const relu6 = await saveTfjs(tfl.sequential({ layers: [tfl.layers.dense({ units: 2, activation: 'relu6', inputShape: [3] })] }));
    expect(() => fromTfjsLayers(relu6)).toThrow(/activation 'relu6' is not supported/);
    expect(() => toTfjsLayers(new Sequential([new Conv2d(2, 4, 3, { groups: 2 })]), { inputShape: [5, 5, 2] })).toThrow(/groups 2/);
  });
  it('truncated or padded shards, a wrong shape, a missing weight, a polluting key: FormatError', async () => {
    const files = toTfjsLayers(new Sequential([new Dense(3, 2, { seed: 0 })]), { inputShape: [3] });
    expect(() => fromTfjsLayers({ ...files, weightData: files.weightData.subarray(0, 28) })).toThrow(
      /hold 28 bytes but the manifest describes 32 \(truncated\)/,
    );
    expect(() => fromTfjsLayers({ ...files, weightData: new Uint8Array(36) })).toThrow(/extra bytes/);
    const text = JSON.stringify(files.modelJson);
    expect(() => fromTfjsLayers({ modelJson: text.replace('[3,2]', '[2,3]'), weightData: files.weightData })).toThrow(
      /'dense_1\/kernel' has shape \[2, 3\], expected \[2, 2\]/,
    );
    expect(() => fromTfjsLayers({ modelJson: text.replace('/bias', '/bias2'), weightData: files.weightData })).toThrow(FormatError);
    expect(() =>
      fromTfjsLayers({ modelJson: text.replace('"format"', '"__proto__":{"x":1},"format"'), weightData: files.weightData }),
    ).toThrow(/forbidden key '__proto__'/);
    expect(() => fromTfjsLayers({ modelJson: text.replace('[3,2]', '[3,2e15]'), weightData: files.weightData })).toThrow(/budget/);
  });
});

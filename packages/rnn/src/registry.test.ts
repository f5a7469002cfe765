import { type Module, coreLayers, loadModel, saveModel } from '@lec/nn';
import { type Tensor, randn, tensor } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { AdditiveAttention, MultiplicativeAttention } from './attention.js';
import { ImageCaptioner } from './captioning/image-captioner.js';
import { GRUCell } from './cells/gru-cell.js';
import { LSTMCell } from './cells/lstm-cell.js';
import { RNNCell } from './cells/rnn-cell.js';
import { SequenceClassifier, SequenceGenerator, SequenceTagger, Seq2Seq } from './forms.js';
import { Bidirectional } from './layers/bidirectional.js';
import { GRU, LSTM, RNN } from './layers/recurrent.js';
import { rnnLayers } from './registry.js';
import { ChildSumTreeLSTM, NaryTreeLSTM } from './tree-lstm.js';

const registry = { ...coreLayers, ...rnnLayers };
const ints = (rows: number[][]) => tensor(rows, undefined, { dtype: 'int32' });
const seq = randn([2, 5, 3], { seed: 9 });
const tree = { parents: [-1, 0, 0, 1, 1] };

/** Each case: a model with non-default options and an input; the copy must compute the same. */
const cases: [string, () => Module<any, any>, (m: Module<any, any>) => Tensor][] = [
  [
    'RNNCell',
    () => new RNNCell(3, 4, { seed: 1 }),
    (m) => (m as RNNCell).step((m as RNNCell).projectInputs(randn([2, 3], { seed: 2 })), (m as RNNCell).initialState(2))[0],
  ],
  [
    'LSTMCell',
    () => new LSTMCell(3, 4, { seed: 1 }),
    (m) => (m as LSTMCell).step((m as LSTMCell).projectInputs(randn([2, 3], { seed: 2 })), (m as LSTMCell).initialState(2))[0],
  ],
  [
    'GRUCell',
    () => new GRUCell(3, 4, { seed: 1 }),
    (m) => (m as GRUCell).step((m as GRUCell).projectInputs(randn([2, 3], { seed: 2 })), (m as GRUCell).initialState(2))[0],
  ],
  ['RNN', () => new RNN(3, 4, { seed: 1, numLayers: 2, activation: 'relu' }), (m) => m.forward(seq)],
  ['LSTM', () => new LSTM(3, 4, { seed: 1, returnSequences: true }), (m) => m.forward(seq)],
  ['GRU', () => new GRU(3, 4, { seed: 1, numLayers: 2 }), (m) => m.forward(seq)],
  [
    'Bidirectional',
    () => new Bidirectional(new GRU(3, 4, { seed: 1 }), new GRU(3, 4, { seed: 2 }), { merge: 'sum' }),
    (m) => m.forward(seq),
  ],
  ['SequenceClassifier', () => new SequenceClassifier(3, 6, 2, { cell: 'gru', bidirectional: true, seed: 4 }), (m) => m.forward(seq)],
  ['SequenceTagger', () => new SequenceTagger(3, 6, 2, { cell: 'rnn', numLayers: 2, seed: 4 }), (m) => m.forward(seq)],
  [
    'SequenceGenerator',
    () => new SequenceGenerator(5, 6, 9, { seed: 4, embedSize: 3, eos: 2 }),
    (m) =>
      m.forward({
        vectors: randn([2, 5], { seed: 3 }),
        inputs: ints([
          [0, 3, 4],
          [0, 5, 1],
        ]),
      }),
  ],
  [
    'ImageCaptioner',
    () => new ImageCaptioner({ width: 52, filters: [4, 6], featureSize: 8, hiddenSize: 6, embedSize: 3, seed: 4 }),
    (m) =>
      m.forward({
        images: randn([2, 28, 52, 1], { seed: 3 }),
        inputs: ints([
          [0, 3, 4],
          [0, 5, 1],
        ]),
      }),
  ],
  [
    'Seq2Seq',
    () => new Seq2Seq(7, 8, 6, { cell: 'gru', seed: 4 }),
    (m) =>
      m.forward({
        source: ints([
          [3, 4, 5],
          [1, 2, 6],
        ]),
        inputs: ints([
          [0, 5, 4],
          [0, 1, 1],
        ]),
      }),
  ],
  ...(['additive', 'dot', 'general'] as const).map((attention): [string, () => Module<any, any>, (m: Module<any, any>) => Tensor] => [
    'Seq2Seq',
    () => new Seq2Seq(7, 8, 6, { attention, seed: 4, embedSize: 5 }),
    (m) =>
      (m as Seq2Seq).attentionWeights({
        source: ints([
          [3, 4, 5],
          [1, 2, 6],
        ]),
        inputs: ints([
          [0, 5, 4],
          [0, 1, 1],
        ]),
        sourceLengths: [3, 2],
      }),
  ]),
  [
    'AdditiveAttention',
    () => new AdditiveAttention(3, 4, 5, { seed: 2 }),
    (m) => m.forward({ queries: randn([2, 3], { seed: 1 }), values: randn([2, 5, 4], { seed: 2 }), lengths: [5, 3] }),
  ],
  [
    'MultiplicativeAttention',
    () => new MultiplicativeAttention(3, 4, { seed: 2 }),
    (m) => m.forward({ queries: randn([2, 2, 3], { seed: 1 }), values: randn([2, 5, 4], { seed: 2 }) }),
  ],
  ['ChildSumTreeLSTM', () => new ChildSumTreeLSTM(3, 4, { seed: 5 }), (m) => m.forward({ x: randn([5, 3], { seed: 6 }), tree }).h],
  ['NaryTreeLSTM', () => new NaryTreeLSTM(3, 4, 2, { seed: 5 }), (m) => m.forward({ x: randn([5, 3], { seed: 6 }), tree }).h],
];

describe('rnnLayers: every rnn layer and model saves and loads', () => {
  it.each(cases)('%s round-trips through saveModel/loadModel with the same outputs', (type, make, run) => {
    const model = make();
    const copy = loadModel(saveModel(model), registry);
    expect(copy.type).toBe(type);
    expect(copy.constructor).toBe(model.constructor);
    expect(copy.config()).toEqual(loadModel(saveModel(copy), registry).config());
    model.eval();
    copy.eval();
    expect(Array.from(run(copy).dataSync())).toEqual(Array.from(run(model).dataSync()));
  });

  it('lists every exported layer and model type', () => {
    expect(Object.keys(rnnLayers).sort()).toEqual([...new Set(cases.map(([t]) => t))].sort());
  });
});

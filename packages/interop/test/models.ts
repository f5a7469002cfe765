/** The lec twins of the models fixtures/make_fixtures.py builds in PyTorch. */
import { lenet5, Conv2d, Conv2dTranspose, MaxPool2d } from '@lec/cnn';
import { GCNConv } from '@lec/gcn';
import { BatchNorm1d, BatchNorm2d, Dense, Embedding, LayerNorm, ReLU, Sequential, Sigmoid, Tanh } from '@lec/nn';
import { Bidirectional, GRU, LSTM } from '@lec/rnn';

export const lecModels = {
  lenet5: () => lenet5({ seed: 3 }),
  mlp: () =>
    new Sequential([
      new Dense(20, 64, { seed: 1 }),
      new BatchNorm1d(64),
      new ReLU(),
      new Dense(64, 32, { seed: 2 }),
      new LayerNorm(32),
      new Tanh(),
      new Dense(32, 5, { seed: 3 }),
    ]),
  bilstm: () =>
    new Sequential([
      new Embedding(30, 6, { seed: 1 }),
      new Bidirectional(new LSTM(6, 8, { seed: 2 }), new LSTM(6, 8, { seed: 3 }), { returnSequences: true }),
      new Bidirectional(new LSTM(16, 8, { seed: 4 }), new LSTM(16, 8, { seed: 5 }), { returnSequences: true }),
      new Dense(16, 3, { seed: 6 }),
    ]),
  gru: () => new Sequential([new GRU(5, 7, { numLayers: 2, seed: 1 }), new Dense(7, 2, { seed: 2 })]),
  'conv-autoencoder': () =>
    new Sequential([
      new Conv2d(1, 8, 3, { padding: 'same', seed: 1 }),
      new BatchNorm2d(8),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(8, 4, 3, { padding: 'same', seed: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2dTranspose(4, 8, 2, { strides: 2, seed: 3 }),
      new ReLU(),
      new Conv2dTranspose(8, 1, 2, { strides: 2, seed: 4 }),
      new Sigmoid(),
    ]),
  gcn: () => new GCNConv(6, 4, { bias: true, seed: 1 }),
};

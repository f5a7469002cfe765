/**
 * The error-inputs table of @lec/rnn (issue 25): every exported function and class, the bad
 * inputs it must refuse and the typed error each gives, on the js and f64 backends.
 */
import { runErrorTable } from '@lec/backend-tests';
import { ShapeError, ValueError, f64Backend, jsBackend, tensor, zeros } from '@lec/tensor';
import * as rnn from './index.js';

const seq = () => zeros([2, 3, 4]);

runErrorTable({
  packageName: '@lec/rnn',
  exports: rnn as unknown as Record<string, unknown>,
  backends: { js: jsBackend, f64: f64Backend },
  noBadInput: {},
  cases: {
    RNN: [
      { name: 'wrong feature count', fn: () => new rnn.RNN(5, 8, { seed: 0 }).forward(seq()), error: ShapeError, op: 'RNN.run', arg: 'x' },
    ],
    LSTM: [
      { name: 'hidden size 0', fn: () => new rnn.LSTM(4, 0), error: ValueError, op: 'LSTMCell', arg: 'hiddenSize' },
      {
        name: 'wrong feature count',
        fn: () => new rnn.LSTM(5, 8, { seed: 0 }).forward(seq()),
        error: ShapeError,
        op: 'LSTM.run',
        arg: 'x',
      },
    ],
    GRU: [
      { name: 'rank-2 input', fn: () => new rnn.GRU(4, 8, { seed: 0 }).forward(zeros([2, 4])), error: ShapeError, op: 'GRU.run', arg: 'x' },
    ],
    RNNCell: [{ name: 'fractional hidden size', fn: () => new rnn.RNNCell(4, 1.5), error: ValueError, arg: 'hiddenSize' }],
    LSTMCell: [{ name: 'negative input size', fn: () => new rnn.LSTMCell(-1, 4), error: ValueError, arg: 'inputSize' }],
    GRUCell: [{ name: 'hidden size 0', fn: () => new rnn.GRUCell(4, 0), error: ValueError, arg: 'hiddenSize' }],
    Bidirectional: [
      {
        name: 'layers of different input sizes',
        fn: () => new rnn.Bidirectional(new rnn.LSTM(4, 8, { seed: 0 }), new rnn.LSTM(5, 8, { seed: 1 })),
        error: ValueError,
      },
    ],
    ChildSumTreeLSTM: [{ name: 'hidden size 0', fn: () => new rnn.ChildSumTreeLSTM(4, 0), error: ValueError, arg: 'hiddenSize' }],
    NaryTreeLSTM: [{ name: 'arity 0', fn: () => new rnn.NaryTreeLSTM(4, 8, 0), error: ValueError }],
    SequenceClassifier: [{ name: '0 classes', fn: () => new rnn.SequenceClassifier(4, 8, 0), error: ValueError, arg: 'classes' }],
    SequenceTagger: [{ name: '0 classes', fn: () => new rnn.SequenceTagger(4, 8, 0), error: ValueError, arg: 'classes' }],
    SequenceGenerator: [{ name: 'vocabulary 0', fn: () => new rnn.SequenceGenerator(4, 8, 0), error: ValueError, arg: 'vocab' }],
    Seq2Seq: [{ name: 'source vocabulary 0', fn: () => new rnn.Seq2Seq(0, 5, 8), error: ValueError, arg: 'sourceVocab' }],
    addingProblem: [{ name: '0 steps', fn: () => rnn.addingProblem(4, 0), error: ValueError }],
    expressionTrees: [{ name: 'a negative count', fn: () => rnn.expressionTrees(-1), error: ValueError, arg: 'n' }],
    hiddenGradientNorms: [
      {
        name: 'wrong feature count',
        fn: () => rnn.hiddenGradientNorms(new rnn.LSTM(5, 8, { seed: 0 }), seq(), (r) => r.last),
        error: ShapeError,
        op: 'LSTM.run',
        arg: 'x',
      },
    ],
    spectralNorm: [{ name: 'a rank-1 tensor', fn: () => rnn.spectralNorm(tensor([1, 2])), error: ValueError, arg: 'w' }],
    trainAddingProblem: [
      {
        name: "cell 'cnn' (rejected promise)",
        fn: () => rnn.trainAddingProblem({ cell: 'cnn' as never }),
        error: ValueError,
        arg: 'cell',
        async: true,
      },
    ],
    trainRowByRow: [
      {
        name: 'images of the wrong size (rejected promise)',
        fn: () =>
          rnn.trainRowByRow({
            train: { images: zeros([2, 5]), labels: tensor([0, 1], [2], { dtype: 'int32' }) },
            test: { images: zeros([2, 5]), labels: tensor([0, 1], [2], { dtype: 'int32' }) },
          } as never),
        error: ValueError,
        arg: 'train.images',
        async: true,
      },
    ],
    rowByRowAccuracy: [
      {
        name: 'images of the wrong size',
        fn: () =>
          rnn.rowByRowAccuracy(new rnn.SequenceClassifier(28, 8, 10), {
            images: zeros([2, 5]),
            labels: tensor([0, 1], [2], { dtype: 'int32' }),
          } as never),
        error: ValueError,
        arg: 'split.images',
      },
    ],
    treeSchedule: [{ name: 'a cycle', fn: () => rnn.treeSchedule({ parents: [1, 0] }), error: ValueError }],
  },
});

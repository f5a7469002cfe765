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
    Seq2Seq: [
      { name: 'source vocabulary 0', fn: () => new rnn.Seq2Seq(0, 5, 8), error: ValueError, arg: 'sourceVocab' },
      {
        name: 'an unknown attention',
        fn: () => new rnn.Seq2Seq(5, 5, 8, { attention: 'luong' as 'dot' }),
        error: ValueError,
        arg: 'attention',
      },
      {
        name: 'beam width 0',
        fn: () => new rnn.Seq2Seq(5, 5, 8).beamSearch(tensor([[2, 3]], undefined, { dtype: 'int32' }), { beamWidth: 0, maxLength: 3 }),
        error: ValueError,
        op: 'Seq2Seq.beamSearch',
        arg: 'beamWidth',
      },
      {
        name: 'attention weights without attention',
        fn: () =>
          new rnn.Seq2Seq(5, 5, 8).attentionWeights({
            source: tensor([[2, 3]], undefined, { dtype: 'int32' }),
            inputs: tensor([[0]], undefined, { dtype: 'int32' }),
          }),
        error: ValueError,
        op: 'Seq2Seq.attentionWeights',
      },
    ],
    beamSearch: [
      {
        name: 'beam width 0',
        fn: () => rnn.beamSearch(() => ({ logProbs: [-1, -1], state: null }), null, { bos: 0, eos: 0, beamWidth: 0, maxLength: 3 }),
        error: ValueError,
        op: 'beamSearch',
        arg: 'beamWidth',
      },
    ],
    batchedBeamSearch: [
      {
        name: 'EOS outside the vocabulary',
        fn: () =>
          rnn.batchedBeamSearch({ step: (s) => ({ logProbs: [-1, -1], state: s }), select: (s) => s }, null, 1, {
            bos: 0,
            eos: 5,
            beamWidth: 2,
            maxLength: 3,
          }),
        error: ValueError,
        op: 'batchedBeamSearch',
        arg: 'eos',
      },
    ],
    AdditiveAttention: [
      {
        name: 'values of the wrong size',
        fn: () => new rnn.AdditiveAttention(4, 6, 8).prepare(zeros([2, 5, 5])),
        error: ShapeError,
        op: 'AdditiveAttention.prepare',
        arg: 'values',
      },
      {
        name: 'a length of 0',
        fn: () => new rnn.AdditiveAttention(4, 6, 8).prepare(zeros([2, 5, 6]), [5, 0]),
        error: ValueError,
        op: 'AdditiveAttention.prepare',
        arg: 'lengths',
      },
    ],
    MultiplicativeAttention: [
      {
        name: "'dot' with different sizes",
        fn: () => new rnn.MultiplicativeAttention(4, 6, { score: 'dot' }),
        error: ValueError,
        op: 'MultiplicativeAttention',
      },
      {
        name: 'queries of the wrong batch',
        fn: () => {
          const att = new rnn.MultiplicativeAttention(3, 3);
          return att.attend(zeros([3, 3]), att.prepare(zeros([2, 4, 3])));
        },
        error: ShapeError,
        op: 'MultiplicativeAttention.attend',
        arg: 'queries',
      },
    ],
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

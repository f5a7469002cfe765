/**
 * The error-inputs table of @lec/rnn (issue 25): every exported function and class, the bad
 * inputs it must refuse and the typed error each gives, on the js and f64 backends.
 */
import { runErrorTable } from '@lec/backend-tests';
import { ShapeError, ValueError, f64Backend, jsBackend, tensor, zeros } from '@lec/tensor';
import * as rnn from './index.js';

const seq = () => zeros([2, 3, 4]);
const digits = (side: number) => ({ images: zeros([2, side, side, 1]), labels: tensor([3, 5], [2], { dtype: 'int32' }) });

runErrorTable({
  packageName: '@lec/rnn',
  exports: rnn as unknown as Record<string, unknown>,
  backends: { js: jsBackend, f64: f64Backend },
  noBadInput: { decodeDate: 'maps any token list to text (a token outside the target vocabulary becomes ?)' },
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
    cellGradientNorms: [
      {
        name: 'a GRU (no cell state)',
        fn: () => rnn.cellGradientNorms(new rnn.GRU(4, 8) as never, seq(), (r) => r.last),
        error: ValueError,
        arg: 'layer',
      },
      {
        name: 'a rank-2 input',
        fn: () => rnn.cellGradientNorms(new rnn.LSTM(4, 8), zeros([2, 4]), (r) => r.last),
        error: ValueError,
        arg: 'x',
      },
    ],
    captionText: [{ name: 'a non-digit', fn: () => rnn.captionText([3, 12]), error: ValueError, arg: 'digits' }],
    tokensToCaption: [{ name: 'a fractional token', fn: () => rnn.tokensToCaption([2.5]), error: ValueError, arg: 'tokens' }],
    digitCaptions: [
      { name: 'images not 28×28', fn: () => rnn.digitCaptions(digits(5), 2), error: ValueError, arg: 'split.images' },
      { name: 'a negative count', fn: () => rnn.digitCaptions(digits(28), -1), error: ValueError, arg: 'count' },
      { name: 'maxDigits < minDigits', fn: () => rnn.digitCaptions(digits(28), 1, { minDigits: 3, maxDigits: 2 }), error: ValueError },
      { name: 'a canvas too narrow', fn: () => rnn.digitCaptions(digits(28), 1, { width: 50 }), error: ValueError, arg: 'width' },
      {
        name: 'a label that is not a digit',
        fn: () => rnn.digitCaptions({ images: zeros([1, 28, 28, 1]), labels: tensor([10], [1], { dtype: 'int32' }) }, 1),
        error: ValueError,
        arg: 'split.labels',
      },
    ],
    ImageCaptioner: [
      { name: 'hidden size 0', fn: () => new rnn.ImageCaptioner({ hiddenSize: 0 }), error: ValueError, arg: 'hiddenSize' },
      { name: 'no convolution block', fn: () => new rnn.ImageCaptioner({ filters: [] }), error: ValueError, arg: 'filters' },
      { name: 'eos outside the vocabulary', fn: () => new rnn.ImageCaptioner({ eos: 12 }), error: ValueError, arg: 'eos' },
      {
        name: 'images of the wrong width',
        fn: () => new rnn.ImageCaptioner({ seed: 0 }).caption(zeros([1, 28, 28, 1]), 4),
        error: ShapeError,
        op: 'ImageCaptioner.encode',
        arg: 'images',
      },
      {
        name: 'beam width 0',
        fn: () => new rnn.ImageCaptioner({ seed: 0 }).beamSearch(zeros([1, 28, 76, 1]), { beamWidth: 0, maxLength: 4 }),
        error: ValueError,
        op: 'ImageCaptioner.beamSearch',
        arg: 'beamWidth',
      },
    ],
    captionAccuracy: [
      {
        name: 'captions that do not match the images',
        fn: () => rnn.captionAccuracy(new rnn.ImageCaptioner(), { images: zeros([2, 28, 76, 1]), digits: [[1]], captions: ['one'] }),
        error: ValueError,
        arg: 'data',
      },
    ],
    trainCaptioner: [
      {
        name: 'batch size 0 (rejected promise)',
        fn: () => rnn.trainCaptioner({ train: digits(28), test: digits(28) }, { batchSize: 0 }),
        error: ValueError,
        arg: 'batchSize',
        async: true,
      },
      {
        name: 'a model too narrow for the captions (rejected promise)',
        fn: () => rnn.trainCaptioner({ train: digits(28), test: digits(28) }, { model: new rnn.ImageCaptioner({ width: 52 }) }),
        error: ValueError,
        arg: 'model',
        async: true,
      },
    ],
    dateExamples: [
      { name: 'a negative count', fn: () => rnn.dateExamples(-1), error: ValueError, op: 'dateExamples', arg: 'n' },
      { name: 'an unknown split', fn: () => rnn.dateExamples(2, { split: 'dev' as 'test' }), error: ValueError, arg: 'split' },
      { name: 'maxDates 0', fn: () => rnn.dateExamples(2, { maxDates: 0 }), error: ValueError, arg: 'maxDates' },
    ],
    encodeDates: [
      {
        name: 'a character dates do not use',
        fn: () => rnn.encodeDates(['3 mär 98']),
        error: ValueError,
        op: 'encodeDates',
        arg: 'inputs',
      },
    ],
    trainDateTranslation: [
      {
        name: 'an unknown attention (rejected promise)',
        fn: () => rnn.trainDateTranslation({ attention: 'luong' as 'dot' }),
        error: ValueError,
        arg: 'attention',
        async: true,
      },
      {
        name: 'hidden size 0 (rejected promise)',
        fn: () => rnn.trainDateTranslation({ hiddenSize: 0 }),
        error: ValueError,
        arg: 'hiddenSize',
        async: true,
      },
      {
        name: 'maxDates 9 (rejected promise)',
        fn: () => rnn.trainDateTranslation({ maxDates: 9 }),
        error: ValueError,
        arg: 'maxDates',
        async: true,
      },
    ],
    translateDates: [
      {
        name: 'maxLength 0',
        fn: () => rnn.translateDates(new rnn.Seq2Seq(rnn.DATE_SOURCE_CHARS.length + 1, 13, 8), ['3 mar 98'], undefined, 0),
        error: ValueError,
        op: 'translateDates',
        arg: 'maxLength',
      },
      {
        name: 'an empty date',
        fn: () => rnn.translateDates(new rnn.Seq2Seq(rnn.DATE_SOURCE_CHARS.length + 1, 13, 8), ['']),
        error: ValueError,
        op: 'encodeDates',
        arg: 'inputs',
      },
    ],
    treeSchedule: [{ name: 'a cycle', fn: () => rnn.treeSchedule({ parents: [1, 0] }), error: ValueError }],
  },
});

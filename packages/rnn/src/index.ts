/**
 * @lec/rnn: recurrent networks. Sequences are [batch, time, features]; hidden states
 * [batch, hidden]; weights are stored so that x·W (row-major).
 * @packageDocumentation
 */
export type { RecurrentCell, State } from './cells/cell.js';
export type { CellOptions } from './cells/init.js';
export { RNNCell } from './cells/rnn-cell.js';
export { LSTMCell } from './cells/lstm-cell.js';
export { GRUCell } from './cells/gru-cell.js';
export { GRU, LSTM, RNN, type Recurrent, type RecurrentOptions, type RunOptions, type RunResult } from './layers/recurrent.js';
export { Bidirectional, type BidirectionalOptions } from './layers/bidirectional.js';
export { cellGradientNorms, hiddenGradientNorms, spectralNorm } from './diagnostics.js';
export {
  SequenceClassifier,
  SequenceGenerator,
  SequenceTagger,
  Seq2Seq,
  type CellType,
  type Seq2SeqBeamOptions,
  type Seq2SeqOptions,
  type SequenceModelOptions,
  type TokenOptions,
} from './forms.js';
export {
  AdditiveAttention,
  MultiplicativeAttention,
  type AttentionInput,
  type AttentionMemory,
  type AttentionOutput,
  type MultiplicativeScore,
} from './attention.js';
export type { AttentionKind } from './attention-decoder.js';
export {
  batchedBeamSearch,
  beamSearch,
  type BatchedBeamModel,
  type BeamSearchOptions,
  type BeamStep,
  type Hypothesis,
  type LengthPenalty,
  type LogProbs,
} from './beam-search.js';
export {
  ChildSumTreeLSTM,
  NaryTreeLSTM,
  treeSchedule,
  type TreeLSTMOptions,
  type TreeResult,
  type TreeSchedule,
  type TreeStructure,
} from './tree-lstm.js';
export {
  ADDING_RECIPE,
  EXPRESSION_TOKENS,
  ROW_MNIST_RECIPE,
  addingProblem,
  expressionTrees,
  rowByRowAccuracy,
  trainAddingProblem,
  trainRowByRow,
  type AddingEvalPoint,
  type AddingTaskOptions,
  type AddingTaskResult,
  type ExpressionForest,
  type ImageSplit,
  type RowByRowEpoch,
  type RowByRowOptions,
  type RowByRowResult,
} from './tasks.js';
export {
  CAPTION_TOKENS,
  DIGIT_WORDS,
  captionText,
  digitCaptions,
  tokensToCaption,
  type DigitCaptionOptions,
  type DigitCaptions,
} from './captioning/digit-captions.js';
export { ImageCaptioner, type ImageCaptionerOptions } from './captioning/image-captioner.js';
export {
  CAPTION_RECIPE,
  captionAccuracy,
  trainCaptioner,
  type CaptionTrainOptions,
  type CaptionTrainResult,
} from './captioning/train-captioner.js';
export {
  DATE_JOINER,
  DATE_SOURCE_CHARS,
  DATE_TARGET_CHARS,
  dateExamples,
  decodeDate,
  encodeDates,
  trainDateTranslation,
  translateDates,
  type DateExamples,
  type DateTaskOptions,
  type DateTaskResult,
  type LengthBucket,
} from './date-task.js';
export { rnnLayers } from './registry.js';

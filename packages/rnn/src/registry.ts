import type { LayerRegistry } from '@lec/nn';
import { AdditiveAttention, MultiplicativeAttention } from './attention.js';
import { ImageCaptioner } from './captioning/image-captioner.js';
import { GRUCell } from './cells/gru-cell.js';
import { LSTMCell } from './cells/lstm-cell.js';
import { RNNCell } from './cells/rnn-cell.js';
import { SequenceClassifier, SequenceGenerator, SequenceTagger, Seq2Seq } from './forms.js';
import { Bidirectional } from './layers/bidirectional.js';
import { GRU, LSTM, RNN } from './layers/recurrent.js';
import { ChildSumTreeLSTM, NaryTreeLSTM } from './tree-lstm.js';

/**
 * The registry of every @lec/rnn layer and model, for `loadModel`; merge it with the others:
 * `loadModel(saved, { ...coreLayers, ...rnnLayers })` (or `allLayers` from the `lec` package).
 * @example
 * ```ts
 * const lstm = new LSTM(3, 4, { seed: 0 });
 * const copy = loadModel(saveModel(lstm), { ...coreLayers, ...rnnLayers });
 * copy.type; // 'LSTM'
 * ```
 */
export const rnnLayers: LayerRegistry = Object.freeze({
  RNNCell: RNNCell.fromConfig,
  LSTMCell: LSTMCell.fromConfig,
  GRUCell: GRUCell.fromConfig,
  RNN: RNN.fromConfig,
  LSTM: LSTM.fromConfig,
  GRU: GRU.fromConfig,
  Bidirectional: Bidirectional.fromConfig,
  SequenceClassifier: SequenceClassifier.fromConfig,
  SequenceTagger: SequenceTagger.fromConfig,
  SequenceGenerator: SequenceGenerator.fromConfig,
  Seq2Seq: Seq2Seq.fromConfig,
  AdditiveAttention: AdditiveAttention.fromConfig,
  MultiplicativeAttention: MultiplicativeAttention.fromConfig,
  ImageCaptioner: ImageCaptioner.fromConfig,
  ChildSumTreeLSTM: ChildSumTreeLSTM.fromConfig,
  NaryTreeLSTM: NaryTreeLSTM.fromConfig,
});

/**
 * trainGCN: the semi-supervised node classification of Kipf & Welling (2017), full batch.
 * Loss = mean cross-entropy over the training nodes + weightDecay · ½‖W0‖² (first layer
 * only, the reference `5e-4 * tf.nn.l2_loss(W0)`; the validation loss includes it too). Its
 * gradient weightDecay · W0 is added by a W0-only @lec/nn `Adam({ weightDecay })` (the other
 * layers get a plain Adam) and its value, in both losses, is computed directly from W0: the
 * same update as differentiating the term, without recording it. After every epoch an
 * evaluation pass (no dropout) gives the validation loss (with the L2 term, as the reference) and
 * accuracy; early stopping as the reference `train.py`: stop after epoch e > window when
 * val_loss[e] > mean(val_loss[e − window .. e − 1]). Test accuracy uses the final weights.
 */
import { Adam } from '@lec/nn';
import {
  type BackendV1,
  CsrMatrix,
  type DType,
  type Tensor,
  ValueError,
  argmax,
  gather,
  getBackend,
  isTensor,
  noGrad,
  softmaxCrossEntropy,
  tensor,
  tidy,
  toBackend,
  variableGrads,
  withBackend,
} from '@lec/tensor';
import { density, denseToCsr } from './csr.js';
import { GCN } from './gcn.js';
import type { Graph } from './graph.js';

/** Options of `trainGCN`. Defaults are the paper's. */
export interface TrainGCNOptions {
  graph: Graph;
  /** Node features [n, f]: sparse (row-normalise them first, see `rowNormalize`) or dense. */
  features: CsrMatrix | Tensor;
  /**
   * Dense features are turned into CSR (so layer 1's X·W and its gradient Xᵀ·dH are sparse
   * products and input dropout acts on the nonzeros) when this is true, or, with 'auto' (the
   * default), when at most `SPARSE_DENSITY` (10%) of their entries are nonzero. `false`
   * keeps them dense. Sparse features stay sparse.
   */
  sparseFeatures?: boolean | 'auto';
  /** Class per node (−1 or anything for nodes outside the split). */
  labels: ArrayLike<number>;
  /** Labelled nodes for training; `val` drives early stopping; `test` is scored at the end. */
  split: { train: ArrayLike<number>; val?: ArrayLike<number>; test?: ArrayLike<number> };
  /** Number of classes (default max label + 1). */
  classes?: number;
  hidden?: number | readonly number[];
  dropout?: number;
  activation?: 'relu' | 'tanh';
  bias?: boolean;
  /** L2 coefficient on the first layer's weights, applied as weightDecay · ½‖W0‖² (default 5e-4). */
  weightDecay?: number;
  learningRate?: number;
  /** Maximum epochs (default 200). */
  epochs?: number;
  /** Early-stopping window on the validation loss (default 10; 0 turns it off). */
  patience?: number;
  /** Seed of init and dropout (default 0). */
  seed?: number;
  dtype?: DType;
  /** Backend to train on (default: the current one). */
  backend?: BackendV1;
  /** Run the per-epoch validation pass (default true when `split.val` is given). */
  evaluate?: boolean;
  /** Called after every epoch; return `false` to stop (anything else continues). */
  onEpoch?: (record: EpochRecord) => unknown;
}

/** One epoch of `trainGCN`'s history. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Wall time of the training step (forward, backward, Adam), ms. */
  stepMs: number;
  /** Wall time of the whole epoch including the evaluation pass, ms. */
  epochMs: number;
}

/** What `trainGCN` returns. */
export interface TrainGCNResult {
  model: GCN;
  history: EpochRecord[];
  /** Epochs run (< epochs when early stopping fired). */
  epochs: number;
  stoppedEarly: boolean;
  /** Accuracy on `split.test` with the final weights, or null without a test set. */
  testAccuracy: number | null;
  /** Predicted class of every node (argmax of the final logits). */
  predictions: Int32Array;
  /** Mean training-step time and mean epoch time over the run, ms. */
  meanStepMs: number;
  meanEpochMs: number;
}

/** Largest fraction of nonzeros at which `trainGCN` turns dense features into CSR by default. */
export const SPARSE_DENSITY = 0.1;

function prepareFeatures(x: CsrMatrix | Tensor, sparse: boolean | 'auto', backend: BackendV1): CsrMatrix | Tensor {
  if (x instanceof CsrMatrix) return x;
  if (!isTensor(x)) throw new ValueError('trainGCN', `argument 'features' expected a Tensor or a CsrMatrix, got ${typeof x}`);
  if (x.rank === 2 && (sparse === true || (sparse === 'auto' && density(x) <= SPARSE_DENSITY))) return denseToCsr(x);
  return toBackend(x, backend);
}

/**
 * Trains a GCN and reports per-epoch history and test accuracy.
 * @example
 * ```ts
 * const { graph, labels } = sbm({ sizes: [20, 20], pIn: 0.3, pOut: 0.02, seed: 0 });
 * const r = trainGCN({ graph, features: eye(40), labels, split: { train: [0, 20], test: [5, 25] }, epochs: 50, dropout: 0 });
 * r.history.length; // 50
 * ```
 */
export function trainGCN(options: TrainGCNOptions): TrainGCNResult {
  const backend = options.backend ?? getBackend();
  return withBackend(backend, () => train(options, backend));
}

function train(options: TrainGCNOptions, backend: BackendV1): TrainGCNResult {
  const op = 'trainGCN';
  const { graph, split } = options;
  const n = graph.numNodes;
  const features = prepareFeatures(options.features, options.sparseFeatures ?? 'auto', backend);
  const inFeatures = features instanceof CsrMatrix ? features.cols : features.shape[1];
  const labels = Int32Array.from(options.labels);
  if (labels.length !== n) throw new ValueError(op, `argument 'labels' expected ${n} entries (one per node), got ${labels.length}`);
  const ids = (name: string, a: ArrayLike<number> | undefined): Int32Array | null => {
    if (!a) return null;
    const out = Int32Array.from(a);
    for (const v of out) if (!(v >= 0 && v < n)) throw new ValueError(op, `split.${name} holds ${v}, expected node ids in [0, ${n})`);
    for (const v of out) if (labels[v] < 0) throw new ValueError(op, `split.${name} holds node ${v}, which has no label (${labels[v]})`);
    return out;
  };
  const trainIds = ids('train', split.train)!;
  if (trainIds.length === 0) throw new ValueError(op, `split.train is empty`);
  const valIds = ids('val', split.val);
  const testIds = ids('test', split.test);
  const classes = options.classes ?? labels.reduce((m, v) => Math.max(m, v), 0) + 1;
  const dtype = options.dtype ?? 'float32';
  const model = new GCN({
    inFeatures,
    classes,
    hidden: options.hidden,
    dropout: options.dropout,
    activation: options.activation,
    bias: options.bias,
    seed: options.seed,
    dtype,
  });
  const params = model.trainableParameters();
  const w0 = model.layers[0].weight;
  const weightDecay = options.weightDecay ?? 5e-4;
  const learningRate = options.learningRate ?? 0.01;
  // weightDecay·½‖W0‖² differentiates to weightDecay·W0, which Adam's L2 option adds to W0's
  // gradient: a W0-only Adam with it, and a plain one for the rest
  const optimizer0 = new Adam({ learningRate, weightDecay });
  const optimizer = new Adam({ learningRate });
  const rest = params.filter((p) => p !== w0);
  const epochs = options.epochs ?? 200;
  const patience = options.patience ?? 10;
  const evaluate = options.evaluate ?? valIds !== null;
  const input = { graph, x: features };

  const idx = (a: Int32Array) => tensor(a, [a.length], { dtype: 'int32' });
  const trainIdx = idx(trainIds);
  const trainLabels = idx(Int32Array.from(trainIds, (v) => labels[v]));
  const valIdx = valIds && idx(valIds);
  const valLabels = valIds && idx(Int32Array.from(valIds, (v) => labels[v]));
  /** weightDecay · ½‖W0‖² at the current weights. */
  const l2 = (): number => {
    if (weightDecay === 0) return 0;
    const w = w0.value.dataSync();
    let s = 0;
    for (let i = 0; i < w.length; i++) s += w[i] * w[i];
    return 0.5 * weightDecay * s;
  };
  const accuracy = (logits: Tensor, nodes: Int32Array): number => {
    const pred = argmax(logits, 1).dataSync();
    let ok = 0;
    for (let i = 0; i < nodes.length; i++) if (pred[i] === labels[nodes[i]]) ok++;
    return ok / nodes.length;
  };

  const history: EpochRecord[] = [];
  let stoppedEarly = false;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const t0 = performance.now();
    model.train(true);
    const { trainLoss, trainAccuracy } = tidy(() => {
      let trainAccuracy = 0;
      const { value, grads } = variableGrads(() => {
        const logits = gather(model.forward(input), trainIdx);
        trainAccuracy = noGrad(() => accuracy(logits, trainIds));
        return softmaxCrossEntropy(logits, trainLabels);
      }, params);
      const trainLoss = value.item() + l2(); // the L2 term at the weights the loss was taken at
      optimizer0.step([w0], [grads[params.indexOf(w0)]]);
      if (rest.length)
        optimizer.step(
          rest,
          grads.filter((_, i) => params[i] !== w0),
        );
      return { trainLoss, trainAccuracy };
    });
    const t1 = performance.now();
    let valLoss: number | null = null;
    let valAccuracy: number | null = null;
    if (evaluate && valIdx && valLabels && valIds) {
      model.eval();
      tidy(() =>
        noGrad(() => {
          const logits = gather(model.forward(input), valIdx);
          valLoss = softmaxCrossEntropy(logits, valLabels).item() + l2();
          valAccuracy = accuracy(logits, valIds);
        }),
      );
    }
    const record: EpochRecord = { epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, stepMs: t1 - t0, epochMs: performance.now() - t0 };
    history.push(record);
    if (!Number.isFinite(trainLoss)) throw new ValueError(op, `epoch ${epoch}: the training loss is ${trainLoss}`);
    if (options.onEpoch?.(record) === false) break;
    if (patience > 0 && valLoss !== null && epoch > patience) {
      let mean = 0;
      for (let k = history.length - 1 - patience; k < history.length - 1; k++) mean += history[k].valLoss!;
      if (valLoss > mean / patience) {
        stoppedEarly = true;
        break;
      }
    }
  }

  model.eval();
  const predictions = noGrad(() => tidy(() => Int32Array.from(argmax(model.forward(input), 1).dataSync())));
  let testAccuracy: number | null = null;
  if (testIds && testIds.length > 0) {
    let ok = 0;
    for (const v of testIds) if (predictions[v] === labels[v]) ok++;
    testAccuracy = ok / testIds.length;
  }
  optimizer.reset();
  optimizer0.reset();
  const mean = (k: 'stepMs' | 'epochMs') => history.reduce((s, r) => s + r[k], 0) / Math.max(1, history.length);
  return {
    model,
    history,
    epochs: history.length,
    stoppedEarly,
    testAccuracy,
    predictions,
    meanStepMs: mean('stepMs'),
    meanEpochMs: mean('epochMs'),
  };
}

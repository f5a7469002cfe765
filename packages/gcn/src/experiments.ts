/**
 * Ready-made runs the scripts, the docs and apps/bench call: the karate-club experiment
 * (Kipf's demo: identity features, one labelled node per faction) and an epoch timer.
 */
import { type BackendV1, CsrMatrix, type DType, type Tensor, getBackend, withBackend } from '@lec/tensor';
import type { KarateClub } from './edge-list.js';
import { nodeCoordinates } from './gcn.js';
import type { Graph } from './graph.js';
import { trainGCN, type TrainGCNResult } from './train.js';

/** What `trainKarate` returns. */
export interface KarateResult {
  /** Accuracy on the 32 unlabelled members. */
  accuracy: number;
  /** Predicted faction per node. */
  predictions: Int32Array;
  /** The 2-D hidden-layer embedding, one [x, y] per node, for plotting. */
  coordinates: number[][];
  result: TrainGCNResult;
}

/**
 * Semi-supervised karate club: only nodes 0 (Mr. Hi) and 33 (Officer) are labelled; a GCN
 * with identity features and hidden layers [4, 2] (tanh) classifies the other 32 and its
 * 2-unit layer is a 2-D embedding.
 * @example
 * ```ts
 * const r = trainKarate(loadKarate());
 * r.coordinates.length; // 34
 * ```
 */
export function trainKarate(club: KarateClub, options: { seed?: number; epochs?: number } = {}): KarateResult {
  const n = club.graph.numNodes;
  const train = [0, n - 1];
  const test = Array.from({ length: n }, (_, i) => i).filter((i) => !train.includes(i));
  const ids = Int32Array.from({ length: n }, (_, i) => i);
  const features = CsrMatrix.fromCoo(n, n, ids, ids);
  const result = trainGCN({
    graph: club.graph,
    features,
    labels: club.labels,
    split: { train, test },
    hidden: [4, 2],
    activation: 'tanh',
    dropout: 0,
    weightDecay: 0,
    epochs: options.epochs ?? 300,
    seed: options.seed ?? 0,
  });
  return {
    accuracy: result.testAccuracy!,
    predictions: result.predictions,
    coordinates: nodeCoordinates(result.model, { graph: club.graph, x: features }, 1),
    result,
  };
}

/** Options of `benchmarkEpochs`. */
export interface BenchmarkEpochsOptions {
  graph: Graph;
  features: CsrMatrix | Tensor;
  labels: ArrayLike<number>;
  train: ArrayLike<number>;
  /** Timed epochs (default 200) after `warmup` untimed ones (default 3). */
  epochs?: number;
  warmup?: number;
  hidden?: number;
  /** As `trainGCN`'s (default 'auto'). */
  sparseFeatures?: boolean | 'auto';
  backend?: BackendV1;
  dtype?: DType;
}

/**
 * Times full-batch GCN training steps (forward, backward, Adam; no evaluation pass), the
 * paper's model (hidden 16, dropout 0.5): what apps/bench's `gcn` suite calls.
 * @example
 * ```ts
 * const { graph, labels } = sbm({ sizes: [50, 50], pIn: 0.1, pOut: 0.01 });
 * benchmarkEpochs({ graph, features: eye(100), labels, train: [0, 50], epochs: 5 }).epochs; // 5
 * ```
 */
export function benchmarkEpochs(options: BenchmarkEpochsOptions): {
  epochs: number;
  medianMs: number;
  meanMs: number;
  totalMs: number;
  /** Every timed step, ms, in order. */
  stepsMs: number[];
} {
  const backend = options.backend ?? getBackend();
  return withBackend(backend, () => {
    const common = {
      graph: options.graph,
      features: options.features,
      labels: options.labels,
      split: { train: options.train },
      hidden: options.hidden,
      dtype: options.dtype,
      sparseFeatures: options.sparseFeatures,
      backend,
      evaluate: false,
      patience: 0,
    };
    const warmup = options.warmup ?? 3;
    if (warmup > 0) trainGCN({ ...common, epochs: warmup });
    const r = trainGCN({ ...common, epochs: options.epochs ?? 200 });
    const stepsMs = r.history.map((h) => h.stepMs);
    const ms = [...stepsMs].sort((a, b) => a - b);
    const total = ms.reduce((s, v) => s + v, 0);
    return { epochs: ms.length, medianMs: ms[Math.floor(ms.length / 2)], meanMs: total / ms.length, totalMs: total, stepsMs };
  });
}

/** A resumed `fit` through the GCN's dropout draws the same masks as an uninterrupted run. */
import { Adam, type FitOptions, Module, fit, meanSquaredError, modelCheckpoint } from '@lec/nn';
import { type Tensor, randn } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { GCN } from './gcn.js';
import { Graph } from './graph.js';

const graph = Graph.fromEdges(
  12,
  Array.from({ length: 12 }, (_, i) => [i, (i + 1) % 12] as [number, number]),
);

/** The GCN as a Module<Tensor, Tensor> over a fixed graph (node features in, logits out). */
class OnGraph extends Module<Tensor, Tensor> {
  readonly gcn: GCN;
  constructor(seed: number) {
    super();
    this.gcn = this.addModule('gcn', new GCN({ inFeatures: 5, classes: 3, hidden: 8, dropout: 0.5, seed }));
  }
  forward(x: Tensor): Tensor {
    return this.gcn.forward({ graph, x });
  }
}

const data = () => ({ x: randn([12, 5], { seed: 1 }), y: randn([12, 3], { seed: 2 }) });
const options = (extra: Partial<FitOptions> = {}): FitOptions => ({
  loss: meanSquaredError,
  optimizer: new Adam({ learningRate: 0.01 }),
  epochs: 5,
  batchSize: 12,
  shuffle: false,
  verbose: 0,
  ...extra,
});
const weightsOf = (m: Module<Tensor, Tensor>) => m.parameters().map((p) => Array.from(p.value.dataSync()));

describe('resuming fit through the GCN dropout', () => {
  it('gives bit-identical weights to an uninterrupted run, and differs without the dropout state', async () => {
    const straight = new OnGraph(0);
    const full = await fit(straight, data(), options());
    const checkpoints: Uint8Array[] = [];
    await fit(new OnGraph(0), data(), options({ epochs: 2, callbacks: [modelCheckpoint({ save: (b) => void checkpoints.push(b) })] }));
    const resumed = new OnGraph(7); // a new process: other initial weights, other dropout seed
    const rest = await fit(resumed, data(), options({ resumeFrom: checkpoints[1] }));
    expect(rest.epochs.map((e) => e.loss)).toEqual(full.epochs.map((e) => e.loss));
    expect(weightsOf(resumed)).toEqual(weightsOf(straight));
    // the check can fail: the same resume with the GCN's generator left where it was
    const unrestored = new OnGraph(7);
    unrestored.gcn.setRandomState = () => {};
    await fit(unrestored, data(), options({ resumeFrom: checkpoints[1] }));
    expect(weightsOf(unrestored)).not.toEqual(weightsOf(straight));
  });
});

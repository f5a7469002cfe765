/**
 * gcn: Kipf & Welling's 2-layer GCN on Cora (needs `--data DIR` / LEC_DATA_DIR holding
 * planetoid/cora; skips with the reason otherwise).
 *
 * (a) Training time of 200 full-batch epochs (forward, backward, Adam; no evaluation pass) with
 *     @lec/gcn's `benchmarkEpochs` (hidden 16, dropout 0.5, sparse features, sparse Â) on every
 *     lec backend, against the same model written in @tensorflow/tfjs-core on tfjs-wasm with a
 *     dense Â [2708, 2708] and dense features (tfjs has no sparse×dense matmul with gradients).
 * (b) Test accuracy of `trainGCN` (the paper's settings, early stopping on the validation loss)
 *     over 10 seeds in full mode (2 in --quick): mean ± std.
 */
import {
  type LTensor,
  errorLine,
  fastest,
  importChecked,
  lecBackends,
  meanStd,
  skip,
  tfjsImpl,
  timeCalls,
  timed,
} from '../harness/lec-models.js';
import type { Result, Suite, SuiteContext } from '../harness/types.js';
import type { LecBackend } from '../impls/lec.js';
import { type TfjsImpl, loadTfjsLayers } from '../impls/tfjs-common.js';

interface Csr {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}
interface GraphLike {
  numNodes: number;
  normalizedAdjacency(): Csr;
}
interface GcnApi {
  loadPlanetoid(
    dir: string,
    name: 'cora',
  ): {
    graph: GraphLike;
    features: Csr | null;
    labels: Int32Array;
    numClasses: number;
    split: { train: ArrayLike<number>; val?: ArrayLike<number>; test?: ArrayLike<number> };
  };
  rowNormalize(x: Csr): Csr;
  benchmarkEpochs(o: {
    graph: GraphLike;
    features: Csr | LTensor;
    labels: ArrayLike<number>;
    train: ArrayLike<number>;
    epochs?: number;
    warmup?: number;
    backend?: LecBackend;
  }): { epochs: number; medianMs: number; meanMs: number; totalMs: number };
  trainGCN(o: {
    graph: GraphLike;
    features: Csr;
    labels: ArrayLike<number>;
    split: { train: ArrayLike<number>; val?: ArrayLike<number>; test?: ArrayLike<number> };
    seed?: number;
    backend?: LecBackend;
    epochs?: number;
  }): { testAccuracy: number | null; epochs: number; meanStepMs: number };
}

const SUITE = 'gcn';

function plan(ctx: SuiteContext) {
  if (ctx.tiny) return { mode: 'tiny', epochs: 2, warmup: 1, peerEpochs: 1, peerWarmup: 1, seeds: 1, trainEpochs: 5 };
  if (ctx.quick) return { mode: 'quick', epochs: 50, warmup: 3, peerEpochs: 10, peerWarmup: 2, seeds: 2, trainEpochs: 200 };
  return { mode: 'full', epochs: 200, warmup: 3, peerEpochs: 200, peerWarmup: 3, seeds: 10, trainEpochs: 200 };
}

function dense(m: Csr): Float32Array {
  const out = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let i = m.rowPtr[r]; i < m.rowPtr[r + 1]; i++) out[r * m.cols + m.colIdx[i]] = m.values[i];
  return out;
}

/** The same GCN in tfjs-core: relu(Â·dropout(X)·W0) → Â·dropout(H)·W1, CE on the training nodes + 5e-4·½‖W0‖², Adam 0.01. */
async function tfjsEpochs(
  impl: TfjsImpl,
  adj: Csr,
  x: Csr,
  labels: Int32Array,
  train: ArrayLike<number>,
  classes: number,
  warmup: number,
  epochs: number,
) {
  await loadTfjsLayers(); // registers tfjs's gradient functions (tfjs-core alone has none)
  await impl.activate();
  const tf = impl.tfjs;
  const n = adj.rows;
  const f = x.cols;
  const A = tf.tensor2d(dense(adj), [n, n]);
  const X = tf.tensor2d(dense(x), [n, f]);
  // the loss over the training nodes as a 0/1 weight per node (tfjs-wasm has no gradient kernel for gather)
  const maskValues = new Float32Array(n);
  for (const i of Array.from(train)) maskValues[i] = 1;
  const mask = tf.tensor1d(maskValues);
  const Y = tf.tidy(() =>
    tf.oneHot(
      tf.tensor1d(
        Int32Array.from(labels, (l) => Math.max(0, l)),
        'int32',
      ),
      classes,
    ),
  );
  const glorot = (a: number, b: number) =>
    tf.variable(tf.randomUniform([a, b], -Math.sqrt(6 / (a + b)), Math.sqrt(6 / (a + b)), 'float32', 0));
  const W0 = glorot(f, 16);
  const W1 = glorot(16, classes);
  const opt = tf.train.adam(0.01);
  try {
    const ms = await timeCalls(
      () => {
        const loss = opt.minimize(
          () =>
            tf.tidy(() => {
              const h = tf.relu(tf.matMul(A, tf.matMul(tf.dropout(X, 0.5), W0)));
              const logits = tf.matMul(A, tf.matMul(tf.dropout(h, 0.5), W1));
              const ce = tf.losses.softmaxCrossEntropy(Y, logits, mask);
              return tf.add(ce, tf.mul(tf.sum(tf.square(W0)), 0.5 * 5e-4)) as import('@tensorflow/tfjs-core').Scalar;
            }),
          true,
        );
        loss?.dataSync();
        loss?.dispose();
      },
      warmup,
      epochs,
    );
    return ms;
  } finally {
    tf.dispose([A, X, mask, Y, W0, W1]);
    opt.dispose();
  }
}

export const gcn: Suite = {
  name: SUITE,
  description: 'GCN on Cora (--data): 200-epoch training time on lec backends vs tfjs-core (dense Â) on tfjs-wasm; 10-seed accuracy',
  figure: 'figure',
  steps: (ctx) => ctx.impls.filter((i) => i.kind === 'lec' || i.name === 'tfjs-wasm').length + 1,
  async run(ctx) {
    const p = plan(ctx);
    const caseA = `train ${p.epochs} epochs Cora (hidden 16, Adam)`;
    const lecs = lecBackends(ctx);
    const peer = tfjsImpl(ctx, 'tfjs-wasm');
    const everyone = [...lecs.map((l) => l.impl), ...(peer ? [peer] : [])];
    let api: GcnApi;
    let cora: ReturnType<GcnApi['loadPlanetoid']>;
    let features: Csr;
    try {
      if (!ctx.dataDir) throw new Error('no dataset directory: give --data DIR (or set LEC_DATA_DIR) holding planetoid/cora');
      api = await importChecked<GcnApi>('@lec/gcn', ['loadPlanetoid', 'rowNormalize', 'benchmarkEpochs', 'trainGCN']);
      cora = api.loadPlanetoid(ctx.dataDir, 'cora');
      if (!cora.features) throw new Error('the Cora dataset has no features');
      features = api.rowNormalize(cora.features);
    } catch (e) {
      for (const impl of everyone) ctx.emit(skip(SUITE, caseA, impl, errorLine(e)));
      return;
    }
    const results: Result[] = [];
    for (const { impl, backend } of lecs) {
      ctx.progress.tick(`${SUITE} ${impl.name}`);
      try {
        const r = api.benchmarkEpochs({
          graph: cora.graph,
          features,
          labels: cora.labels,
          train: cora.split.train,
          epochs: p.epochs,
          warmup: p.warmup,
          backend,
        });
        results.push({
          suite: SUITE,
          case: caseA,
          impl: impl.name,
          threads: impl.threads,
          median_ms: r.medianMs,
          min_ms: null,
          max_ms: null,
          status: 'ok',
          figure: `${(r.totalMs / 1000).toFixed(2)} s total`,
          metrics: {
            epochs: r.epochs,
            epoch_ms_median: r.medianMs,
            epoch_ms_mean: r.meanMs,
            total_ms: r.totalMs,
            throughput: 1000 / r.medianMs,
            throughput_unit: 'epochs/s',
            mode: p.mode,
          },
        });
      } catch (e) {
        results.push(skip(SUITE, caseA, impl, `error: ${errorLine(e)}`));
      }
    }
    if (peer) {
      ctx.progress.tick(`${SUITE} ${peer.name}`);
      try {
        const adj = cora.graph.normalizedAdjacency();
        const ms = await tfjsEpochs(peer, adj, features, cora.labels, cora.split.train, cora.numClasses, p.peerWarmup, p.peerEpochs);
        const total = ms.reduce((s, v) => s + v, 0);
        const r = timed(SUITE, caseA, peer, ms, `${(((total / ms.length) * p.epochs) / 1000).toFixed(2)} s total`, {
          epochs: ms.length,
          total_ms: total,
          throughput_unit: 'epochs/s',
          model: 'tfjs-core, dense Â and X, dropout 0.5, Adam 0.01, L2 5e-4 on W0',
          mode: p.mode,
        });
        r.metrics!.throughput = 1000 / r.median_ms!;
        if (ms.length < p.epochs) r.metrics!.extrapolated_from_epochs = ms.length;
        results.push(r);
        if (ms.length < p.epochs) ctx.note(`tfjs-wasm timed over ${ms.length} epochs; its total is mean × ${p.epochs}`);
      } catch (e) {
        results.push(skip(SUITE, caseA, peer, `error: ${errorLine(e)}`));
      }
    }
    const peerMs = results.find((r) => r.impl === 'tfjs-wasm' && r.status === 'ok')?.median_ms;
    for (const r of results) {
      if (peerMs && r.status === 'ok' && r.impl !== 'tfjs-wasm') {
        r.metrics!.vs_tfjs_wasm = peerMs / r.median_ms!;
        ctx.note(`${r.impl}: ${(peerMs / r.median_ms!).toFixed(1)}× tfjs-wasm per epoch`);
      }
      ctx.emit(r);
    }

    // (b) accuracy over seeds on the fastest lec backend
    const caseB = `accuracy Cora ×${p.seeds} seed${p.seeds > 1 ? 's' : ''}`;
    ctx.progress.tick(`${SUITE} accuracy`);
    const lecResults = results.filter((r) => lecs.some((l) => l.impl.name === r.impl));
    const best = fastest(lecResults);
    const chosen = best >= 0 ? lecs.find((l) => l.impl.name === lecResults[best].impl)! : lecs[lecs.length - 1];
    if (!chosen) return;
    try {
      const accs: number[] = [];
      const steps: number[] = [];
      for (let seed = 0; seed < p.seeds; seed++) {
        const r = api.trainGCN({
          graph: cora.graph,
          features,
          labels: cora.labels,
          split: cora.split,
          seed,
          backend: chosen.backend,
          epochs: p.trainEpochs,
        });
        accs.push(r.testAccuracy ?? Number.NaN);
        steps.push(r.meanStepMs);
        await new Promise((res) => setImmediate(res));
      }
      const { mean, std } = meanStd(accs);
      ctx.emit(
        timed(SUITE, caseB, chosen.impl, steps, `${(100 * mean).toFixed(2)} %${accs.length > 1 ? ` ± ${(100 * std).toFixed(2)}` : ''}`, {
          accuracy_mean: mean,
          accuracy_std: std,
          accuracies: accs,
          seeds: p.seeds,
          paper: 0.815,
          mode: p.mode,
        }),
      );
      ctx.note(
        `accuracy on ${chosen.impl.name} (median ms = mean training step per seed): ${accs.map((a) => (100 * a).toFixed(1)).join(', ')} % (paper 81.5 %)`,
      );
    } catch (e) {
      ctx.emit(skip(SUITE, caseB, chosen.impl, `error: ${errorLine(e)}`));
    }
  },
};

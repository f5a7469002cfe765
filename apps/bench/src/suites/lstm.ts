/**
 * lstm (issue 7): recurrent networks from @lec/rnn.
 *
 * (a) Speed: one training step (forward, backward through time, SGD update; loss = MSE of the
 *     last output against a random target) of an LSTM layer, batch 32, 50 steps, 64 inputs,
 *     128 hidden, on every lec backend, against tfjs-layers' LSTM (units 128,
 *     recurrentActivation sigmoid, one `trainOnBatch` with SGD) on tfjs-wasm in the same run.
 *     Targets: lec-wasm 1 thread ≤ 40 ms and ≥ 10× faster than tfjs-wasm.
 * (b) The adding problem, T = 100 (Hochreiter & Schmidhuber): @lec/rnn's `trainAddingProblem`
 *     recipe (ADDING_RECIPE: LSTM(2→64) + Dense(1), Adam, gradient-norm clipping, forget bias 1)
 *     and a tanh RNN of the same size with the same budget, on the fastest lec backend.
 *     Test MSE every `evalEvery` steps (targets: LSTM < 0.01, RNN > 0.1; predicting the mean
 *     scores ~0.17), and ‖∂L/∂h_t‖ per timestep of the last-step loss before and after training
 *     (metrics `series_*` and a chart with --svg). --quick runs 30 steps (still on the plateau).
 * (c) Row-by-row MNIST: @lec/rnn's `trainRowByRow` recipe (ROW_MNIST_RECIPE: 28 steps of 28
 *     pixels, SequenceClassifier(28, 128, 10), Adam with cosine decay), 8,000 train / 2,000
 *     test, test accuracy per epoch (target ≥ 97 %). --quick runs 5 batches.
 */
import {
  type LModule,
  type LTensor,
  type NnApi,
  type TensorApi,
  errorLine,
  fastest,
  fmtRate,
  importChecked,
  lecBackends,
  loadNn,
  loadTensorApi,
  skip,
  tfjsImpl,
  timeCalls,
  medianOf,
  timed,
} from '../harness/lec-models.js';
import type { Result, Suite, SuiteContext } from '../harness/types.js';
import type { LecBackend } from '../impls/lec.js';
import type { TfjsImpl } from '../impls/tfjs-common.js';
import { loadTfjsLayers } from '../impls/tfjs-common.js';
import { data as seeded } from '../harness/data.js';
import { b64 } from '../impls/pytorch.js';
import { pytorchRatios, pytorchResults, torchSteps } from './pytorch-steps.js';

interface RunResult {
  last: LTensor;
}
interface RecurrentLayer extends LModule {
  run(x: LTensor, options?: unknown): RunResult;
}
interface AddingOptions {
  cell?: 'lstm' | 'rnn';
  sequenceLength?: number;
  hiddenSize?: number;
  batchSize?: number;
  trainSteps?: number;
  learningRate?: number;
  clipNorm?: number;
  testSize?: number;
  evalEvery?: number;
  backend?: LecBackend;
}
interface AddingResult {
  initialMse: number;
  finalMse: number;
  curve: { step: number; testMse: number; trainLoss: number; elapsedMs: number }[];
  stepMs: number[];
  clippedSteps: number;
  gradNormsStart: number[];
  gradNormsEnd: number[];
}
interface RowByRowOptions {
  hiddenSize?: number;
  epochs?: number;
  batchSize?: number;
  maxSteps?: number;
  backend?: LecBackend;
  onEpoch?: (e: RowByRowEpoch) => void;
}
interface RowByRowEpoch {
  epoch: number;
  steps: number;
  trainLoss: number;
  testAccuracy: number;
  trainMs: number;
}
type Split = { images: LTensor; labels: LTensor };
interface RnnApi {
  LSTM: new (inputs: number, hidden: number, o?: { seed?: number }) => RecurrentLayer;
  /** The recipes (@lec/rnn tasks): defaults of trainAddingProblem / trainRowByRow. */
  ADDING_RECIPE: Required<Pick<AddingOptions, 'sequenceLength' | 'hiddenSize' | 'batchSize' | 'trainSteps' | 'learningRate' | 'clipNorm'>>;
  ROW_MNIST_RECIPE: { hiddenSize: number; batchSize: number; epochs: number; learningRate: number; clipNorm: number };
  trainAddingProblem(o: AddingOptions): Promise<AddingResult>;
  trainRowByRow(
    data: { train: Split; test: Split },
    o: RowByRowOptions,
  ): Promise<{ accuracy: number; epochs: RowByRowEpoch[]; steps: number }>;
}
interface CnnApi {
  loadMnist(o: { trainSize: number; testSize: number; seed: number }): Promise<{ train: Split; test: Split }>;
}

const SUITE = 'lstm';

interface Plan {
  mode: 'tiny' | 'quick' | 'full';
  speed: {
    batch: number;
    steps: number;
    inputs: number;
    hidden: number;
    warmup: number;
    timed: number;
    peerWarmup: number;
    peerTimed: number;
  };
  /** Overrides of @lec/rnn's ADDING_RECIPE (full mode runs the recipe as it is). */
  adding: AddingOptions & { evalEvery: number; testSize: number };
  /** Overrides of ROW_MNIST_RECIPE; full mode trains the recipe's epochs on 8,000 / 2,000. */
  rowMnist: { train: number; test: number; hiddenSize?: number; batchSize?: number; maxSteps?: number };
}

function plan(ctx: SuiteContext): Plan {
  const speed = { batch: 32, steps: 50, inputs: 64, hidden: 128 };
  if (ctx.tiny)
    return {
      mode: 'tiny',
      speed: { batch: 4, steps: 5, inputs: 8, hidden: 8, warmup: 1, timed: 2, peerWarmup: 1, peerTimed: 1 },
      adding: { sequenceLength: 10, hiddenSize: 8, batchSize: 8, trainSteps: 4, evalEvery: 2, testSize: 16 },
      rowMnist: { train: 32, test: 16, hiddenSize: 8, batchSize: 16, maxSteps: 1 },
    };
  if (ctx.quick)
    return {
      mode: 'quick',
      speed: { ...speed, warmup: 2, timed: 5, peerWarmup: 1, peerTimed: 3 },
      adding: { trainSteps: 30, evalEvery: 10, testSize: 256 },
      rowMnist: { train: 8000, test: 500, maxSteps: 5 },
    };
  return {
    mode: 'full',
    speed: { ...speed, warmup: 3, timed: 20, peerWarmup: 2, peerTimed: 10 },
    adding: { evalEvery: 100, testSize: 1000 },
    rowMnist: { train: 8000, test: 2000 },
  };
}

async function lecSpeed(T: TensorApi, nn: NnApi, rnn: RnnApi, backend: LecBackend, p: Plan['speed']) {
  const { batch, steps, inputs, hidden } = p;
  const { layer, x, y } = T.withBackend(backend, () => ({
    layer: new rnn.LSTM(inputs, hidden, { seed: 0 }),
    x: T.tensor(seeded(batch * steps * inputs, 1), [batch, steps, inputs]),
    y: T.tensor(seeded(batch * hidden, 2), [batch, hidden]),
  }));
  const sgd = new nn.SGD({ learningRate: 0.01 });
  const losses: number[] = [];
  const cpu: number[] = [];
  const ms = await timeCalls(
    () => losses.push(T.withBackend(backend, () => T.tidy(() => nn.trainStep(layer, nn.meanSquaredError, sgd, x, y).loss))),
    p.warmup,
    p.timed,
    cpu,
  );
  return { ms, losses, cpu, parameters: layer.numParameters?.() };
}

async function tfjsSpeed(impl: TfjsImpl, p: Plan['speed']) {
  const tfl = await loadTfjsLayers();
  await impl.activate();
  const tf = impl.tfjs;
  const { batch, steps, inputs, hidden } = p;
  const model = tfl.sequential({
    layers: [tfl.layers.lstm({ units: hidden, inputShape: [steps, inputs], recurrentActivation: 'sigmoid' })],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const x = tf.tensor3d(seeded(batch * steps * inputs, 1), [batch, steps, inputs]);
  const y = tf.tensor2d(seeded(batch * hidden, 2), [batch, hidden]);
  const losses: number[] = [];
  try {
    const cpu: number[] = [];
    const ms = await timeCalls(
      async () => {
        const l = await model.trainOnBatch(x, y);
        losses.push(Array.isArray(l) ? l[0] : l);
      },
      p.peerWarmup,
      p.peerTimed,
      cpu,
    );
    return { ms, losses, cpu };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

const fmt = (v: number) => (v >= 0.01 ? v.toFixed(3) : v.toExponential(1));
/** A gradient-norm ratio: 0 means ‖∂L/∂h_0‖ underflowed float32 (saturated tanh units, or a long product < 1). */
const fmtRatio = (v: number) => (v === 0 ? '0 (underflow)' : fmt(v));

export const lstm: Suite = {
  name: SUITE,
  description: 'LSTM: training-step time (B32 T50 64→128) vs tfjs-layers; adding problem T=100 (LSTM vs RNN); row-by-row MNIST',
  figure: 'figure',
  steps: (ctx) => ctx.impls.filter((i) => i.kind === 'lec' || i.name === 'tfjs-wasm').length + torchSteps(ctx) + 3,
  async run(ctx) {
    const p = plan(ctx);
    const s = p.speed;
    const caseA = `train step LSTM B${s.batch} T${s.steps} ${s.inputs}→${s.hidden} SGD`;
    const lecs = lecBackends(ctx);
    const peer = tfjsImpl(ctx, 'tfjs-wasm');
    let T: TensorApi;
    let nn: NnApi;
    let rnn: RnnApi;
    try {
      T = await loadTensorApi();
      nn = await loadNn();
      rnn = await importChecked<RnnApi>('@lec/rnn', ['LSTM', 'trainAddingProblem', 'trainRowByRow', 'ADDING_RECIPE', 'ROW_MNIST_RECIPE']);
    } catch (e) {
      for (const impl of [...lecs.map((l) => l.impl), ...(peer ? [peer] : [])]) ctx.emit(skip(SUITE, caseA, impl, errorLine(e)));
      return;
    }
    const results: Result[] = [];
    const meta = { batch: s.batch, steps: s.steps, inputs: s.inputs, hidden: s.hidden, throughput_unit: 'sequences/s', mode: p.mode };
    let lecParameters: number | undefined;
    for (const { impl, backend } of lecs) {
      ctx.progress.tick(`${SUITE} speed ${impl.name}`);
      try {
        const { ms, losses, cpu, parameters } = await lecSpeed(T, nn, rnn, backend, s);
        lecParameters ??= parameters;
        if (!losses.every(Number.isFinite)) {
          results.push({ ...skip(SUITE, caseA, impl, `WRONG RESULT: non-finite loss ${losses.join(', ')}`), status: 'wrong' });
          continue;
        }
        const r = timed(SUITE, caseA, impl, ms, '', {
          ...meta,
          loss_first: losses[0],
          loss_last: losses[losses.length - 1],
          cpu_ms: medianOf(cpu),
        });
        r.metrics!.throughput = (s.batch * 1000) / r.median_ms!;
        r.figure = `${fmtRate(r.median_ms!)} ms/step`;
        results.push(r);
      } catch (e) {
        results.push(skip(SUITE, caseA, impl, `error: ${errorLine(e)}`));
      }
    }
    if (peer) {
      ctx.progress.tick(`${SUITE} speed ${peer.name}`);
      try {
        const { ms, losses, cpu } = await tfjsSpeed(peer, s);
        const r = timed(SUITE, caseA, peer, ms, '', {
          ...meta,
          loss_first: losses[0],
          loss_last: losses[losses.length - 1],
          cpu_ms: medianOf(cpu),
          model: "tfjs-layers lstm (recurrentActivation 'sigmoid'), trainOnBatch, sgd 0.01, meanSquaredError",
        });
        r.metrics!.throughput = (s.batch * 1000) / r.median_ms!;
        r.figure = `${fmtRate(r.median_ms!)} ms/step`;
        results.push(r);
      } catch (e) {
        results.push(skip(SUITE, caseA, peer, `error: ${errorLine(e)}`));
      }
    }
    const torch = await pytorchResults(ctx, {
      suite: SUITE,
      caseId: caseA,
      lecParameters,
      call: (impl) =>
        impl.train({
          model: 'lstm',
          batch: s.batch,
          seqLength: s.steps,
          inputs: s.inputs,
          hidden: s.hidden,
          lr: 0.01,
          x: [b64(seeded(s.batch * s.steps * s.inputs, 1))],
          y: [b64(seeded(s.batch * s.hidden, 2))],
          warmup: s.warmup,
          steps: s.timed,
        }),
      figure: (ms) => `${fmtRate(ms)} ms/step`,
      metrics: { ...meta, model: 'torch.nn.LSTM (b_hh frozen at 0), last step, SGD 0.01, MSE' },
    });
    for (const r of torch) if (r.status === 'ok') r.metrics!.throughput = (s.batch * 1000) / r.median_ms!;
    results.push(...torch);
    pytorchRatios(ctx, results, caseA, { oneThread: 1.7 });
    const peerMs = results.find((r) => r.impl === 'tfjs-wasm' && r.status === 'ok')?.median_ms;
    for (const r of results) {
      if (r.status !== 'ok' || !r.impl.startsWith('lec-')) continue;
      const parts: string[] = [];
      if (peerMs) {
        r.metrics!.vs_tfjs_wasm = peerMs / r.median_ms!;
        parts.push(`${(peerMs / r.median_ms!).toFixed(1)}× tfjs-wasm (target ≥ 10×: ${peerMs / r.median_ms! >= 10 ? 'met' : 'NOT met'})`);
      }
      if (r.impl === 'lec-wasm') parts.push(`${r.median_ms!.toFixed(1)} ms (target ≤ 40 ms: ${r.median_ms! <= 40 ? 'met' : 'NOT met'})`);
      if (parts.length) ctx.note(`${r.impl}: ${parts.join('; ')}`);
    }
    for (const r of results) ctx.emit(r);

    // (b) and (c) on the fastest lec backend
    const lecResults = results.filter((r) => lecs.some((l) => l.impl.name === r.impl));
    const best = fastest(lecResults);
    const chosen = best >= 0 ? lecs.find((l) => l.impl.name === lecResults[best].impl)! : lecs[lecs.length - 1];
    // the recipe from @lec/rnn (trainAddingProblem's defaults), with this mode's overrides
    const a = { ...rnn.ADDING_RECIPE, ...p.adding };
    const fullSteps = rnn.ADDING_RECIPE.trainSteps;
    for (const kind of ['LSTM', 'RNN'] as const) {
      const caseB = `adding T=${a.sequenceLength} ${kind}(2→${a.hiddenSize})+Dense ${a.trainSteps} steps`;
      ctx.progress.tick(`${SUITE} adding ${kind}`);
      if (!chosen) {
        ctx.emit(skip(SUITE, caseB, { name: 'lec', threads: 1 }, 'no lec backend is set up'));
        continue;
      }
      try {
        const r = await rnn.trainAddingProblem({ ...a, cell: kind === 'LSTM' ? 'lstm' : 'rnn', backend: chosen.backend });
        const target = kind === 'LSTM' ? 'LSTM < 0.01' : 'RNN > 0.1';
        const met = kind === 'LSTM' ? r.finalMse < 0.01 : r.finalMse > 0.1;
        const firstBelow = r.curve.find((c) => c.testMse < 0.01)?.step;
        const ratio = (g: number[]) => g[0] / g[g.length - 1];
        const half = (g: number[]) => g[g.length >> 1] / g[g.length - 1];
        ctx.emit(
          timed(SUITE, caseB, chosen.impl, r.stepMs, `test MSE ${fmt(r.finalMse)}`, {
            test_mse_initial: r.initialMse,
            test_mse_final: r.finalMse,
            [`series_test-mse_every ${a.evalEvery} steps`]: r.curve.map((c) => c.testMse),
            'step_test-mse': a.evalEvery,
            ...(firstBelow !== undefined ? { first_step_below_0_01: firstBelow } : {}),
            train_s: r.stepMs.reduce((x, y) => x + y, 0) / 1000,
            'series_grad-norm_start': r.gradNormsStart,
            'series_grad-norm_end': r.gradNormsEnd,
            grad_norm_first_over_last_start: ratio(r.gradNormsStart),
            grad_norm_first_over_last_end: ratio(r.gradNormsEnd),
            grad_norm_mid_over_last_end: half(r.gradNormsEnd),
            sequence_length: a.sequenceLength,
            steps: a.trainSteps,
            batch: a.batchSize,
            hidden: a.hiddenSize,
            learning_rate: a.learningRate,
            clip_norm: a.clipNorm,
            clipped_steps: r.clippedSteps,
            target,
            meets_target: met,
            mode: p.mode,
          }),
        );
        ctx.note(
          `adding ${kind} on ${chosen.impl.name} (T=${a.sequenceLength}, hidden ${a.hiddenSize}, batch ${a.batchSize}, Adam ${a.learningRate}, clip ${a.clipNorm}): test MSE ${fmt(r.initialMse)} → ${r.curve.map((c) => fmt(c.testMse)).join(' → ')} (every ${a.evalEvery} steps${firstBelow !== undefined ? `; < 0.01 from step ${firstBelow}` : ''}; target ${target}: ${met ? 'met' : 'NOT met'}${p.mode !== 'full' ? `; ${p.mode} mode runs ${a.trainSteps} steps, full mode ${fullSteps}` : ''})`,
        );
        // on the plateau (MSE ≈ 0.17) the LSTM has learned to forget, so its early-step gradient
        // is tiny too; once it solves the task the cell carries ∂L/∂h_t back to t = 0
        const plateau = kind === 'LSTM' && r.finalMse > 0.1 ? ' (still on the plateau, where the LSTM forgets too)' : '';
        ctx.note(
          `adding ${kind}: ‖∂L/∂h_t‖ of the last-step loss, t=0 / t=T−1: ${fmtRatio(ratio(r.gradNormsStart))} before training, ${fmtRatio(ratio(r.gradNormsEnd))} after${plateau} (t=T/2 / t=T−1 after: ${fmtRatio(half(r.gradNormsEnd))})`,
        );
      } catch (e) {
        ctx.emit(skip(SUITE, caseB, chosen.impl, `error: ${errorLine(e)}`));
      }
    }

    // (c) the row-by-row MNIST recipe (trainRowByRow's defaults)
    const m = p.rowMnist;
    const recipe = rnn.ROW_MNIST_RECIPE;
    const hidden = m.hiddenSize ?? recipe.hiddenSize;
    const caseC = `row-by-row MNIST LSTM(28→${hidden}) ${p.mode === 'full' ? `${m.train}/${m.test} ${recipe.epochs} epochs` : `${m.maxSteps} batches, ${m.test} test`}`;
    ctx.progress.tick(`${SUITE} row-by-row MNIST`);
    if (!chosen) {
      ctx.emit(skip(SUITE, caseC, { name: 'lec', threads: 1 }, 'no lec backend is set up'));
      return;
    }
    try {
      const cnn = await importChecked<CnnApi>('@lec/cnn', ['loadMnist']);
      const data = await cnn.loadMnist({ trainSize: m.train, testSize: m.test, seed: 0 });
      const r = await rnn.trainRowByRow(data, {
        hiddenSize: m.hiddenSize,
        batchSize: m.batchSize,
        maxSteps: m.maxSteps,
        backend: chosen.backend,
      });
      const epochMs = r.epochs.map((e) => e.trainMs);
      ctx.emit(
        timed(SUITE, caseC, chosen.impl, epochMs, `${(100 * r.accuracy).toFixed(2)} %`, {
          accuracy: r.accuracy,
          series_accuracy_per_epoch: r.epochs.map((e) => e.testAccuracy),
          series_train_loss_per_epoch: r.epochs.map((e) => e.trainLoss),
          train_s: epochMs.reduce((x, y) => x + y, 0) / 1000,
          batches: r.steps,
          epochs: r.epochs.length,
          hidden,
          batch: m.batchSize ?? recipe.batchSize,
          learning_rate: `Adam, cosine ${recipe.learningRate} → ${recipe.learningRate / 20}`,
          clip_norm: recipe.clipNorm,
          target: 0.97,
          meets_target: r.accuracy >= 0.97,
          mode: p.mode,
        }),
      );
      ctx.note(
        `row-by-row MNIST on ${chosen.impl.name} (median ms = per epoch): test accuracy per epoch ${r.epochs.map((e) => `${(100 * e.testAccuracy).toFixed(1)}`).join(' → ')} %, ${(100 * r.accuracy).toFixed(2)} % after ${r.steps} batches of ${m.batchSize ?? recipe.batchSize}, ${(epochMs.reduce((x, y) => x + y, 0) / 1000).toFixed(0)} s training (target ≥ 97 %: ${r.accuracy >= 0.97 ? 'met' : 'NOT met'}${p.mode !== 'full' ? `; ${p.mode} mode: a few batches only, full mode trains ${recipe.epochs} epochs on 8,000` : ''})`,
      );
    } catch (e) {
      ctx.emit(skip(SUITE, caseC, chosen.impl, `error: ${errorLine(e)}`));
    }
  },
};

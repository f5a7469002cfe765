/**
 * lstm (issue 7): recurrent networks from @lec/rnn.
 *
 * (a) Speed: one training step (forward, backward through time, SGD update; loss = MSE of the
 *     last output against a random target) of an LSTM layer, batch 32, 50 steps, 64 inputs,
 *     128 hidden, on every lec backend, against tfjs-layers' LSTM (units 128,
 *     recurrentActivation sigmoid, one `trainOnBatch` with SGD) on tfjs-wasm in the same run.
 *     Targets: lec-wasm 1 thread ≤ 40 ms and ≥ 10× faster than tfjs-wasm.
 * (b) The adding problem, T = 100 (Hochreiter & Schmidhuber): an LSTM(2→64) + Dense(1) and a
 *     tanh RNN of the same size, Adam with gradient-norm clipping, on the fastest lec backend.
 *     Test MSE every `evalEvery` steps (targets: LSTM < 0.01, RNN > 0.1; predicting the mean
 *     scores ~0.17), and ‖∂L/∂h_t‖ per timestep at the start and the end (metrics `series_*`
 *     and a chart with --svg).
 * (c) Row-by-row MNIST: 28 steps of 28 pixels, SequenceClassifier(28, 128, 10), 8,000 train /
 *     2,000 test, test accuracy (target ≥ 97 %). Full mode only; --quick runs a few batches.
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

interface RunResult {
  last: LTensor;
}
interface RecurrentLayer extends LModule {
  run(x: LTensor, options?: unknown): RunResult;
}
interface RnnApi {
  LSTM: new (inputs: number, hidden: number, o?: { seed?: number }) => RecurrentLayer;
  RNN: new (inputs: number, hidden: number, o?: { seed?: number; activation?: 'tanh' }) => RecurrentLayer;
  addingProblem(n: number, steps: number, o?: { seed?: number }): { x: LTensor; y: LTensor };
  hiddenGradientNorms(layer: RecurrentLayer, x: LTensor, loss: (r: RunResult) => LTensor): number[];
  SequenceClassifier: new (inputs: number, hidden: number, classes: number, o?: { seed?: number }) => LModule;
}
interface CnnApi {
  loadMnist(o: { trainSize: number; testSize: number; seed: number }): Promise<{
    train: { images: LTensor; labels: LTensor };
    test: { images: LTensor; labels: LTensor };
  }>;
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
  adding: { T: number; hidden: number; batch: number; steps: number; evalEvery: number; testSize: number; lr: number; clipNorm: number };
  rowMnist: { train: number; test: number; epochs: number; batches: number; hidden: number };
}

function plan(ctx: SuiteContext): Plan {
  const speed = { batch: 32, steps: 50, inputs: 64, hidden: 128 };
  if (ctx.tiny)
    return {
      mode: 'tiny',
      speed: { batch: 4, steps: 5, inputs: 8, hidden: 8, warmup: 1, timed: 2, peerWarmup: 1, peerTimed: 1 },
      adding: { T: 10, hidden: 8, batch: 8, steps: 4, evalEvery: 2, testSize: 16, lr: 1e-2, clipNorm: 1 },
      rowMnist: { train: 32, test: 16, epochs: 1, batches: 1, hidden: 8 },
    };
  if (ctx.quick)
    return {
      mode: 'quick',
      speed: { ...speed, warmup: 2, timed: 5, peerWarmup: 1, peerTimed: 3 },
      adding: { T: 100, hidden: 64, batch: 64, steps: 30, evalEvery: 10, testSize: 256, lr: 1e-2, clipNorm: 1 },
      rowMnist: { train: 8000, test: 500, epochs: 1, batches: 5, hidden: 128 },
    };
  return {
    mode: 'full',
    speed: { ...speed, warmup: 3, timed: 20, peerWarmup: 2, peerTimed: 10 },
    adding: { T: 100, hidden: 64, batch: 64, steps: 1000, evalEvery: 100, testSize: 1000, lr: 1e-2, clipNorm: 1 },
    rowMnist: { train: 8000, test: 2000, epochs: 5, batches: Number.POSITIVE_INFINITY, hidden: 128 },
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
  return { ms, losses, cpu };
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

/** (b) one model on the adding problem: learning curve and gradient norms. */
async function adding(T: TensorApi, nn: NnApi, rnn: RnnApi, backend: LecBackend, kind: 'LSTM' | 'RNN', p: Plan['adding']) {
  // withBackend covers synchronous work only: every chunk between awaits gets its own
  const on = <R>(fn: () => R): R => T.withBackend(backend, fn);
  const { layer, head, model, test, probe } = on(() => {
    const layer = kind === 'LSTM' ? new rnn.LSTM(2, p.hidden, { seed: 0 }) : new rnn.RNN(2, p.hidden, { seed: 0, activation: 'tanh' });
    const head = new nn.Dense(p.hidden, 1, { seed: 1 });
    return {
      layer,
      head,
      model: new nn.Sequential([layer, head]),
      test: rnn.addingProblem(p.testSize, p.T, { seed: 1_000_000 }),
      probe: rnn.addingProblem(Math.min(64, p.testSize), p.T, { seed: 2_000_000 }),
    };
  });
  const opt = new nn.Adam({ learningRate: p.lr });
  const testMse = () => on(() => T.tidy(() => nn.meanSquaredError(model.forward(test.x), test.y).item()));
  const norms = () =>
    on(() => T.tidy(() => rnn.hiddenGradientNorms(layer, probe.x, (r) => nn.meanSquaredError(head.forward(r.last), probe.y))));
  const gradStart = norms();
  const curve: number[] = [];
  const stepMs: number[] = [];
  const initial = testMse();
  let clipped = 0;
  for (let s = 1; s <= p.steps; s++) {
    const t0 = performance.now();
    on(() =>
      T.tidy(() => {
        const { x, y } = rnn.addingProblem(p.batch, p.T, { seed: s });
        const r = nn.trainStep(model, nn.meanSquaredError, opt, x, y, { clipNorm: p.clipNorm });
        if ((r.gradNorm ?? 0) > p.clipNorm) clipped++;
      }),
    );
    stepMs.push(performance.now() - t0);
    if (s % p.evalEvery === 0) curve.push(testMse());
    await new Promise((r) => setImmediate(r));
  }
  const gradEnd = norms();
  return { initial, curve, final: curve.length ? curve[curve.length - 1] : initial, gradStart, gradEnd, stepMs, clipped };
}

/** (c) row-by-row MNIST with SequenceClassifier. */
async function rowMnist(T: TensorApi, nn: NnApi, rnn: RnnApi, cnn: CnnApi, backend: LecBackend, p: Plan['rowMnist']) {
  const d = await cnn.loadMnist({ trainSize: p.train, testSize: p.test, seed: 0 });
  const x = Float32Array.from(d.train.images.dataSync());
  const y = Int32Array.from(d.train.labels.dataSync());
  const tx = Float32Array.from(d.test.images.dataSync());
  const ty = Int32Array.from(d.test.labels.dataSync());
  const batch = 64;
  const on = <R>(fn: () => R): R => T.withBackend(backend, fn);
  const model = on(() => new rnn.SequenceClassifier(28, p.hidden, 10, { seed: 0 }));
  const opt = new nn.Adam({ learningRate: 1e-3 });
  const rng = new T.Rng(7);
  const epochMs: number[] = [];
  let batches = 0;
  for (let e = 0; e < p.epochs; e++) {
    const order = rng.permutation(p.train);
    const t0 = performance.now();
    for (let b = 0; b + batch <= p.train && batches < p.batches; b += batch, batches++) {
      const xb = new Float32Array(batch * 784);
      const yb = new Int32Array(batch);
      for (let i = 0; i < batch; i++) {
        xb.set(x.subarray(order[b + i] * 784, (order[b + i] + 1) * 784), i * 784);
        yb[i] = y[order[b + i]];
      }
      on(() =>
        T.tidy(() =>
          nn.trainStep(
            model,
            nn.softmaxCrossEntropyWithLogits,
            opt,
            T.tensor(xb, [batch, 28, 28]),
            T.tensor(yb, [batch], { dtype: 'int32' }),
            {
              clipNorm: 5,
            },
          ),
        ),
      );
      await new Promise((r) => setImmediate(r));
    }
    epochMs.push(performance.now() - t0);
  }
  let correct = 0;
  for (let b = 0; b < p.test; b += 500) {
    const n = Math.min(500, p.test - b);
    const logits = on(() =>
      T.tidy(() => Float32Array.from(model.forward(T.tensor(tx.subarray(b * 784, (b + n) * 784), [n, 28, 28])).dataSync())),
    );
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
      if (best === ty[b + i]) correct++;
    }
  }
  return { accuracy: correct / p.test, epochMs, batches };
}

const fmt = (v: number) => (v >= 0.01 ? v.toFixed(3) : v.toExponential(1));

export const lstm: Suite = {
  name: SUITE,
  description: 'LSTM: training-step time (B32 T50 64→128) vs tfjs-layers; adding problem T=100 (LSTM vs RNN); row-by-row MNIST',
  figure: 'figure',
  steps: (ctx) => ctx.impls.filter((i) => i.kind === 'lec' || i.name === 'tfjs-wasm').length + 3,
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
      rnn = await importChecked<RnnApi>('@lec/rnn', ['LSTM', 'RNN', 'addingProblem', 'hiddenGradientNorms', 'SequenceClassifier']);
    } catch (e) {
      for (const impl of [...lecs.map((l) => l.impl), ...(peer ? [peer] : [])]) ctx.emit(skip(SUITE, caseA, impl, errorLine(e)));
      return;
    }
    const results: Result[] = [];
    const meta = { batch: s.batch, steps: s.steps, inputs: s.inputs, hidden: s.hidden, throughput_unit: 'sequences/s', mode: p.mode };
    for (const { impl, backend } of lecs) {
      ctx.progress.tick(`${SUITE} speed ${impl.name}`);
      try {
        const { ms, losses, cpu } = await lecSpeed(T, nn, rnn, backend, s);
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
    const peerMs = results.find((r) => r.impl === 'tfjs-wasm' && r.status === 'ok')?.median_ms;
    for (const r of results) {
      if (r.status !== 'ok' || r.impl === 'tfjs-wasm') continue;
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
    const a = p.adding;
    for (const kind of ['LSTM', 'RNN'] as const) {
      const caseB = `adding T=${a.T} ${kind}(2→${a.hidden})+Dense ${a.steps} steps`;
      ctx.progress.tick(`${SUITE} adding ${kind}`);
      if (!chosen) {
        ctx.emit(skip(SUITE, caseB, { name: 'lec', threads: 1 }, 'no lec backend is set up'));
        continue;
      }
      try {
        const r = await adding(T, nn, rnn, chosen.backend, kind, a);
        const target = kind === 'LSTM' ? 'LSTM < 0.01' : 'RNN > 0.1';
        const met = kind === 'LSTM' ? r.final < 0.01 : r.final > 0.1;
        ctx.emit(
          timed(SUITE, caseB, chosen.impl, r.stepMs, `test MSE ${fmt(r.final)}`, {
            test_mse_initial: r.initial,
            test_mse_final: r.final,
            [`series_test-mse_every ${a.evalEvery} steps`]: r.curve,
            'step_test-mse': a.evalEvery,
            'series_grad-norm_start': r.gradStart,
            'series_grad-norm_end': r.gradEnd,
            grad_norm_first_over_last_start: r.gradStart[0] / r.gradStart[r.gradStart.length - 1],
            grad_norm_first_over_last_end: r.gradEnd[0] / r.gradEnd[r.gradEnd.length - 1],
            steps: a.steps,
            batch: a.batch,
            hidden: a.hidden,
            learning_rate: a.lr,
            clip_norm: a.clipNorm,
            clipped_steps: r.clipped,
            target,
            meets_target: met,
            mode: p.mode,
          }),
        );
        ctx.note(
          `adding ${kind} on ${chosen.impl.name}: test MSE ${fmt(r.initial)} → ${r.curve.map(fmt).join(' → ')} (every ${a.evalEvery} steps; target ${target}: ${met ? 'met' : 'NOT met'}${p.mode !== 'full' ? `; ${p.mode} mode runs ${a.steps} steps, full mode 1000` : ''}); ‖∂L/∂h_t‖ t=0 / t=T-1: start ${fmt(r.gradStart[0] / r.gradStart[r.gradStart.length - 1])}, end ${fmt(r.gradEnd[0] / r.gradEnd[r.gradEnd.length - 1])}`,
        );
      } catch (e) {
        ctx.emit(skip(SUITE, caseB, chosen.impl, `error: ${errorLine(e)}`));
      }
    }

    // (c)
    const m = p.rowMnist;
    const caseC = `row-by-row MNIST LSTM(28→${m.hidden}) ${p.mode === 'full' ? `${m.train}/${m.test} ${m.epochs} epochs` : `${m.batches} batches, ${m.test} test`}`;
    ctx.progress.tick(`${SUITE} row-by-row MNIST`);
    if (!chosen) {
      ctx.emit(skip(SUITE, caseC, { name: 'lec', threads: 1 }, 'no lec backend is set up'));
      return;
    }
    try {
      const cnn = await importChecked<CnnApi>('@lec/cnn', ['loadMnist']);
      const r = await rowMnist(T, nn, rnn, cnn, chosen.backend, m);
      ctx.emit(
        timed(SUITE, caseC, chosen.impl, r.epochMs, `${(100 * r.accuracy).toFixed(2)} %`, {
          accuracy: r.accuracy,
          batches: r.batches,
          epochs: m.epochs,
          target: 0.97,
          meets_target: r.accuracy >= 0.97,
          mode: p.mode,
        }),
      );
      ctx.note(
        `row-by-row MNIST on ${chosen.impl.name} (median ms = per epoch): ${(100 * r.accuracy).toFixed(2)} % after ${r.batches} batches of 64 (target ≥ 97 %${p.mode !== 'full' ? `; ${p.mode} mode: a few batches only, full mode trains ${plan({ ...ctx, quick: false, tiny: false }).rowMnist.epochs} epochs on 8,000` : ''})`,
      );
    } catch (e) {
      ctx.emit(skip(SUITE, caseC, chosen.impl, `error: ${errorLine(e)}`));
    }
  },
};

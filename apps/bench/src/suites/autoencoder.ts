/**
 * autoencoder: training time of a dense autoencoder on MNIST (784 → 256 relu → 32 → 256 relu →
 * 784 sigmoid, MSE, Adam 1e-3, batch 64): @lec/autoencoder's `Autoencoder.dense` trained with
 * @lec/nn's `trainStep` on every lec backend, against the same model in tfjs-layers
 * (`trainOnBatch`) on tfjs-wasm. Batches are timed one by one; the figure is seconds per
 * epoch of 8,000 digits (125 batches × the median batch). Full mode times a whole epoch.
 */
import {
  type LModule,
  type LTensor,
  type NnApi,
  type TensorApi,
  errorLine,
  importChecked,
  lecBackends,
  loadNn,
  loadTensorApi,
  medianOf,
  skip,
  tfjsImpl,
  timeCalls,
  timed,
} from '../harness/lec-models.js';
import type { Result, Suite, SuiteContext } from '../harness/types.js';
import type { LecBackend } from '../impls/lec.js';
import { b64 } from '../impls/pytorch.js';
import { type TfjsImpl, loadTfjsLayers } from '../impls/tfjs-common.js';
import { pytorchRatios, pytorchResults, torchSteps } from './pytorch-steps.js';

interface AeApi {
  Autoencoder: { dense(o: { inputSize: number; hiddenSizes: number[]; latentSize: number; seed?: number }): LModule };
}
interface CnnApi {
  loadMnist(o: { trainSize: number; testSize: number; seed: number }): Promise<{ train: { images: LTensor }; test: { images: LTensor } }>;
}

const SUITE = 'autoencoder';
const HIDDEN = 256;
const LATENT = 32;

function plan(ctx: SuiteContext) {
  if (ctx.tiny) return { mode: 'tiny', train: 64, batch: 16, warmup: 1, steps: 2, peerWarmup: 1, peerSteps: 2 };
  if (ctx.quick) return { mode: 'quick', train: 8000, batch: 64, warmup: 3, steps: 20, peerWarmup: 3, peerSteps: 20 };
  return { mode: 'full', train: 8000, batch: 64, warmup: 5, steps: 125, peerWarmup: 5, peerSteps: 125 };
}
type Plan = ReturnType<typeof plan>;

async function lecRun(T: TensorApi, nn: NnApi, ae: AeApi, backend: LecBackend, x: Float32Array, p: Plan) {
  const model = T.withBackend(backend, () => ae.Autoencoder.dense({ inputSize: 784, hiddenSizes: [HIDDEN], latentSize: LATENT, seed: 0 }));
  const opt = new nn.Adam({ learningRate: 1e-3 });
  const perEpoch = Math.floor(p.train / p.batch);
  const batches = T.withBackend(backend, () =>
    Array.from({ length: Math.min(perEpoch, 32) }, (_, b) =>
      T.tensor(x.subarray(b * p.batch * 784, (b + 1) * p.batch * 784), [p.batch, 784]),
    ),
  );
  const losses: number[] = [];
  const cpu: number[] = [];
  const ms = await timeCalls(
    (i) => {
      const xb = batches[i % batches.length];
      losses.push(T.withBackend(backend, () => T.tidy(() => nn.trainStep(model, nn.meanSquaredError, opt, xb, xb).loss)));
    },
    p.warmup,
    p.steps,
    cpu,
  );
  for (const b of batches) b.dispose();
  return { ms, losses, cpu, parameters: model.numParameters?.() };
}

async function tfjsRun(impl: TfjsImpl, x: Float32Array, p: Plan) {
  const tfl = await loadTfjsLayers();
  await impl.activate();
  const tf = impl.tfjs;
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: HIDDEN, activation: 'relu' }),
      tfl.layers.dense({ units: LATENT }),
      tfl.layers.dense({ units: HIDDEN, activation: 'relu' }),
      tfl.layers.dense({ units: 784, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const perEpoch = Math.floor(p.train / p.batch);
  const batches = Array.from({ length: Math.min(perEpoch, 32) }, (_, b) =>
    tf.tensor2d(x.subarray(b * p.batch * 784, (b + 1) * p.batch * 784), [p.batch, 784]),
  );
  const losses: number[] = [];
  const cpu: number[] = [];
  try {
    const ms = await timeCalls(
      async (i) => {
        const xb = batches[i % batches.length];
        const l = await model.trainOnBatch(xb, xb);
        losses.push(Array.isArray(l) ? l[0] : l);
      },
      p.peerWarmup,
      p.peerSteps,
      cpu,
    );
    return { ms, losses, cpu };
  } finally {
    tf.dispose(batches);
    model.dispose();
  }
}

export const autoencoder: Suite = {
  name: SUITE,
  description: 'dense autoencoder on MNIST: seconds per epoch on lec backends vs tfjs-layers on tfjs-wasm and PyTorch',
  figure: 'figure',
  steps: (ctx) => ctx.impls.filter((i) => i.kind === 'lec' || i.name === 'tfjs-wasm').length + torchSteps(ctx),
  async run(ctx) {
    const p = plan(ctx);
    const caseId = `train dense AE 784-${HIDDEN}-${LATENT} batch ${p.batch} Adam`;
    const lecs = lecBackends(ctx);
    const peer = tfjsImpl(ctx, 'tfjs-wasm');
    let T: TensorApi;
    let nn: NnApi;
    let ae: AeApi;
    let x: Float32Array;
    try {
      T = await loadTensorApi();
      nn = await loadNn();
      ae = await importChecked<AeApi>('@lec/autoencoder', ['Autoencoder']);
      const cnn = await importChecked<CnnApi>('@lec/cnn', ['loadMnist']);
      const d = await cnn.loadMnist({ trainSize: p.train, testSize: 0, seed: 0 });
      x = Float32Array.from(d.train.images.dataSync());
    } catch (e) {
      for (const impl of [...lecs.map((l) => l.impl), ...(peer ? [peer] : [])]) ctx.emit(skip(SUITE, caseId, impl, errorLine(e)));
      return;
    }
    const perEpoch = Math.floor(p.train / p.batch);
    const results: Result[] = [];
    const record = (impl: { name: string; threads: number }, r: { ms: number[]; losses: number[]; cpu: number[] }) => {
      if (!r.losses.every(Number.isFinite)) {
        results.push({ ...skip(SUITE, caseId, impl, `WRONG RESULT: non-finite loss ${r.losses.join(', ')}`), status: 'wrong' });
        return;
      }
      const res = timed(SUITE, caseId, impl, r.ms, '', {
        batches_per_epoch: perEpoch,
        loss_first: r.losses[0],
        loss_last: r.losses[r.losses.length - 1],
        cpu_ms: medianOf(r.cpu),
        throughput_unit: 'images/s',
        mode: p.mode,
      });
      const epochS = (res.median_ms! * perEpoch) / 1000;
      res.metrics!.epoch_s = epochS;
      res.metrics!.throughput = (p.batch * 1000) / res.median_ms!;
      res.figure = `${epochS.toFixed(2)} s/epoch`;
      results.push(res);
    };
    let lecParameters: number | undefined;
    for (const { impl, backend } of lecs) {
      ctx.progress.tick(`${SUITE} ${impl.name}`);
      try {
        const r = await lecRun(T, nn, ae, backend, x, p);
        lecParameters ??= r.parameters;
        record(impl, r);
      } catch (e) {
        results.push(skip(SUITE, caseId, impl, `error: ${errorLine(e)}`));
      }
    }
    if (peer) {
      ctx.progress.tick(`${SUITE} ${peer.name}`);
      try {
        record(peer, await tfjsRun(peer, x, p));
      } catch (e) {
        results.push(skip(SUITE, caseId, peer, `error: ${errorLine(e)}`));
      }
    }
    const distinct = Math.min(perEpoch, 32);
    const torch = await pytorchResults(ctx, {
      suite: SUITE,
      caseId,
      lecParameters,
      call: (impl) =>
        impl.train({
          model: 'ae',
          inputs: 784,
          hidden: HIDDEN,
          latent: LATENT,
          lr: 1e-3,
          x: Array.from({ length: distinct }, (_, b) => b64(x.subarray(b * p.batch * 784, (b + 1) * p.batch * 784))),
          warmup: p.peerWarmup,
          steps: p.peerSteps,
        }),
      figure: (ms) => `${((ms * perEpoch) / 1000).toFixed(2)} s/epoch`,
      metrics: { batches_per_epoch: perEpoch, throughput_unit: 'images/s', mode: p.mode },
    });
    for (const r of torch) {
      if (r.status !== 'ok') continue;
      r.metrics!.epoch_s = (r.median_ms! * perEpoch) / 1000;
      r.metrics!.throughput = (p.batch * 1000) / r.median_ms!;
    }
    results.push(...torch);
    pytorchRatios(ctx, results, caseId, { oneThread: 1.5, threads: 1.5, speedup: 1.5 });
    const peerRes = results.find((r) => r.impl === 'tfjs-wasm' && r.status === 'ok');
    const peerMs = peerRes?.median_ms;
    const peerCpu = peerRes?.metrics?.cpu_ms;
    for (const r of results) {
      if (peerMs && r.status === 'ok' && r.impl.startsWith('lec-')) {
        const ratio = r.median_ms! / peerMs; // time ratio: < 1 is faster than tfjs-wasm
        r.metrics!.vs_tfjs_wasm = peerMs / r.median_ms!;
        r.metrics!.time_ratio_tfjs_wasm = ratio;
        const cpu = r.metrics!.cpu_ms;
        const cpuRatio = typeof cpu === 'number' && typeof peerCpu === 'number' && peerCpu > 0 ? cpu / peerCpu : undefined;
        if (cpuRatio !== undefined) r.metrics!.cpu_ratio_tfjs_wasm = cpuRatio;
        ctx.note(
          `${r.impl} / tfjs-wasm = ${ratio.toFixed(2)} (median time per batch${
            cpuRatio !== undefined ? `; CPU time ${cpuRatio.toFixed(2)}` : ''
          }): ${ratio <= 1 ? `${(1 / ratio).toFixed(2)}× faster` : `${ratio.toFixed(2)}× slower`} than tfjs-layers on tfjs-wasm`,
        );
      }
      ctx.emit(r);
    }
    if (p.mode !== 'full') ctx.note(`s/epoch = ${perEpoch} × the median of ${p.steps} timed batches (full mode times a whole epoch)`);
  },
};

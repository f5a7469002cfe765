/**
 * lenet, inference cases: LeNet-5 forward at batch 64 and batch 1 (logits read back to a
 * Float32Array each call, as an application would) on every lec backend, tfjs-layers'
 * `predict` on tfjs-wasm, and PyTorch (`no_grad`). Target (issue 27): lec ≤ 0.7× tfjs-wasm's time.
 */
import {
  type LModule,
  type LTensor,
  type TensorApi,
  errorLine,
  fmtRate,
  skip,
  tfjsImpl,
  timeCalls,
  medianOf,
  timed,
} from '../harness/lec-models.js';
import type { Result, SuiteContext } from '../harness/types.js';
import type { LecBackend } from '../impls/lec.js';
import { b64 } from '../impls/pytorch.js';
import { loadTfjsLayers } from '../impls/tfjs-common.js';
import { tfjsLenet } from './tfjs-lenet.js';
import { pytorchRatios, pytorchResults } from './pytorch-steps.js';

const PIXELS = 784;
const TARGET_VS_TFJS = 0.7;

export interface InferenceInputs {
  T: TensorApi;
  lenet5: (o: { seed: number }) => LModule;
  lecs: { impl: { name: string; threads: number }; backend: LecBackend }[];
  /** Training images (NHWC 28×28×1 rows of 784). */
  x: Float32Array;
  mode: string;
}

function counts(ctx: SuiteContext, batch: number) {
  if (ctx.tiny) return { warmup: 1, steps: 2 };
  const scale = batch === 1 ? 10 : 1;
  return ctx.quick ? { warmup: 5 * scale, steps: 20 * scale } : { warmup: 10 * scale, steps: 50 * scale };
}

export const inferenceSteps = (ctx: SuiteContext) => 2 * ctx.impls.filter((i) => i.kind === 'lec' || i.name === 'tfjs-wasm').length;

/** Runs the batch-64 and batch-1 inference cases and emits their results. */
export async function lenetInference(ctx: SuiteContext, inp: InferenceInputs): Promise<void> {
  const { T, lecs, x } = inp;
  for (const batch of ctx.tiny ? [4, 1] : [64, 1]) {
    const caseId = `infer LeNet-5 batch ${batch}`;
    const { warmup, steps } = counts(ctx, batch);
    const distinct = Math.max(1, Math.min(8, Math.floor(x.length / PIXELS / batch)));
    const slices = Array.from({ length: distinct }, (_, b) => x.subarray(b * batch * PIXELS, (b + 1) * batch * PIXELS));
    const results: Result[] = [];
    const meta = { batch, throughput_unit: 'images/s', mode: inp.mode };
    const record = (impl: { name: string; threads: number }, ms: number[], cpu: number[], extra = {}) => {
      const r = timed('lenet', caseId, impl, ms, '', { ...meta, ...extra, cpu_ms: medianOf(cpu) });
      r.metrics!.throughput = (batch * 1000) / r.median_ms!;
      r.figure = `${fmtRate(r.metrics!.throughput as number)} img/s`;
      results.push(r);
    };
    for (const { impl, backend } of lecs) {
      ctx.progress.tick(`lenet ${caseId} ${impl.name}`);
      try {
        const model = T.withBackend(backend, () => inp.lenet5({ seed: 0 }));
        const xs: LTensor[] = T.withBackend(backend, () => slices.map((s) => T.tensor(s, [batch, 28, 28, 1])));
        const cpu: number[] = [];
        const ms = await timeCalls(
          (i) => T.withBackend(backend, () => T.tidy(() => Float32Array.from(model.forward(xs[i % xs.length]).dataSync()))),
          warmup,
          steps,
          cpu,
        );
        for (const t of xs) t.dispose();
        record(impl, ms, cpu);
      } catch (e) {
        results.push(skip('lenet', caseId, impl, `error: ${errorLine(e)}`));
      }
    }
    const peer = tfjsImpl(ctx, 'tfjs-wasm');
    if (peer) {
      ctx.progress.tick(`lenet ${caseId} ${peer.name}`);
      try {
        const tfl = await loadTfjsLayers();
        await peer.activate();
        const tf = peer.tfjs;
        const model = tfjsLenet(tfl);
        const xs = slices.map((s) => tf.tensor4d(s, [batch, 28, 28, 1]));
        const cpu: number[] = [];
        const ms = await timeCalls(
          (i) =>
            tf.tidy(() => {
              (model.predict(xs[i % xs.length]) as import('@tensorflow/tfjs-core').Tensor).dataSync();
            }),
          warmup,
          steps,
          cpu,
        );
        tf.dispose(xs);
        model.dispose();
        record(peer, ms, cpu, { model: 'tfjs-layers sequential, predict + dataSync' });
      } catch (e) {
        results.push(skip('lenet', caseId, peer, `error: ${errorLine(e)}`));
      }
    }
    results.push(
      ...(await pytorchResults(ctx, {
        suite: 'lenet',
        caseId,
        call: (impl) => impl.infer({ x: slices.map((s) => b64(s)), warmup, steps }),
        figure: (ms) => `${fmtRate((batch * 1000) / ms)} img/s`,
        metrics: { ...meta, model: 'torch LeNet-5, eval, no_grad, logits .numpy()' },
      })),
    );
    pytorchRatios(ctx, results, caseId);
    const tfMs = results.find((r) => r.impl === 'tfjs-wasm' && r.status === 'ok')?.median_ms;
    for (const r of results) {
      if (tfMs && r.status === 'ok' && r.impl.startsWith('lec-')) {
        const ratio = r.median_ms! / tfMs;
        r.metrics!.time_ratio_tfjs_wasm = ratio;
        ctx.note(
          `${caseId}: ${r.impl} time ÷ tfjs-wasm = ${ratio.toFixed(2)} (target ≤ ${TARGET_VS_TFJS}: ${ratio <= TARGET_VS_TFJS ? 'met' : 'NOT met'})`,
        );
      }
      ctx.emit(r);
    }
  }
}

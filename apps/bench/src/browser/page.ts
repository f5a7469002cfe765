/**
 * The browser bench's page (bundled by esbuild for Chromium; see run-browser.ts): lec-wasm with
 * 1 and N threads and tfjs-wasm in the same page, measured on the Node bench's cases (gemm, with
 * reused and fresh operands; LeNet-5 inference at batch 64 and 1; the LeNet-5 training step,
 * batch 64, Adam; tfjs-wasm with the filter-gradient kernel the Node bench gives it), and
 * onnxruntime-web (1 thread; page-ort.ts) on gemm and LeNet-5 inference. Every gemm result is checked against the float64 reference before it is
 * timed, with the harness's own check and `measure`; model steps are timed one by one like the
 * Node suites' `timeCalls`. `window.lecBench(options)` returns the Results.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-layers' training needs tfjs's gradients and chained ops (the Node bench gets them from the @tensorflow/tfjs bundle)
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { data } from '../harness/data.js';
import { gemmRef } from '../harness/reference.js';
import { type CaseSpec, referenceOf, runCase } from '../harness/run-case.js';
import { timingFor } from '../harness/timing.js';
import type { Impl, Progress, Result, SuiteContext } from '../harness/types.js';
import { LecImpl, type LecBackend, type LecTensorApi } from '../impls/lec.js';
import { type Tfjs, TfjsImpl } from '../impls/tfjs-common.js';
import { registerWasmConv2DBackpropFilter } from '../impls/tfjs-wasm-grad.js';
import { gemmCases } from '../suites/gemm.js';
import { tfjsLenet } from '../suites/tfjs-lenet.js';
import * as lecTensor from '@lec/tensor';
import * as kernels from '@lec/kernels-wasm';
import * as lecNn from '@lec/nn';
import * as lecCnn from '@lec/cnn';
import { toOnnx } from '@lec/interop';
import { PageOrtWeb } from './page-ort.js';

export interface BrowserOptions {
  suites: string[];
  quick: boolean;
  tiny: boolean;
  threads: number;
}

class PageTfjsWasm extends TfjsImpl {
  readonly name = 'tfjs-wasm';
  threads = 1;
  protected readonly backendName = 'wasm';
  async setup(): Promise<void> {
    this.tf = tf as unknown as Tfjs;
    tf.enableProdMode();
    // threads in tfjs-wasm's page build need its worker script next to the page; the bench
    // compares single-threaded tfjs-wasm (TOOLCHAIN.md: WASM_HAS_MULTITHREAD_SUPPORT=false)
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths('/tfjs/');
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not initialise');
    this.threads = getThreadsCount();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    this.notes.push(`tfjs-wasm (browser) runs its ${simd ? 'SIMD' : 'scalar'} build with ${this.threads} thread(s)`);
    if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
      registerWasmConv2DBackpropFilter(this.tf);
      this.notes.push(
        'tfjs-wasm 4.22 has no Conv2DBackpropFilter: the bench gave it one made of its own Transpose + Conv2D kernels (registerKernel), as in the Node bench',
      );
    }
  }
}

const api = lecTensor as unknown as LecTensorApi & {
  tidy<T>(fn: () => T): T;
  tensor(d: ArrayLike<number>, shape: number[], o?: { dtype?: string }): { dispose(): void; dataSync(): ArrayLike<number> };
};

function lecImpls(threads: number): LecImpl[] {
  const make = (t: number) => async () => (await kernels.wasmBackend({ threads: t })) as unknown as LecBackend;
  const load = async () => api;
  const out = [new LecImpl('lec-wasm', 1, make(1), load)];
  if (threads > 1) out.push(new LecImpl(`lec-wasm-t${threads}`, threads, make(threads), load));
  return out;
}

const silent: Progress = { start() {}, tick() {}, log() {}, stop() {} };

/** Per-call ms of `steps` calls after `warmup` (lec-models.ts `timeCalls`, without process CPU time). */
async function timeCalls(fn: (i: number) => unknown, warmup: number, steps: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await fn(warmup + i);
    ms.push(performance.now() - t0);
  }
  return ms;
}

function stepResult(suite: string, caseId: string, impl: Impl, ms: number[], batch: number): Result {
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const ips = (batch * 1000) / median;
  return {
    suite,
    case: caseId,
    impl: impl.name,
    threads: impl.threads,
    median_ms: median,
    min_ms: s[0],
    max_ms: s[s.length - 1],
    figure: `${ips >= 100 ? ips.toFixed(0) : ips.toFixed(1)} img/s`,
    metrics: { throughput: ips, throughput_unit: 'images/s', batch, samples: ms.length },
    status: 'ok',
  };
}

const skipped = (suite: string, caseId: string, impl: Impl, note: string): Result => ({
  suite,
  case: caseId,
  impl: impl.name,
  threads: impl.threads,
  median_ms: null,
  min_ms: null,
  max_ms: null,
  status: 'skipped',
  note,
});

async function lenetCases(o: BrowserOptions, impls: Impl[], emit: (r: Result) => void): Promise<void> {
  const nn = lecNn as unknown as {
    trainStep(m: unknown, l: unknown, opt: unknown, x: unknown, y: unknown): { loss: number };
    softmaxCrossEntropyWithLogits: unknown;
    Adam: new (o: { learningRate: number }) => unknown;
  };
  const cnn = lecCnn as unknown as { lenet5(o: { seed: number }): { forward(x: unknown): { dataSync(): ArrayLike<number> } } };
  const n = o.tiny ? { warmup: 1, steps: 2 } : o.quick ? { warmup: 3, steps: 10 } : { warmup: 5, steps: 30 };
  const x = data(64 * 784 * 4, 11, 0, 1);
  const labels = Int32Array.from({ length: 64 * 4 }, (_, i) => (i * 7) % 10);
  for (const batch of o.tiny ? [4, 1] : [64, 1]) {
    const caseId = `infer LeNet-5 batch ${batch}`;
    const steps = batch === 1 ? n.steps * 10 : n.steps;
    const slices = Array.from({ length: 4 }, (_, b) => x.subarray(b * batch * 784, (b + 1) * batch * 784));
    for (const impl of impls) {
      try {
        await impl.activate?.();
        if (impl instanceof LecImpl) {
          const b = impl.lecBackend;
          const model = api.withBackend(b, () => cnn.lenet5({ seed: 0 }));
          const xs = api.withBackend(b, () => slices.map((s) => api.tensor(s, [batch, 28, 28, 1])));
          const ms = await timeCalls(
            (i) => api.withBackend(b, () => api.tidy(() => Float32Array.from(model.forward(xs[i % 4]).dataSync()))),
            n.warmup,
            steps,
          );
          for (const t of xs) t.dispose();
          emit(stepResult('lenet', caseId, impl, ms, batch));
        } else if (impl instanceof PageOrtWeb) {
          emit(await ortLenet(impl, caseId, slices, batch, n.warmup, steps));
        } else {
          const model = tfjsLenet(tfl);
          const xs = slices.map((s) => tf.tensor4d(s, [batch, 28, 28, 1]));
          const ms = await timeCalls(
            (i) => tf.tidy(() => void (model.predict(xs[i % xs.length]) as tf.Tensor).dataSync()),
            n.warmup,
            steps,
          );
          tf.dispose(xs);
          model.dispose();
          emit(stepResult('lenet', caseId, impl, ms, batch));
        }
      } catch (e) {
        emit(skipped('lenet', caseId, impl, `error: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  }
  const batch = o.tiny ? 4 : 64;
  const caseId = `train step LeNet-5 batch ${batch} Adam`;
  for (const impl of impls) {
    if (impl instanceof PageOrtWeb) {
      emit(skipped('lenet', caseId, impl, 'onnxruntime-web is inference only'));
      continue;
    }
    if (!(impl instanceof LecImpl)) {
      emit(await tfjsTrain(impl, caseId, x, labels, batch, n));
      continue;
    }
    try {
      const b = impl.lecBackend;
      const { model, opt, batches } = api.withBackend(b, () => ({
        model: cnn.lenet5({ seed: 0 }),
        opt: new nn.Adam({ learningRate: 1e-3 }),
        batches: Array.from({ length: 4 }, (_, i) => ({
          x: api.tensor(x.subarray(i * batch * 784, (i + 1) * batch * 784), [batch, 28, 28, 1]),
          y: api.tensor(labels.subarray(i * batch, (i + 1) * batch), [batch], { dtype: 'int32' }),
        })),
      }));
      const losses: number[] = [];
      const ms = await timeCalls(
        (i) => {
          const { x: xb, y: yb } = batches[i % 4];
          losses.push(api.withBackend(b, () => api.tidy(() => nn.trainStep(model, nn.softmaxCrossEntropyWithLogits, opt, xb, yb).loss)));
        },
        n.warmup,
        n.steps,
      );
      for (const t of batches) for (const u of [t.x, t.y]) u.dispose();
      if (!losses.every(Number.isFinite))
        emit({ ...skipped('lenet', caseId, impl, `WRONG RESULT: non-finite loss ${losses.join(', ')}`), status: 'wrong' });
      else emit(stepResult('lenet', caseId, impl, ms, batch));
    } catch (e) {
      emit(skipped('lenet', caseId, impl, `error: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
}

/**
 * lec's LeNet-5 (seed 0) exported with toOnnx, run by onnxruntime-web; its logits on the first
 * batch are checked against lec's forward of the same model before the calls are timed.
 */
async function ortLenet(
  impl: PageOrtWeb,
  caseId: string,
  slices: Float32Array[],
  batch: number,
  warmup: number,
  steps: number,
): Promise<Result> {
  const cnn = lecCnn as unknown as { lenet5(o: { seed: number }): { forward(x: unknown): { dataSync(): ArrayLike<number> } } };
  const model = cnn.lenet5({ seed: 0 });
  const bytes = toOnnx(model as unknown as Parameters<typeof toOnnx>[0], { inputShape: [28, 28, 1] });
  const runners = await Promise.all(
    slices.map((s) => impl.session(bytes, [{ name: 'input', data: s, shape: [batch, 28, 28, 1] }], (y) => y)),
  );
  try {
    await runners[0].run();
    const got = await runners[0].read();
    const want = api.tidy(() => Float32Array.from(model.forward(api.tensor(slices[0], [batch, 28, 28, 1])).dataSync()));
    const scale = Math.max(...want.map(Math.abs));
    const diff = got.length === want.length ? Math.max(...want.map((w, i) => Math.abs(w - got[i]))) : Number.POSITIVE_INFINITY;
    if (!(diff <= 1e-4 * scale + 1e-5))
      return {
        ...skipped('lenet', caseId, impl, `WRONG RESULT: logits differ from lec's forward by ${diff} (scale ${scale})`),
        status: 'wrong',
      };
    const ms = await timeCalls((i) => runners[i % runners.length].run(), warmup, steps);
    return stepResult('lenet', caseId, impl, ms, batch);
  } catch (e) {
    return skipped('lenet', caseId, impl, `error: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    for (const r of runners) r.dispose();
  }
}

/** tfjs-layers' LeNet-5 on tfjs-wasm: trainOnBatch, Adam 1e-3, softmax cross-entropy on logits. */
async function tfjsTrain(
  impl: Impl,
  caseId: string,
  x: Float32Array,
  labels: Int32Array,
  batch: number,
  n: { warmup: number; steps: number },
): Promise<Result> {
  try {
    await impl.activate?.();
    const model = tfjsLenet(tfl);
    model.compile({
      optimizer: tf.train.adam(1e-3),
      loss: (yt: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, logits),
    });
    const batches = Array.from({ length: 4 }, (_, i) => ({
      x: tf.tensor4d(x.subarray(i * batch * 784, (i + 1) * batch * 784), [batch, 28, 28, 1]),
      y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels.subarray(i * batch, (i + 1) * batch), 'int32'), 10)),
    }));
    const losses: number[] = [];
    const ms = await timeCalls(
      async (i) => {
        const l = await model.trainOnBatch(batches[i % 4].x, batches[i % 4].y);
        losses.push(Array.isArray(l) ? l[0] : l);
      },
      n.warmup,
      n.steps,
    );
    for (const b of batches) tf.dispose([b.x, b.y]);
    model.dispose();
    if (!losses.every(Number.isFinite))
      return { ...skipped('lenet', caseId, impl, `WRONG RESULT: non-finite loss ${losses.join(', ')}`), status: 'wrong' };
    return stepResult('lenet', caseId, impl, ms, batch);
  } catch (e) {
    return skipped('lenet', caseId, impl, `error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function gemmSuite(o: BrowserOptions, impls: Impl[], ctx: SuiteContext): Promise<void> {
  let seed = 1;
  for (const c of gemmCases({ tiny: o.tiny })) {
    const a = data(c.m * c.k, seed++);
    const b = data(c.k * c.n, seed++);
    const spec: CaseSpec = {
      suite: 'gemm',
      caseId: c.id,
      flops: 2 * c.m * c.n * c.k,
      k: c.k,
      expected: referenceOf((u, v) => gemmRef(c, u, v), a, b),
      metrics: { m: c.m, n: c.n, k: c.k, ...(c.fresh ? { fresh: true } : {}) },
    };
    for (const impl of impls) {
      const make = c.fresh ? impl.gemmFresh : impl.gemm;
      if (!make) continue;
      ctx.emit(await runCase(ctx, spec, impl, () => make.call(impl, c, a, b)));
    }
  }
}

/** Runs the selected suites (gemm, lenet; default both) and returns every Result and note. */
export async function lecBench(o: BrowserOptions): Promise<{ results: Result[]; notes: string[]; userAgent: string; isolated: boolean }> {
  const results: Result[] = [];
  const notes: string[] = [];
  const impls: Impl[] = [];
  for (const impl of [...lecImpls(o.threads), new PageTfjsWasm(), new PageOrtWeb()]) {
    try {
      await impl.setup();
      impls.push(impl);
      notes.push(...impl.notes);
    } catch (e) {
      results.push({ ...skipped('(setup)', '(all cases)', impl, e instanceof Error ? e.message : String(e)) });
    }
  }
  const ctx: SuiteContext = {
    quick: o.quick,
    tiny: o.tiny,
    impls,
    threads: o.threads,
    progress: silent,
    timing: timingFor(o.quick, o.tiny),
    note: (l) => notes.push(l),
    emit: (r) => results.push(r),
  };
  const want = (s: string) => o.suites.length === 0 || o.suites.includes(s);
  if (want('gemm')) await gemmSuite(o, impls, ctx);
  if (want('lenet')) await lenetCases(o, impls, ctx.emit);
  for (const impl of impls) await impl.dispose();
  const g = globalThis as unknown as { navigator?: { userAgent: string }; crossOriginIsolated?: boolean };
  return { results, notes, userAgent: g.navigator?.userAgent ?? '', isolated: g.crossOriginIsolated === true };
}

(globalThis as unknown as { lecBench: typeof lecBench }).lecBench = lecBench;

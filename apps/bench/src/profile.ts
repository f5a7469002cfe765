/**
 * `pnpm bench --profile [autoencoder] [lenet] [lstm]`: where a model's training step spends its time.
 * Runs the dense-AE step (784-256-32-256-784, batch 64, Adam, MSE) and the LeNet-5 step
 * (batch 64, Adam, softmax cross-entropy) and the LSTM step (B32 T50 64→128, SGD 0.01, MSE of the
 * last output: the lstm suite's speed case) on a lec backend (lec-wasm, 1 thread, unless
 * `--backend` names another) under V8's sampling CPU profiler (node:inspector, in this process),
 * and classifies every sample by its innermost frame:
 *
 * - `wasm kernels`: frames of WebAssembly code (`wasm://` scripts);
 * - `copies`: JS that moves float data between JS and wasm memory or between arrays: the self time
 *   of @lec/kernels-wasm's kernel host functions (dist/kernels/*) and arena, which only copy
 *   operands in and results out (V8 counts the TypedArray builtins they call as their own time),
 *   functions of @lec/kernels-wasm and @lec/tensor whose name says copy/upload/download/read/
 *   write/view, and the TypedArray builtins when they show as frames;
 * - `allocation`: their alloc/free/dispose/fill functions (making and zeroing storage);
 * - `JS ops`: every other JavaScript frame, itemised by package (tensor ops, nn, the backends);
 * - `GC` and `other` (V8's `(program)`, node internals).
 *
 * Wasm functions are named from the kernels build's export section (`$gemm [12]`); helpers that
 * are not exported keep V8's `wasm-function[N]`. Only the main thread is sampled: with worker threads, time inside a worker is invisible here
 * (the main thread's wait is what shows), so the default is 1 thread.
 */
import { Session } from 'node:inspector/promises';
import { type KernelFeature, kernelBinary } from '@lec/kernels-wasm';
import { data } from './harness/data.js';
import { type LModule, type LTensor, errorLine, importChecked, loadNn, loadTensorApi } from './harness/lec-models.js';
import { LecImpl } from './impls/lec.js';
import { implFactories } from './impls/index.js';

export interface ProfileOptions {
  models: string[];
  backends?: string[];
  threads: number;
  steps: number;
  warmup: number;
  print?: (t: string) => void;
}

export interface ProfileShare {
  model: string;
  impl: string;
  steps: number;
  step_ms: number;
  samples: number;
  /** Fractions of the samples (sum 1). */
  shares: Record<'wasm' | 'copies' | 'alloc' | 'js' | 'gc' | 'other', number>;
  /** JS-op samples by package or file. */
  js_by_source: Record<string, number>;
  /** The functions with the most self time: [name, source, fraction]. */
  top: [string, string, number][];
}

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

const COPY_NAME = /copy|upload|download|toHost|fromHost|readBack|^read|^write|view|^set$|^slice$|^from$/i;
const ALLOC_NAME = /alloc|^free|release|dispose|^fill$|grow/i;

/** Where a frame comes from: `@lec/<pkg>`, a node_modules package, `node`, or the file's base name. */
export function sourceOf(url: string): string {
  if (!url) return '(builtin)';
  if (url.startsWith('wasm://')) return 'wasm';
  if (url.startsWith('node:')) return 'node';
  const pkg = /\/packages\/([^/]+)\//.exec(url);
  if (pkg) return `@lec/${pkg[1]}`;
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (mod) return mod[1];
  if (url.includes('/apps/bench/')) return 'bench';
  return url.split('/').pop() ?? url;
}

/** The category of one sampled frame. */
export function classify(f: CallFrame): keyof ProfileShare['shares'] {
  if (f.url.startsWith('wasm://')) return 'wasm';
  if (f.functionName === '(garbage collector)') return 'gc';
  if (f.functionName.startsWith('(') || f.url.startsWith('node:')) return 'other';
  const src = sourceOf(f.url);
  const ours = src === '(builtin)' || src === '@lec/kernels-wasm' || src === '@lec/tensor';
  if (ours && ALLOC_NAME.test(f.functionName)) return 'alloc';
  // the kernels' host functions and the arena do nothing but marshal operands: their self time
  // is the copies in and out (V8 counts the TypedArray set/slice builtins they call as theirs)
  if (src === '@lec/kernels-wasm' && /\/dist\/(kernels\/|wasm-arena)/.test(f.url)) return 'copies';
  if (ours && (COPY_NAME.test(f.functionName) || (src === '(builtin)' && /Array$/.test(f.functionName)))) return 'copies';
  return 'js';
}

/** Shares of the samples by category, JS by source, and the top self-time functions. */
export function summarizeProfile(
  p: CpuProfile,
  wasmNames: Map<number, string> = new Map(),
): Omit<ProfileShare, 'model' | 'impl' | 'steps' | 'step_ms'> {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const wasmIndex = (f: CallFrame) => /^wasm-function\[(\d+)\]$/.exec(f.functionName)?.[1];
  /** An unexported wasm helper is shown under its nearest exported wasm caller: `gemm_f32 › wasm-function[6]`. */
  const wasmName = (id: number, f: CallFrame): string => {
    const own = wasmIndex(f);
    if (own === undefined) return f.functionName;
    if (wasmNames.has(Number(own))) return `${wasmNames.get(Number(own))} [${own}]`;
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const i = wasmIndex(byId.get(up)!);
      if (i !== undefined && wasmNames.has(Number(i))) return `${wasmNames.get(Number(i))} › ${f.functionName}`;
    }
    return f.functionName;
  };
  const counts = { wasm: 0, copies: 0, alloc: 0, js: 0, gc: 0, other: 0 };
  const js = new Map<string, number>();
  const fn = new Map<string, number>();
  let total = 0;
  for (const id of p.samples) {
    const f = byId.get(id);
    if (!f || f.functionName === '(idle)') continue;
    total++;
    const c = classify(f);
    counts[c]++;
    const src = sourceOf(f.url);
    if (c === 'js') js.set(src, (js.get(src) ?? 0) + 1);
    const name = c === 'wasm' ? wasmName(id, f) : f.functionName;
    const key = `${name || '(anonymous)'}\u0000${src}`;
    fn.set(key, (fn.get(key) ?? 0) + 1);
  }
  const frac = (n: number) => (total ? n / total : 0);
  return {
    samples: total,
    shares: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, frac(v)])) as ProfileShare['shares'],
    js_by_source: Object.fromEntries([...js].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, frac(v)])),
    top: [...fn]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, v]) => {
        const [name, src] = k.split('\u0000');
        return [name, src, frac(v)];
      }),
  };
}

/** Reads an unsigned LEB128 at `at`; returns [value, next offset]. */
function leb(b: Uint8Array, at: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[at++];
    v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [v, at];
  }
}

/** Function index → export name, from a module's export section (the kernels carry no name section). */
export function exportNames(bytes: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  let at = 8; // magic + version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size: number;
    [size, at] = leb(bytes, at);
    if (id === 7) {
      let count: number;
      let p: number;
      [count, p] = leb(bytes, at);
      for (let i = 0; i < count; i++) {
        let len: number;
        [len, p] = leb(bytes, p);
        const name = new TextDecoder().decode(bytes.subarray(p, p + len));
        p += len;
        const kind = bytes[p++];
        let index: number;
        [index, p] = leb(bytes, p);
        if (kind === 0) names.set(index, name);
      }
      break;
    }
    at += size;
  }
  return names;
}

/** Export names of the kernels build a wasm backend runs (its info(): feature, threads), or empty. */
async function kernelNames(info: Record<string, unknown>): Promise<Map<number, string>> {
  try {
    return exportNames(await kernelBinary(info.feature as KernelFeature, Number(info.threads) > 1));
  } catch {
    return new Map();
  }
}

/**
 * Loads what `model` needs and returns a maker of its training step: call the maker inside
 * `withBackend` (model, optimizer and batch are made on the current backend, synchronously).
 */
async function stepOf(model: string): Promise<() => () => void> {
  const T = await loadTensorApi();
  const nn = await loadNn();
  if (model === 'autoencoder') {
    const ae = await importChecked<{ Autoencoder: { dense(o: object): LModule } }>('@lec/autoencoder', ['Autoencoder']);
    return () => {
      const m = ae.Autoencoder.dense({ inputSize: 784, hiddenSizes: [256], latentSize: 32, seed: 0 });
      const opt = new nn.Adam({ learningRate: 1e-3 });
      const x = T.tensor(data(64 * 784, 7, 0, 1), [64, 784]);
      return () => T.tidy(() => nn.trainStep(m, nn.meanSquaredError, opt, x, x));
    };
  }
  if (model === 'lenet') {
    const cnn = await importChecked<{ lenet5(o: { seed: number }): LModule }>('@lec/cnn', ['lenet5']);
    return () => {
      const m = cnn.lenet5({ seed: 0 });
      const opt = new nn.Adam({ learningRate: 1e-3 });
      const x: LTensor = T.tensor(data(64 * 784, 8, 0, 1), [64, 28, 28, 1]);
      const y: LTensor = T.tensor(
        Int32Array.from({ length: 64 }, (_, i) => i % 10),
        [64],
        { dtype: 'int32' },
      );
      return () => T.tidy(() => nn.trainStep(m, nn.softmaxCrossEntropyWithLogits, opt, x, y));
    };
  }
  if (model === 'lstm') {
    const rnn = await importChecked<{ LSTM: new (i: number, h: number, o: { seed: number }) => LModule }>('@lec/rnn', ['LSTM']);
    return () => {
      const m = new rnn.LSTM(64, 128, { seed: 0 });
      const opt = new nn.SGD({ learningRate: 0.01 });
      const x = T.tensor(data(32 * 50 * 64, 1), [32, 50, 64]);
      const y = T.tensor(data(32 * 128, 2), [32, 128]);
      return () => T.tidy(() => nn.trainStep(m, nn.meanSquaredError, opt, x, y));
    };
  }
  throw new Error(`--profile knows autoencoder, lenet and lstm, not '${model}'`);
}

export async function runProfile(o: ProfileOptions): Promise<ProfileShare[]> {
  const print = o.print ?? ((t: string) => process.stdout.write(`${t}\n`));
  const wanted = o.backends?.length ? o.backends : ['lec-wasm'];
  const impls = implFactories
    .flatMap((f) => f.create({ threads: o.threads }))
    .filter((i): i is LecImpl => i instanceof LecImpl && wanted.includes(i.name));
  if (impls.length === 0) throw new Error(`--profile runs lec backends only (lec-js, lec-wasm, lec-wasm-tN); got ${wanted.join(', ')}`);
  const T = await loadTensorApi();
  const models = o.models.length ? o.models : ['autoencoder', 'lenet'];
  const out: ProfileShare[] = [];
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    for (const impl of impls) {
      await impl.setup();
      try {
        for (const model of models) {
          const make = await stepOf(model);
          const step = T.withBackend(impl.lecBackend, make);
          const run = () => T.withBackend(impl.lecBackend, step);
          for (let i = 0; i < o.warmup; i++) run();
          await session.post('Profiler.start');
          const t0 = performance.now();
          for (let i = 0; i < o.steps; i++) run();
          const ms = (performance.now() - t0) / o.steps;
          const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
          const names = await kernelNames(impl.lecBackend.info());
          const s = { model, impl: impl.name, steps: o.steps, step_ms: ms, ...summarizeProfile(profile, names) };
          out.push(s);
          print(renderProfile(s));
        }
      } catch (e) {
        print(`profile ${impl.name}: ${errorLine(e)}`);
      } finally {
        await impl.dispose();
      }
    }
  } finally {
    session.disconnect();
  }
  return out;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

export function renderProfile(s: ProfileShare): string {
  const lines = [
    `\n== profile: ${s.model} training step on ${s.impl} (${s.steps} steps, ${s.step_ms.toFixed(2)} ms/step under the profiler, ${s.samples} samples) ==`,
    `wasm kernels ${pct(s.shares.wasm)} | JS ops ${pct(s.shares.js)} | copies ${pct(s.shares.copies)} | allocation ${pct(s.shares.alloc)} | GC ${pct(s.shares.gc)} | other ${pct(s.shares.other)}`,
    `JS ops by source: ${Object.entries(s.js_by_source)
      .map(([k, v]) => `${k} ${pct(v)}`)
      .join(', ')}`,
    'top self time:',
    ...s.top.map(([name, src, v]) => `  ${pct(v).padStart(7)}  ${name} (${src})`),
  ];
  return lines.join('\n');
}

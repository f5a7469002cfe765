/**
 * The worker_thread that hosts one onnxruntime-web instance for impls/onnxruntime-web.ts.
 * onnxruntime-web reads `env.wasm.numThreads` once, when its WebAssembly module starts, and its
 * env is one object per process (onnxruntime-common's): a 1-thread and a 2-thread instance can
 * only live side by side in separate workers. Kernels are timed here, with harness/timing.ts
 * `measure`, so the message round trip is not inside the timed calls.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import { measure } from '../harness/timing.js';
import type { TimingOptions } from '../harness/types.js';

export interface HostFeed {
  name: string;
  data: Float32Array;
  shape: number[];
}

export type HostRequest =
  | { op: 'init'; id: number }
  | { op: 'prepare'; id: number; key: string; model: Uint8Array; feeds: HostFeed[] }
  | { op: 'run' | 'read' | 'dispose'; id: number; key: string }
  | { op: 'measure'; id: number; key: string; timing: TimingOptions; firstMs: number };

interface Prepared {
  session: ort.InferenceSession;
  feeds: Record<string, ort.Tensor>;
  out: Float32Array | null;
}

const threads = (workerData as { threads: number }).threads;
ort.env.wasm.numThreads = threads;
const prepared = new Map<string, Prepared>();

/** The WebAssembly module the Node entry point loads (named in its source), with its package version. */
function flavour(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('onnxruntime-web');
  const src = fs.readFileSync(entry, 'utf8');
  const file = /ort-wasm[\w.-]*\.mjs/.exec(src)?.[0] ?? '(unknown)';
  return `${file.replace(/\.mjs$/, '.wasm')} (${/simd/.test(file) ? 'SIMD' : 'scalar'}, ${/threaded/.test(file) ? 'threaded' : 'single-threaded'} build)`;
}

async function handle(m: HostRequest): Promise<unknown> {
  if (m.op === 'init') {
    // a 1×1 MatMul session starts the WebAssembly module; numThreads then says what it runs with
    return { version: ort.env.versions.web, flavour: flavour() };
  }
  if (m.op === 'prepare') {
    const session = await ort.InferenceSession.create(m.model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const feeds = Object.fromEntries(m.feeds.map((f) => [f.name, new ort.Tensor('float32', f.data, f.shape)]));
    prepared.set(m.key, { session, feeds, out: null });
    return { numThreads: ort.env.wasm.numThreads };
  }
  const p = prepared.get(m.key);
  if (!p) throw new Error(`onnxruntime-web host: no prepared case ${m.key}`);
  const run = async () => {
    const r = await p.session.run(p.feeds);
    p.out = r[p.session.outputNames[0]].data as Float32Array;
  };
  switch (m.op) {
    case 'run':
      await run();
      return {};
    case 'read':
      if (!p.out) throw new Error('read before run');
      return { data: p.out };
    case 'measure':
      return { stats: await measure(run, m.timing, m.firstMs) };
    case 'dispose':
      prepared.delete(m.key);
      await p.session.release();
      return {};
  }
}

parentPort?.on('message', (m: HostRequest) => {
  handle(m).then(
    (body) => parentPort?.postMessage({ id: m.id, ok: true, body }),
    (e: unknown) => parentPort?.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});

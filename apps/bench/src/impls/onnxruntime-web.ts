/**
 * Peer: onnxruntime-web 1.30's WebAssembly build, run in Node (`onnxruntime-web`, 1 thread, and
 * `onnxruntime-web-tN`, N threads through emscripten pthreads on worker_threads): the WebAssembly
 * peer of onnxruntime-node on the gemm and conv suites, with the same one-node graphs
 * (src/onnx/graphs.ts: forward and input gradient, no filter gradient). Each instance lives in
 * its own worker_thread (impls/onnxruntime-web-host.ts: onnxruntime-web fixes its thread count
 * for the process when its module starts) and times the kernels there.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Stats } from '../harness/timing.js';
import type { ConvPass, ConvProblem, GemmProblem, Impl, ImplContext, ImplFactory, Runner, TimingOptions } from '../harness/types.js';
import { convGraph, gemmGraph, type OnnxCase } from '../onnx/graphs.js';
import { oneNodeModel } from '../onnx/model.js';
import type { HostRequest } from './onnxruntime-web-host.js';
import { ortSkipReason } from './onnxruntime.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The compiled host: beside this file in dist/, or dist/'s copy when this runs from src/ (vitest). */
export function hostScript(): string {
  const candidates = [path.join(here, 'onnxruntime-web-host.js'), path.join(here, '..', '..', 'dist', 'impls', 'onnxruntime-web-host.js')];
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new Error(`no compiled onnxruntime-web host (${candidates[1]}): build @lec/bench first`);
  return found;
}

type Body = Record<string, unknown>;
type Ask = { op: HostRequest['op'] } & Record<string, unknown>;

class Host {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(b: Body): void; reject(e: Error): void }>();
  private next = 0;
  private failed: Error | null = null;

  constructor(threads: number) {
    this.worker = new Worker(hostScript(), { workerData: { threads } });
    const fail = (e: Error) => {
      this.failed ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('message', (m: { id: number; ok: boolean; body?: Body; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.body ?? {});
      else p?.reject(new Error(m.error));
    });
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the onnxruntime-web worker exited (code ${code})`)));
  }

  request(m: Ask): Promise<Body> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...m, id });
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('closed');
    await this.worker.terminate();
  }
}

export class OrtWebImpl implements Impl {
  readonly name: string;
  readonly kind = 'peer' as const;
  notes: string[] = [];
  private host: Host | null = null;
  private cases = 0;
  private reported = false;

  constructor(readonly threads: number) {
    this.name = threads === 1 ? 'onnxruntime-web' : `onnxruntime-web-t${threads}`;
  }

  async setup(): Promise<void> {
    this.host = new Host(this.threads);
    const r = await this.host.request({ op: 'init' }).catch(async (e: unknown) => {
      await this.dispose();
      throw e;
    });
    this.notes.push(
      `${this.name}: onnxruntime-web ${r.version} in Node, in its own worker_thread, loads ${r.flavour}; env.wasm.numThreads = ${this.threads} (timed in the worker)`,
    );
  }

  private async runner(c: OnnxCase): Promise<Runner> {
    const host = this.host;
    if (!host) throw new Error('onnxruntime-web: setup() was not called');
    const key = `c${this.cases++}`;
    const r = await host.request({ op: 'prepare', key, model: oneNodeModel(c.spec), feeds: c.feeds });
    if (!this.reported) {
      this.reported = true;
      // the module falls back to one thread where it cannot start workers: say what it really runs with
      if (r.numThreads !== this.threads)
        this.notes.push(`${this.name}: onnxruntime-web fell back to ${r.numThreads} thread(s) (asked for ${this.threads})`);
    }
    return {
      async run() {
        await host.request({ op: 'run', key });
      },
      async read() {
        return c.post((await host.request({ op: 'read', key })).data as Float32Array);
      },
      async measure(timing: TimingOptions, firstMs: number): Promise<Stats> {
        return (await host.request({ op: 'measure', key, timing, firstMs })).stats as Stats;
      },
      dispose() {
        host.request({ op: 'dispose', key }).catch(() => {});
      },
    };
  }

  gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Promise<Runner> {
    return this.runner(gemmGraph(p, a, b));
  }

  skipReason(suite: string, caseId: string): string | null {
    return ortSkipReason(suite, caseId);
  }

  async conv2d(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Promise<Runner | null> {
    const c = convGraph(p, pass, first, second);
    return c && this.runner(c);
  }

  async dispose(): Promise<void> {
    await this.host?.close();
    this.host = null;
  }
}

export const onnxruntimeWeb: ImplFactory = {
  family: 'onnxruntime-web',
  create: (ctx: ImplContext) => (ctx.threads > 1 ? [new OrtWebImpl(1), new OrtWebImpl(ctx.threads)] : [new OrtWebImpl(1)]),
};

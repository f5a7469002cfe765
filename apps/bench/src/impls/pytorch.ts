/**
 * Peer: PyTorch on the CPU, in a Python subprocess (apps/bench/python/peer.py, one process per
 * thread count: `pytorch` with 1 thread and `pytorch-tN` with `--threads N`, through
 * `torch.set_num_threads`). Requests and replies are JSON lines; arrays travel as base64 float32.
 *
 * Kernels (gemm, conv) are prepared in Python from the same inputs, run once and read back for
 * the float64 check, then timed *in Python* with a port of harness/timing.ts `measure` (same
 * warm-up, batching and budget), so the pipe is never inside a timed call. Model steps (LeNet,
 * AE, LSTM, GCN) are timed in Python with a port of `timeCalls` (per-step wall and process CPU time).
 *
 * When `python3 -c "import torch"` fails (or `LEC_BENCH_PYTHON` names a Python without torch),
 * `setup()` throws with the reason and the run records the impl as skipped.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Stats } from '../harness/timing.js';
import { convGeometry } from '../harness/reference.js';
import type { ConvPass, ConvProblem, GemmProblem, Impl, ImplContext, ImplFactory, Runner, TimingOptions } from '../harness/types.js';

/** The committed peer script (src/impls → ../../python; also right from dist/impls). */
export const PEER_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../python/peer.py');

/** The Python to run: `LEC_BENCH_PYTHON`, else `python3`. */
export const pythonExecutable = () => process.env.LEC_BENCH_PYTHON || 'python3';

const enc = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const decF32 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
export const b64 = enc;

type Reply = Record<string, unknown> & { error?: string };

/** One Python process and its request queue. */
class PeerProcess {
  private proc: ChildProcessWithoutNullStreams;
  private next = 1;
  private pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private stderr = '';
  private exited: string | null = null;
  /** The first line: an error (import torch failed) comes with id 0. */
  private first: Promise<Reply | null>;

  constructor(python: string, threads: number) {
    this.proc = spawn(python, ['-u', PEER_SCRIPT, String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-2000);
    });
    let settleFirst: (r: Reply | null) => void = () => {};
    this.first = new Promise((r) => {
      settleFirst = r;
    });
    const fail = (why: string) => {
      this.exited = why;
      settleFirst({ error: why });
      for (const p of this.pending.values()) p.reject(new Error(why));
      this.pending.clear();
    };
    this.proc.on('error', (e) => fail(`cannot start ${python}: ${e.message}`));
    this.proc.on('close', (code, signal) => {
      if (this.exited === null) fail(`${python} ${path.basename(PEER_SCRIPT)} exited (${signal ?? code})${this.stderrTail()}`);
    });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      let msg: Reply & { id?: number };
      try {
        msg = JSON.parse(line);
      } catch {
        return; // a stray print from a library: ignore
      }
      if (msg.id === 0) {
        settleFirst(msg);
        return;
      }
      const p = this.pending.get(msg.id as number);
      if (!p) return;
      this.pending.delete(msg.id as number);
      if (msg.error) p.reject(new Error(`pytorch: ${msg.error}`));
      else p.resolve(msg);
    });
  }

  private stderrTail(): string {
    const t = this.stderr.trim().split('\n').pop();
    return t ? `: ${t}` : '';
  }

  /** Resolves with the import error, when the script reported one before anything else. */
  async startupError(request: Promise<Reply>): Promise<string | null> {
    const r = await Promise.race([this.first, request.then(() => null)]);
    return r?.error ?? null;
  }

  request(op: string, body: Record<string, unknown> = {}): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.stdin.write(`${JSON.stringify({ ...body, id, op })}\n`);
    });
  }

  close(): void {
    this.exited ??= 'closed';
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** A kernel runner whose timing happens in Python (see Runner.measure). */
function remoteRunner(peer: PeerProcess, key: string): Runner {
  return {
    async run() {
      await peer.request('run', { key });
    },
    async read() {
      const r = await peer.request('read', { key });
      return decF32(r.data as string);
    },
    async measure(timing: TimingOptions, firstMs: number): Promise<Stats> {
      const r = await peer.request('measure', { key, timing, firstMs });
      return r.stats as Stats;
    },
    dispose() {
      peer.request('dispose', { key }).catch(() => {});
    },
  };
}

/** What a model step reply carries. */
export interface PeerSteps {
  ms: number[];
  cpu: number[];
  losses?: number[];
  parameters?: number;
}

export class PytorchImpl implements Impl {
  readonly kind = 'peer' as const;
  notes: string[] = [];
  private peer: PeerProcess | null = null;
  private cases = 0;

  constructor(
    readonly name: string,
    readonly threads: number,
  ) {}

  async setup(): Promise<void> {
    const python = pythonExecutable();
    const peer = new PeerProcess(python, this.threads);
    const hello = peer.request('hello');
    const early = await peer.startupError(hello);
    if (early) {
      peer.close();
      throw new Error(`python3 -c "import torch" does not work here (${early}); see the bench README to install the CPU wheel`);
    }
    const h = await hello;
    this.peer = peer;
    if (h.threads !== this.threads) throw new Error(`torch.set_num_threads(${this.threads}) left ${h.threads} threads`);
    if (this.threads === 1)
      this.notes.push(
        `pytorch: torch ${h.torch} (Python ${h.python}, ${python}), CPU capability ${h.cpu_capability}, mkldnn ${h.mkldnn}; a subprocess per thread count (python/peer.py), timed in Python by the same rules; NCHW layouts converted untimed`,
      );
  }

  private get p(): PeerProcess {
    if (!this.peer) throw new Error(`${this.name} is not set up`);
    return this.peer;
  }

  private async prepared(body: Record<string, unknown>): Promise<Runner | null> {
    const key = `c${this.cases++}`;
    const r = await this.p.request('prepare', { ...body, key });
    if (r.unsupported) throw new Error(`not supported: ${r.unsupported}`);
    return remoteRunner(this.p, key);
  }

  gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Promise<Runner | null> {
    return this.prepared({ kind: 'gemm', ...p, a: enc(a), b: enc(b) });
  }

  gemmFresh(p: GemmProblem, a: Float32Array, b: Float32Array): Promise<Runner | null> {
    return this.prepared({ kind: 'gemm', ...p, fresh: true, a: enc(a), b: enc(b) });
  }

  conv2d(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Promise<Runner | null> {
    const g = convGeometry(p);
    return this.prepared({ kind: 'conv', problem: p, pass, ...g, first: enc(first), second: enc(second) });
  }

  /** A model training run (`model`: lenet, ae, lstm) timed per step in Python. */
  async train(body: Record<string, unknown>): Promise<PeerSteps> {
    return (await this.p.request('train', body)) as unknown as PeerSteps;
  }

  /** LeNet-5 inference timed per call in Python. */
  async infer(body: Record<string, unknown>): Promise<PeerSteps> {
    return (await this.p.request('infer', body)) as unknown as PeerSteps;
  }

  /** GCN epochs timed in Python. */
  async gcn(body: Record<string, unknown>): Promise<PeerSteps> {
    return (await this.p.request('gcn', body)) as unknown as PeerSteps;
  }

  dispose(): void {
    this.peer?.close();
    this.peer = null;
  }
}

/** The set-up pytorch impls of a run (1 thread and `--threads N`). */
export function pytorchImpls(ctx: { impls: Impl[] }): PytorchImpl[] {
  return ctx.impls.filter((i): i is PytorchImpl => i instanceof PytorchImpl);
}

export const pytorch: ImplFactory = {
  family: 'pytorch',
  create: (ctx: ImplContext) => {
    const variants = [new PytorchImpl('pytorch', 1)];
    if (ctx.threads > 1) variants.push(new PytorchImpl(`pytorch-t${ctx.threads}`, ctx.threads));
    return variants;
  },
};

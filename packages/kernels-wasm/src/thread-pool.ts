/**
 * Worker threads for the kernels: Node `worker_threads`, or browser Workers when the page is
 * cross-origin isolated. Every worker instantiates the same compiled module over the same
 * shared `WebAssembly.Memory`, so a kernel call on a worker reads and writes the arena the
 * main thread filled. Jobs are posted through a small SharedArrayBuffer (one slot per worker:
 * a state word for Atomics.wait/notify, the kernel's index and its arguments) instead of
 * messages, so dispatch never needs the event loop: the main thread posts, runs its own share,
 * then waits for the workers with Atomics.wait (or spins where the main thread may not wait,
 * as in a browser's window).
 *
 * Workers start once (`createThreadPool` resolves when all are ready), are reused for every
 * call, are unref'd in Node (they never keep the process alive) and stop on `terminate()`.
 *
 * `runChunks` shares work dynamically: the chunks sit in a table in the control buffer and
 * every thread (the calling one too) claims the next with an atomic counter until none is
 * left, so a worker that wakes late or runs on a busy core takes fewer chunks instead of
 * holding the others up. A worker starts a job only by moving its slot from POSTED to RUNNING
 * (compare-exchange), so when the calling thread has claimed every chunk before a worker woke,
 * it takes the job back (POSTED → IDLE) and returns without waiting for the wake-up: a call is
 * never slower than one thread by more than the posting. Which thread runs a chunk does not
 * change the result: chunks write disjoint outputs, each with the same summation order.
 */
import { KERNEL_EXPORT_NAMES, type KernelExports } from './kernel-exports.js';

/** One kernel call: the export's name and its numeric arguments (pointers are byte addresses). */
export interface KernelJob {
  kernel: (typeof KERNEL_EXPORT_NAMES)[number];
  args: readonly number[];
}

// Per-worker slot in the control buffer: 64 float64 words. Word 0 (as int32 words 0..1)
// holds state and the kernel index; args start at word 1.
const SLOT_WORDS = 64;
const MAX_ARGS = SLOT_WORDS - 1;
const STATE_IDLE = 0;
const STATE_POSTED = 1;
const STATE_DONE = 2;
const STATE_EXIT = 3;
const STATE_FAILED = 4;
const STATE_RUNNING = 5;
/** Kernel index meaning "claim chunks from the table" (`runChunks`). */
const CHUNKED = -1;
/** Most chunks of one `runChunks` call, and float64 words per chunk row (kernel, argc, args). */
export const MAX_CHUNKS = 64;
const ROW_WORDS = 24;
/**
 * How long an idle worker keeps polling its slot after a job before it sleeps in Atomics.wait,
 * and how long the calling thread polls for a worker to finish before it sleeps: a wake-up
 * from Atomics.wait costs 15–30 µs here (scratch wake.mjs), paid twice per call (the worker's
 * and then the caller's), which is a large share of a 100–300 µs kernel of a training step.
 * The worker's poll covers the JavaScript between two kernels of a step; the caller's is
 * shorter, since a worker that shares the caller's core (partial load) cannot run meanwhile.
 * Bounded, and cut short when the poller finds it was descheduled (two clock reads 128 polls
 * apart, normally < 1 µs, more than PREEMPTED_MS apart): then another thread wants its core (the
 * other one of ours, or another process: partial load), and it sleeps instead of taking its turn.
 */
// 0.005 ms, not 0.1: with another process on one core (bench `--spin`), a 0.1 ms worker poll put
// 2 threads below 1 thread on 16 of 27 cases against 8 of 27 at 0.005, and quiet whole steps
// did not differ (session-8 quiet window, AMD EPYC Zen 5).
const WORKER_SPIN_MS = 0.005;
const CALLER_SPIN_MS = 0.02;
const PREEMPTED_MS = 0.02;

/**
 * The worker's program, as source text so it runs unbundled in Node (`eval: true`) and in
 * browsers (a Blob URL) alike.
 */
const WORKER_SOURCE = `
'use strict';
function start(data, post) {
  const { module, memory, control, index, names, workers } = data;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = names.map((name) => instance.exports[name]);
  const words = new Float64Array(control, index * ${SLOT_WORDS * 8}, ${SLOT_WORDS});
  const state = new Int32Array(control, index * ${SLOT_WORDS * 8}, 2);
  const table = new Int32Array(control, workers * ${SLOT_WORDS * 8}, 2);
  const rows = new Float64Array(control, workers * ${SLOT_WORDS * 8} + 8, ${MAX_CHUNKS * ROW_WORDS});
  const results = new Float64Array(control, workers * ${SLOT_WORDS * 8} + 8 + ${MAX_CHUNKS * ROW_WORDS * 8}, ${MAX_CHUNKS});
  const call = (fn, from, argc, source, workAt, work) => {
    const args = [];
    for (let i = 0; i < argc; i++) args.push(i === workAt ? work : source[from + i]);
    return fn(...args);
  };
  post('ready');
  for (;;) {
    let s = Atomics.load(state, 0);
    const since = performance.now();
    for (let spin = 1, last = since; s !== ${STATE_POSTED} && s !== ${STATE_EXIT}; spin++) {
      if ((spin & 127) === 0) {
        const now = performance.now();
        if (now - since > ${WORKER_SPIN_MS} || now - last > ${PREEMPTED_MS}) break;
        last = now;
      }
      s = Atomics.load(state, 0);
    }
    while (s !== ${STATE_POSTED} && s !== ${STATE_EXIT}) {
      Atomics.wait(state, 0, s);
      s = Atomics.load(state, 0);
    }
    if (s === ${STATE_EXIT}) return;
    // the calling thread may have taken the job back (POSTED -> IDLE) before we got here
    if (Atomics.compareExchange(state, 0, ${STATE_POSTED}, ${STATE_RUNNING}) !== ${STATE_POSTED}) continue;
    let result = ${STATE_DONE};
    try {
      if (state[1] === ${CHUNKED}) {
        const workAt = words[1];
        const work = words[2];
        for (let c = Atomics.add(table, 0, 1); c < table[1]; c = Atomics.add(table, 0, 1)) {
          const at = c * ${ROW_WORDS};
          results[c] = call(fns[rows[at]], at + 2, rows[at + 1], rows, workAt, work) ?? 0;
        }
      } else {
        call(fns[state[1]], 1, words[${SLOT_WORDS - 1}], words, -1, 0);
      }
    } catch (error) { result = ${STATE_FAILED}; }
    Atomics.store(state, 0, result);
    Atomics.notify(state, 0);
  }
}
if (typeof process !== 'undefined' && process.versions && process.versions.node) {
  // evaluated as ESM (no require) where the parent runs with --input-type=module
  const threads = typeof require === 'function' ? require('node:worker_threads') : process.getBuiltinModule('node:worker_threads');
  const { parentPort, workerData } = threads;
  start(workerData, (message) => parentPort.postMessage(message));
} else {
  self.onmessage = (event) => start(event.data, (message) => self.postMessage(message));
}
`;

interface WorkerHandle {
  terminate(): unknown;
}

interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true; workerData: unknown },
  ) => WorkerHandle & {
    unref(): void;
    once(event: string, listener: (value: unknown) => void): void;
  };
}

/** Why threads cannot run here, or undefined when they can. */
export function threadSupport(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined')
    return 'SharedArrayBuffer is unavailable (in a browser the page must be cross-origin isolated: COOP/COEP headers)';
  if (typeof Atomics === 'undefined') return 'Atomics is unavailable';
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (nodeWorkerThreads() === undefined) {
    if (typeof (globalThis as { Worker?: unknown }).Worker !== 'function')
      return 'no worker threads (neither node:worker_threads nor Worker)';
    if (isolated !== true) return 'the page is not cross-origin isolated (needs COOP/COEP headers)';
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (error) {
    return `the engine cannot create a shared WebAssembly.Memory (${(error as Error).message})`;
  }
  return undefined;
}

function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  const processObject = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } } }).process;
  if (typeof processObject?.getBuiltinModule !== 'function' || processObject.versions?.node === undefined) return undefined;
  return processObject.getBuiltinModule('node:worker_threads') as NodeWorkerThreads | undefined;
}

/** A fixed set of worker threads running kernels over a shared memory. */
export class ThreadPool {
  /** Number of worker threads (the main thread is the extra one). */
  readonly workers: number;
  readonly #handles: WorkerHandle[];
  readonly #state: Int32Array;
  readonly #words: Float64Array;
  #terminated = false;
  #mainMayWait = true;

  readonly #table: Int32Array;
  readonly #rows: Float64Array;
  readonly #results: Float64Array;

  private constructor(handles: WorkerHandle[], control: SharedArrayBuffer) {
    this.#handles = handles;
    this.workers = handles.length;
    this.#state = new Int32Array(control);
    this.#words = new Float64Array(control);
    const tableAt = Math.max(1, this.workers) * SLOT_WORDS * 8;
    this.#table = new Int32Array(control, tableAt, 2);
    this.#rows = new Float64Array(control, tableAt + 8, MAX_CHUNKS * ROW_WORDS);
    this.#results = new Float64Array(control, tableAt + 8 + MAX_CHUNKS * ROW_WORDS * 8, MAX_CHUNKS);
  }

  /**
   * Starts `workers` threads over `memory` (shared) running `module`; resolves when every
   * worker has instantiated it.
   */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number): Promise<ThreadPool> {
    const control = new SharedArrayBuffer((Math.max(1, workers) * SLOT_WORDS + 1 + MAX_CHUNKS * (ROW_WORDS + 1)) * 8);
    const names = [...KERNEL_EXPORT_NAMES];
    const node = nodeWorkerThreads();
    const handles: WorkerHandle[] = [];
    const ready: Promise<unknown>[] = [];
    try {
      for (let index = 0; index < workers; index++) {
        const data = { module, memory, control, index, names, workers };
        if (node !== undefined) {
          const worker = new node.Worker(WORKER_SOURCE, { eval: true, workerData: data });
          handles.push(worker);
          // unref only once ready: until then the pending start must keep the process alive.
          ready.push(
            new Promise((resolve, reject) => {
              worker.once('message', resolve);
              worker.once('error', reject);
            }).then(() => worker.unref()),
          );
        } else {
          const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
          const worker = new Worker(url);
          handles.push(worker);
          ready.push(
            new Promise((resolve, reject) => {
              worker.onmessage = resolve;
              worker.onerror = (event) => reject(new Error(event.message));
            }),
          );
          worker.postMessage(data);
        }
      }
      await Promise.all(ready);
    } catch (error) {
      for (const handle of handles) void handle.terminate();
      throw error;
    }
    return new ThreadPool(handles, control);
  }

  /**
   * Runs `jobs[0]` on the calling thread and `jobs[1..]` on workers 0.., and returns when all
   * are done. At most `workers + 1` jobs.
   * @throws Error when a worker's kernel trapped, or the pool was terminated.
   */
  run(exports: KernelExports, jobs: readonly KernelJob[]): void {
    if (this.#terminated) throw new Error('kernels-wasm: the thread pool was terminated (disposeBackend was called)');
    if (jobs.length > this.workers + 1) throw new RangeError(`kernels-wasm: ${jobs.length} jobs for ${this.workers + 1} threads`);
    for (let w = 0; w < jobs.length - 1; w++) this.#post(w, jobs[w + 1]);
    let mainError: unknown;
    try {
      const job = jobs[0];
      (exports[job.kernel] as (...args: number[]) => void)(...job.args);
    } catch (error) {
      mainError = error;
    }
    let failed = -1;
    for (let w = 0; w < jobs.length - 1; w++) {
      if (this.#wait(w) === STATE_FAILED) failed = w;
      Atomics.store(this.#state, w * SLOT_WORDS * 2, STATE_IDLE);
    }
    if (mainError !== undefined) throw mainError;
    if (failed >= 0) throw new Error(`kernels-wasm: worker ${failed} failed running ${jobs[failed + 1].kernel} (the kernel trapped)`);
  }

  /**
   * Runs every chunk once, claimed dynamically by the calling thread and up to `works.length −
   * 1` workers (see the file comment). `works[t]` is thread t's scratch (t = 0: the calling
   * thread), passed as argument `workAt` of each chunk it runs (−1: none). At most MAX_CHUNKS
   * chunks, at most `workers + 1` threads. Returns what each chunk's kernel returned (0 for none),
   * in chunk order.
   * @throws Error when a kernel trapped, or the pool was terminated.
   */
  runChunks(exports: KernelExports, chunks: readonly KernelJob[], workAt = -1, works: readonly number[] = [0]): number[] {
    if (this.#terminated) throw new Error('kernels-wasm: the thread pool was terminated (disposeBackend was called)');
    if (chunks.length > MAX_CHUNKS) throw new RangeError(`kernels-wasm: ${chunks.length} chunks, at most ${MAX_CHUNKS}`);
    const helpers = Math.min(this.workers, works.length - 1, chunks.length - 1);
    chunks.forEach((chunk, c) => {
      if (chunk.args.length > ROW_WORDS - 2) throw new RangeError(`kernels-wasm: too many kernel arguments (${chunk.args.length})`);
      const at = c * ROW_WORDS;
      this.#rows[at] = KERNEL_EXPORT_NAMES.indexOf(chunk.kernel);
      this.#rows[at + 1] = chunk.args.length;
      for (let i = 0; i < chunk.args.length; i++) this.#rows[at + 2 + i] = chunk.args[i];
    });
    Atomics.store(this.#table, 1, chunks.length);
    Atomics.store(this.#table, 0, 0);
    for (let w = 0; w < helpers; w++) this.#post(w, { kernel: CHUNKED, args: [workAt, works[w + 1]] });
    let mainError: unknown;
    const mine: boolean[] = [];
    const results: number[] = new Array<number>(chunks.length).fill(0);
    try {
      for (let c = Atomics.add(this.#table, 0, 1); c < chunks.length; c = Atomics.add(this.#table, 0, 1)) {
        const args = chunks[c].args.map((a, i) => (i === workAt ? works[0] : a));
        results[c] = ((exports[chunks[c].kernel] as (...args: number[]) => unknown)(...args) as number | undefined) ?? 0;
        mine[c] = true;
      }
    } catch (error) {
      mainError = error;
      Atomics.store(this.#table, 0, chunks.length); // the others stop claiming
    }
    let failed = -1;
    for (let w = 0; w < helpers; w++) {
      const at = w * SLOT_WORDS * 2;
      // a worker that has not started yet gets its job taken back instead of being waited for
      if (Atomics.compareExchange(this.#state, at, STATE_POSTED, STATE_IDLE) === STATE_POSTED) continue;
      if (this.#wait(w) === STATE_FAILED) failed = w;
      Atomics.store(this.#state, at, STATE_IDLE);
    }
    if (mainError !== undefined) throw mainError;
    if (failed >= 0) throw new Error(`kernels-wasm: worker ${failed} failed running a chunk (the kernel trapped)`);
    for (let c = 0; c < chunks.length; c++) if (mine[c] !== true) results[c] = this.#results[c];
    return results;
  }

  #post(worker: number, job: KernelJob | { kernel: typeof CHUNKED; args: readonly number[] }): void {
    if (job.args.length > MAX_ARGS - 1) throw new RangeError(`kernels-wasm: too many kernel arguments (${job.args.length})`);
    const base = worker * SLOT_WORDS;
    for (let i = 0; i < job.args.length; i++) this.#words[base + 1 + i] = job.args[i];
    this.#words[base + SLOT_WORDS - 1] = job.args.length;
    this.#state[base * 2 + 1] = job.kernel === CHUNKED ? CHUNKED : KERNEL_EXPORT_NAMES.indexOf(job.kernel);
    Atomics.store(this.#state, base * 2, STATE_POSTED);
    Atomics.notify(this.#state, base * 2);
  }

  #wait(worker: number): number {
    const at = worker * SLOT_WORDS * 2;
    let s = Atomics.load(this.#state, at);
    const since = performance.now();
    for (let spin = 1, last = since; s === STATE_POSTED || s === STATE_RUNNING; spin++) {
      if ((spin & 127) === 0) {
        const now = performance.now();
        if (now - since > CALLER_SPIN_MS || now - last > PREEMPTED_MS) break;
        last = now;
      }
      s = Atomics.load(this.#state, at);
    }
    while (s === STATE_POSTED || s === STATE_RUNNING) {
      if (this.#mainMayWait) {
        try {
          Atomics.wait(this.#state, at, s, 1000);
        } catch {
          this.#mainMayWait = false; // a browser's main thread may not block: spin instead
        }
      }
      s = Atomics.load(this.#state, at);
    }
    return s;
  }

  /** Stops every worker. Idempotent; the pool cannot run jobs afterwards. */
  terminate(): void {
    if (this.#terminated) return;
    this.#terminated = true;
    for (let w = 0; w < this.workers; w++) {
      Atomics.store(this.#state, w * SLOT_WORDS * 2, STATE_EXIT);
      Atomics.notify(this.#state, w * SLOT_WORDS * 2);
    }
    for (const handle of this.#handles) void handle.terminate();
  }
}

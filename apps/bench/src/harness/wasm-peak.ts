/**
 * The bench's own WebAssembly SIMD peak kernel, assembled byte by byte (the bench must not
 * trust the library it measures for the machine's peak).
 *
 *   (func $run (param $iters i32) (result f32)
 *     ;; `accumulators` independent chains acc = acc·m + c on f32x4 values, `unroll` times
 *     ;; per loop trip; plain SIMD uses f32x4.mul then f32x4.add, relaxed SIMD f32x4.relaxed_madd
 *     loop ... local.get $iters  i32.const 1  i32.sub  local.tee $iters  br_if 0  end
 *     ;; the sum of the accumulators' lane 0, so nothing is dead code
 *   )
 *
 * Each chain update is 8 flops (4 lanes × multiply + add). m < 1 keeps the values bounded.
 */
import { Worker } from 'node:worker_threads';
import v8 from 'node:v8';

export type PeakVariant = 'simd' | 'relaxed';

export interface PeakKernelShape {
  accumulators: number;
  unroll: number;
}

export const DEFAULT_PEAK_SHAPE: PeakKernelShape = { accumulators: 12, unroll: 2 };

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function f32(v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...b];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const op = {
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  f32Const: (v: number) => [0x43, ...f32(v)],
  i32Const1: [0x41, 0x01],
  i32Sub: [0x6b],
  loop: [0x03, 0x40],
  brIf0: [0x0d, 0x00],
  end: [0x0b],
  simd: (code: number) => [0xfd, ...uleb(code)],
};
const F32X4_SPLAT = 0x13;
const F32X4_EXTRACT_LANE = 0x1f;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;
const F32X4_RELAXED_MADD = 0x105;
const V128 = 0x7b;

/** The module bytes: one export `run(iters: i32) → f32`. */
export function peakModule(variant: PeakVariant, shape: PeakKernelShape = DEFAULT_PEAK_SHAPE): Uint8Array<ArrayBuffer> {
  const A = shape.accumulators;
  const M = A + 1;
  const C = A + 2;
  const code: number[] = [];
  for (let i = 1; i <= A; i++) code.push(...op.f32Const(1 + i / 64), ...op.simd(F32X4_SPLAT), ...op.localSet(i));
  code.push(...op.f32Const(0.9999), ...op.simd(F32X4_SPLAT), ...op.localSet(M));
  code.push(...op.f32Const(1e-4), ...op.simd(F32X4_SPLAT), ...op.localSet(C));
  code.push(...op.loop);
  for (let u = 0; u < shape.unroll; u++) {
    for (let i = 1; i <= A; i++) {
      if (variant === 'relaxed')
        code.push(...op.localGet(i), ...op.localGet(M), ...op.localGet(C), ...op.simd(F32X4_RELAXED_MADD), ...op.localSet(i));
      else
        code.push(...op.localGet(i), ...op.localGet(M), ...op.simd(F32X4_MUL), ...op.localGet(C), ...op.simd(F32X4_ADD), ...op.localSet(i));
    }
  }
  code.push(...op.localGet(0), ...op.i32Const1, ...op.i32Sub, ...op.localTee(0), ...op.brIf0, ...op.end);
  code.push(...op.localGet(1));
  for (let i = 2; i <= A; i++) code.push(...op.localGet(i), ...op.simd(F32X4_ADD));
  code.push(...op.simd(F32X4_EXTRACT_LANE), 0x00, ...op.end);
  const locals = [0x01, ...uleb(A + 2), V128];
  const body = [...locals, ...code];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7d]), // type: (i32) -> f32
    ...section(3, [0x01, 0x00]), // function 0 has type 0
    ...section(7, [0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00]), // export "run" = func 0
    ...section(10, [0x01, ...uleb(body.length), ...body]),
  ]);
}

/** Flops of one `run(iters)` call. */
export function peakFlops(iters: number, shape: PeakKernelShape = DEFAULT_PEAK_SHAPE): number {
  return iters * shape.unroll * shape.accumulators * 8;
}

/**
 * Whether this engine validates relaxed SIMD. Node 20 (V8 11.3) needs the flag; it is set
 * before compiling, which is allowed at run time for wasm features.
 */
export function relaxedSimdAvailable(): boolean {
  const bytes = peakModule('relaxed');
  if (WebAssembly.validate(bytes)) return true;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(bytes);
}

export function simdAvailable(): boolean {
  return WebAssembly.validate(peakModule('simd'));
}

type RunFn = (iters: number) => number;

function instantiate(bytes: Uint8Array<ArrayBuffer>): RunFn {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  return inst.exports.run as RunFn;
}

/** Iterations that make one call last about `ms` (measured after a warm-up). */
function calibrate(run: RunFn, ms: number): number {
  let iters = 1 << 14;
  for (let i = 0; i < 3; i++) run(iters); // warm-up: first calls run in the baseline tier
  for (;;) {
    const t0 = performance.now();
    run(iters);
    const dt = performance.now() - t0;
    if (dt > ms / 4 || iters > 1 << 30) return Math.max(1, Math.round((iters * ms) / Math.max(dt, 1e-3)));
    iters *= 4;
  }
}

export interface PeakSample {
  gflops: number;
  ms: number;
  value: number;
}

/** Single-thread peak: `samples` timed calls of about `callMs` each. */
export function peakSingle(variant: PeakVariant, callMs: number, samples: number): PeakSample[] {
  const run = instantiate(peakModule(variant));
  const iters = calibrate(run, callMs);
  const out: PeakSample[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    const value = run(iters);
    const ms = performance.now() - t0;
    out.push({ gflops: peakFlops(iters) / (ms * 1e6), ms, value });
  }
  return out;
}

// Worker: compiles the kernel, warms up, then for each round waits on the shared flag and
// runs; it reports its own start/end on the shared clock (performance.timeOrigin + now).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const v8 = require('node:v8');
if (workerData.relaxed) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const run = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes)).exports.run;
run(workerData.iters);
const flag = new Int32Array(workerData.flag);
parentPort.postMessage({ ready: true });
for (let round = 1; round <= workerData.rounds; round++) {
  Atomics.wait(flag, 0, round - 1);
  const t0 = performance.timeOrigin + performance.now();
  const value = run(workerData.iters);
  const t1 = performance.timeOrigin + performance.now();
  parentPort.postMessage({ round, t0, t1, value });
}
`;

/**
 * N-thread peak: N workers run the same kernel at once; throughput = all flops / the wall
 * time from the first start to the last finish.
 */
export async function peakThreads(variant: PeakVariant, threads: number, callMs: number, samples: number): Promise<PeakSample[]> {
  const bytes = peakModule(variant);
  const iters = calibrate(instantiate(bytes), callMs);
  const flag = new SharedArrayBuffer(4);
  const flagView = new Int32Array(flag);
  const workers: Worker[] = [];
  const byRound = new Map<number, { t0: number; t1: number; value: number }[]>();
  let readyCount = 0;
  let onProgress: () => void = () => {};
  for (let i = 0; i < threads; i++) {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { bytes, iters, flag, rounds: samples, relaxed: variant === 'relaxed' },
    });
    w.on('message', (m: { ready?: boolean; round?: number; t0: number; t1: number; value: number }) => {
      if (m.ready) readyCount++;
      else {
        const list = byRound.get(m.round!) ?? [];
        list.push(m);
        byRound.set(m.round!, list);
      }
      onProgress();
    });
    workers.push(w);
  }
  const errors: Error[] = [];
  for (const w of workers)
    w.on('error', (e) => {
      errors.push(e);
      onProgress();
    });
  const until = (cond: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (errors.length ? reject(errors[0]) : cond() ? resolve() : undefined);
      onProgress = check;
      check();
    });
  try {
    await until(() => readyCount === threads);
    const out: PeakSample[] = [];
    for (let round = 1; round <= samples; round++) {
      Atomics.store(flagView, 0, round);
      Atomics.notify(flagView, 0);
      await until(() => (byRound.get(round)?.length ?? 0) === threads);
      const list = byRound.get(round)!;
      const ms = Math.max(...list.map((r) => r.t1)) - Math.min(...list.map((r) => r.t0));
      out.push({ gflops: (threads * peakFlops(iters)) / (ms * 1e6), ms, value: list[0].value });
    }
    return out;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

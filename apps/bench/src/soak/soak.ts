#!/usr/bin/env node
/**
 * Soak test (issue 25): trains a small CNN and a small LSTM for many steps on the js backend and
 * on the wasm backend (2 threads), sampling the live tensor count, wasm linear memory and the
 * process RSS, and checks they stay flat after a warm-up. Not a benchmark: it reports no speed.
 *
 *   node apps/bench/dist/soak/soak.js [--steps 10000] [--sample 500] [--warmup 0.2]
 *       [--backend js wasm-2t] [--model cnn lstm] [--json FILE]
 *
 * Flat means, after the warm-up fraction of the steps: the live tensor count never changes,
 * wasm memory does not grow, and RSS grows by less than --rss-slack MiB (default 64; V8's
 * heap breathes). Exit code 1 when a run is not flat.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';

/** What the soak touches of lec, imported at run time (the bench builds without the model packages). */
interface Lec {
  tensor: (data: ArrayLike<number>, shape: number[], options?: { dtype?: string }) => { dispose(): void };
  randn: (shape: number[], options?: { seed?: number }) => { dispose(): void };
  setBackend: (b: unknown) => void;
  getBackend: () => { liveBuffers(): number; info(): Record<string, unknown>; disposeBackend?(): void };
  jsBackend: () => unknown;
  trainStep: (...args: unknown[]) => { loss: number };
  Adam: new (o: { learningRate: number }) => unknown;
  softmaxCrossEntropyWithLogits: unknown;
  meanSquaredError: unknown;
  Dense: new (i: number, o: number, options?: { seed?: number }) => unknown;
  Flatten: new () => unknown;
  ReLU: new () => unknown;
  Sequential: new (layers: unknown[]) => unknown;
  Conv2d: new (i: number, o: number, k: number, options?: { seed?: number; padding?: string }) => unknown;
  MaxPool2d: new (w: number) => unknown;
  LSTM: new (i: number, h: number, options?: { seed?: number }) => unknown;
  wasmBackend: (o: { threads: number }) => Promise<unknown>;
}

async function loadLec(): Promise<Lec> {
  const parts = await Promise.all(['@lec/tensor', '@lec/nn', '@lec/cnn', '@lec/rnn', '@lec/kernels-wasm'].map((name) => import(name)));
  return Object.assign({}, ...parts) as Lec;
}

interface Sample {
  step: number;
  liveTensors: number;
  wasmBytes: number | null;
  rssBytes: number;
  loss: number;
}

interface SoakRun {
  backend: string;
  model: string;
  steps: number;
  warmupSteps: number;
  samples: Sample[];
  liveTensorsAfterWarmup: [number, number];
  wasmBytesAfterWarmup: [number, number] | null;
  rssGrowthAfterWarmupBytes: number;
  rssPeakBytes: number;
  flat: boolean;
  reason: string;
  seconds: number;
}

function model(lec: Lec, name: string): { net: unknown; x: unknown; y: unknown; loss: unknown } {
  if (name === 'cnn') {
    // LeNet-like, small: [8, 12, 12, 1] → conv 3×3 → relu → pool → conv → relu → pool → dense 10
    const net = new lec.Sequential([
      new lec.Conv2d(1, 4, 3, { seed: 1, padding: 'same' }),
      new lec.ReLU(),
      new lec.MaxPool2d(2),
      new lec.Conv2d(4, 8, 3, { seed: 2, padding: 'same' }),
      new lec.ReLU(),
      new lec.MaxPool2d(2),
      new lec.Flatten(),
      new lec.Dense(8 * 3 * 3, 10, { seed: 3 }),
    ]);
    const x = lec.randn([8, 12, 12, 1], { seed: 4 });
    const y = lec.tensor(
      Int32Array.from({ length: 8 }, (_, i) => i % 10),
      [8],
      { dtype: 'int32' },
    );
    return { net, x, y, loss: lec.softmaxCrossEntropyWithLogits };
  }
  // LSTM: [8, 12 steps, 4 features] → hidden 16 → dense 1, regression
  const net = new lec.Sequential([new lec.LSTM(4, 16, { seed: 5 }), new lec.Dense(16, 1, { seed: 6 })]);
  const x = lec.randn([8, 12, 4], { seed: 7 });
  const y = lec.randn([8, 1], { seed: 8 });
  return { net, x, y, loss: lec.meanSquaredError };
}

async function soak(
  lec: Lec,
  backendName: string,
  modelName: string,
  steps: number,
  every: number,
  warmup: number,
  rssSlack: number,
): Promise<SoakRun> {
  const backend = backendName === 'js' ? lec.jsBackend() : await lec.wasmBackend({ threads: Number(backendName.replace(/\D/g, '')) || 1 });
  lec.setBackend(backend);
  const b = lec.getBackend();
  const start = performance.now();
  const { net, x, y, loss } = model(lec, modelName);
  const optimizer = new lec.Adam({ learningRate: 1e-3 });
  const samples: Sample[] = [];
  const sample = (step: number, l: number) => {
    const info = b.info();
    samples.push({
      step,
      liveTensors: b.liveBuffers(),
      wasmBytes: typeof info.arenaBytes === 'number' ? info.arenaBytes : null,
      rssBytes: process.memoryUsage().rss,
      loss: l,
    });
  };
  sample(0, Number.NaN);
  for (let step = 1; step <= steps; step++) {
    const { loss: l } = lec.trainStep(net, loss, optimizer, x, y);
    if (step % every === 0 || step === steps) sample(step, l);
  }
  const seconds = (performance.now() - start) / 1000;
  const warmupSteps = Math.round(steps * warmup);
  const after = samples.filter((s) => s.step >= warmupSteps && s.step > 0);
  const live = after.map((s) => s.liveTensors);
  const wasm = after.map((s) => s.wasmBytes).filter((v): v is number => v !== null);
  const rss = after.map((s) => s.rssBytes);
  const liveRange: [number, number] = [Math.min(...live), Math.max(...live)];
  const wasmRange: [number, number] | null = wasm.length ? [Math.min(...wasm), Math.max(...wasm)] : null;
  const rssGrowth = rss[rss.length - 1] - rss[0];
  const reasons: string[] = [];
  if (liveRange[0] !== liveRange[1]) reasons.push(`live tensors moved ${liveRange[0]}..${liveRange[1]}`);
  if (wasm.length && wasm[wasm.length - 1] > wasm[0]) reasons.push(`wasm memory grew ${wasm[0]} → ${wasm[wasm.length - 1]}`);
  if (rssGrowth > rssSlack * 2 ** 20) reasons.push(`RSS grew ${(rssGrowth / 2 ** 20).toFixed(1)} MiB`);
  b.disposeBackend?.();
  return {
    backend: backendName,
    model: modelName,
    steps,
    warmupSteps,
    samples,
    liveTensorsAfterWarmup: liveRange,
    wasmBytesAfterWarmup: wasmRange,
    rssGrowthAfterWarmupBytes: rssGrowth,
    rssPeakBytes: Math.max(...samples.map((s) => s.rssBytes)),
    flat: reasons.length === 0,
    reason: reasons.join('; ') || 'flat',
    seconds,
  };
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = new Command('lec-soak')
    .option('--steps <n>', 'training steps per run', Number, 10_000)
    .option('--sample <n>', 'sample every n steps', Number, 500)
    .option('--warmup <fraction>', 'fraction of the steps before flatness is judged', Number, 0.2)
    .option('--rss-slack <mib>', 'RSS growth after warm-up that still counts as flat', Number, 64)
    .option('--backend <name...>', 'js, wasm-1t, wasm-2t', ['js', 'wasm-2t'])
    .option('--model <name...>', 'cnn, lstm', ['cnn', 'lstm'])
    .option('--json <file>', 'write the runs (with every sample) as JSON');
  program.parse(argv);
  const o = program.opts<{
    steps: number;
    sample: number;
    warmup: number;
    rssSlack: number;
    backend: string[];
    model: string[];
    json?: string;
  }>();
  const lec = await loadLec();
  const runs: SoakRun[] = [];
  for (const backend of o.backend)
    for (const m of o.model) {
      const run = await soak(lec, backend, m, o.steps, o.sample, o.warmup, o.rssSlack);
      runs.push(run);
      const mib = (v: number) => (v / 2 ** 20).toFixed(1);
      console.log(
        `${run.backend} ${run.model}: ${run.steps} steps, live tensors after warm-up ${run.liveTensorsAfterWarmup.join('..')}, ` +
          `wasm bytes ${run.wasmBytesAfterWarmup?.join('..') ?? 'n/a'}, RSS growth after warm-up ${mib(run.rssGrowthAfterWarmupBytes)} MiB ` +
          `(peak ${mib(run.rssPeakBytes)} MiB), loss ${run.samples[1]?.loss.toFixed(4)} → ${run.samples[run.samples.length - 1].loss.toFixed(4)}: ${run.reason}`,
      );
    }
  if (o.json) writeFileSync(o.json, `${JSON.stringify({ machine: process.arch, node: process.version, runs }, null, 2)}\n`);
  return runs.every((r) => r.flat) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);

#!/usr/bin/env node
// Where a training step's time goes on the wasm backend: inside wasm kernels, in JavaScript
// (by package), in copies (typed-array set/slice/fill), in the garbage collector.
//
//   node apps/bench/scripts/profile-step.mjs [ae|lenet|all] [--steps 200] [--warmup 20] [--threads 1] [--top 15]
//
// It runs `--warmup` steps, then `--steps` under the V8 sampling profiler (node:inspector,
// a sample every 100 µs), and sums the profile's self time by category and function. Models (random data, so no dataset is needed):
//   ae     dense autoencoder 784-256-32-256-784 (ReLU, sigmoid out), MSE, Adam 1e-3, batch 64
//   lenet  @lec/cnn's lenet5(), softmax cross-entropy on logits, Adam 1e-3, batch 64
// Run it on a quiet machine; the shares are what matter, the profiler slows everything alike.
import { Session } from 'node:inspector';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    steps: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    threads: { type: 'string', default: '1' },
    top: { type: 'string', default: '15' },
  },
});
const model = positionals[0] ?? 'all';
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const threads = Number(values.threads);

for (const m of model === 'all' ? ['ae', 'lenet'] : [model]) {
  if (m !== 'ae' && m !== 'lenet') throw new Error(`unknown model '${m}' (ae, lenet or all)`);
  const { profile, msPerStep } = await runSteps(m);
  summarise(m, profile, msPerStep);
}

/** Builds the model, runs the warmup steps, then the profiled ones under the V8 sampling profiler. */
async function runSteps(m) {
  const T = await import('@lec/tensor');
  const nn = await import('@lec/nn');
  const { wasmBackend } = await import('@lec/kernels-wasm');
  const backend = await wasmBackend({ threads });
  T.setBackend(backend);
  const batch = 64;
  let net;
  let loss;
  let x;
  let y;
  if (m === 'ae') {
    const { Dense, ReLU, Sequential, Sigmoid } = nn;
    net = new Sequential([
      new Dense(784, 256, { seed: 1 }),
      new ReLU(),
      new Dense(256, 32, { seed: 2 }),
      new Dense(32, 256, { seed: 3 }),
      new ReLU(),
      new Dense(256, 784, { seed: 4 }),
      new Sigmoid(),
    ]);
    loss = nn.meanSquaredError;
    x = T.rand([batch, 784], { seed: 5 });
    y = x;
  } else {
    const { lenet5 } = await import('@lec/cnn');
    net = lenet5({ seed: 1 });
    loss = nn.softmaxCrossEntropyWithLogits;
    x = T.rand([batch, 28, 28, 1], { seed: 5 });
    y = T.tensor(
      Array.from({ length: batch }, (_, i) => i % 10),
      [batch],
      { dtype: 'int32' },
    );
  }
  const optimizer = new nn.Adam({ learningRate: 1e-3 });
  for (let i = 0; i < warmup; i++) nn.trainStep(net, loss, optimizer, x, y);
  const session = new Session();
  session.connect();
  const post = (method, params = {}) =>
    new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) nn.trainStep(net, loss, optimizer, x, y);
  const msPerStep = (performance.now() - t0) / steps;
  const { profile } = await post('Profiler.stop');
  session.disconnect();
  backend.disposeBackend();
  return { profile, msPerStep };
}

/** Self time by category over the profiled window, and the top JavaScript functions. */
function summarise(m, profile, msPerStep) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const cats = new Map();
  const fns = new Map();
  let sum = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    const { functionName: name, url } = n.callFrame;
    const cat = category(name, url);
    if (cat === 'idle') continue;
    sum += us;
    cats.set(cat, (cats.get(cat) ?? 0) + us);
    if (cat !== 'wasm kernels') {
      const key = `${name || '(anonymous)'}  ${shortUrl(url)}:${n.callFrame.lineNumber + 1}`;
      fns.set(key, (fns.get(key) ?? 0) + us);
    }
  }
  const pct = (us) => `${((100 * us) / sum).toFixed(1).padStart(5)} %`;
  console.log(`\n${m}: ${steps} steps, ${msPerStep.toFixed(2)} ms/step under the profiler, threads ${threads}`);
  for (const [cat, us] of [...cats].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us)}  ${cat}`);
  console.log(`  top ${values.top} outside wasm (self time):`);
  for (const [key, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`    ${pct(us)}  ${key}`);
}

function category(name, url) {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(program)' || name === '(root)') return 'engine (program)';
  if (url.startsWith('wasm://') || /^(\$|wasm-function)/.test(name)) return 'wasm kernels';
  if (url === '' && /^(set|slice|fill|subarray|copyWithin|from|of|Float32Array|Float64Array|Int32Array)$/.test(name))
    return 'copies (typed-array builtins)';
  const pkg = /packages\/([^/]+)\//.exec(url);
  if (pkg) return `JavaScript: @lec/${pkg[1]}`;
  if (url === '') return 'JavaScript: builtins';
  if (url.startsWith('node:')) return 'JavaScript: node';
  return 'JavaScript: other';
}

function shortUrl(url) {
  const i = url.indexOf('packages/');
  return i >= 0 ? url.slice(i + 'packages/'.length) : url || '(builtin)';
}

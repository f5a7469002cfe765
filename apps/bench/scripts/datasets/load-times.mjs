#!/usr/bin/env node
// Load times from the cache (no network): MNIST / Fashion-MNIST / CIFAR-10 from full-size
// synthetic files in the standard formats (the real files cannot be downloaded here: same
// sizes, same layout; MNIST-like sparsity so gzip works about as hard), and Cora / Citeseer
// from the original files (LEC_DATA_DIR or ../shared/datasets). Build first (pnpm exec turbo run build --filter @lec/bench...).
//   node apps/bench/scripts/datasets/load-times.mjs [--repeats 5] [--only mnist,cora] [--parts] [--fresh] [--backend js|wasm]
// Most of the cost of a first load is first-touch page faults on fresh large arrays (the
// 188 MB float32 train images cost ~3 ns/byte here, a warm array ~0.3): MNIST's images are
// decoded while they inflate, straight into the array the tensor keeps (emptyArray), so no
// raw-pixel array and no second float array is made.
// In one process, loads after the first reuse the arrays of the previous load's disposed
// tensors (the backend recycles them): --fresh runs every load in its own process instead,
// so each one is a first load (the figure for issue 21's "MNIST 70k ≤ 1 s from the cache").
// --backend wasm: load onto the wasm backend (tensors in its linear memory; says whether the
// images landed in a heap block without a copy).
// --parts: the steps of the MNIST train split apart, old and new path: fetch + verify,
// whole-file gunzip, uint8 → float32 into a fresh array, tensor() copy vs transfer, and the
// streaming decode (gunzipChunks + conversion into emptyArray), each on a fresh backend.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cifar10, fashionMnist, fetchFile, gunzip, gunzipChunks, MNIST_FILES, mnist, pairIdx, planetoid } from '@lec/datasets';
import { wasmBackend } from '@lec/kernels-wasm';
import { emptyArray, jsBackend, setBackend, tensor } from '@lec/tensor';

const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const repeats = Number(arg('--repeats') || 5);
const only = arg('--only')?.split(',') ?? null;
const backendName = arg('--backend') ?? 'js';
const child = arg('--child');
const fresh = process.argv.includes('--fresh');
const makeBackend = async () => (backendName === 'wasm' ? await wasmBackend() : jsBackend());
const backend = await makeBackend();
setBackend(backend);
/** Where a tensor's array lives on the wasm backend (test-style peek at the handle). */
const placeOf = (t) => {
  if (backendName !== 'wasm') return '';
  const data = backend.context.store.get(t.handle);
  return backend.context.heap.has(data) ? 'wasm heap block' : 'JavaScript array';
};
const root = arg('--root') ?? mkdtempSync(join(tmpdir(), 'lec-load-times-'));
let state = 21;
const rand = () => {
  // xorshift32: the low byte of each state (the file must not compress better than real data)
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state & 0xff;
};
const sha = (b) => createHash('sha256').update(b).digest('hex');

function idx(dims, fill) {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 8;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const body = Buffer.alloc(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < body.length; i++) body[i] = fill(i);
  return Buffer.concat([head, body]);
}
const expected = {};
function put(dataset, name, bytes) {
  if (name.includes('images') || name.endsWith('.tar.gz')) console.log(`${dataset}/${name}: ${(bytes.length / 1e6).toFixed(1)} MB`);
  mkdirSync(join(root, dataset), { recursive: true });
  writeFileSync(join(root, dataset, name), bytes);
  (expected[dataset] ??= {})[name] = { sha256: sha(bytes) };
}
if (child) Object.assign(expected, JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')));
for (const dataset of ['mnist', 'fashion-mnist'].filter((d) => !child && (!only || only.some((o) => d.startsWith(o))))) {
  for (const [split, n] of [
    ['train', 60000],
    ['t10k', 10000],
  ]) {
    // ~19 % nonzero pixels, as in MNIST
    put(dataset, `${split}-images-idx3-ubyte.gz`, gzipSync(idx([n, 28, 28], () => (rand() < 48 ? rand() : 0))));
    put(dataset, `${split}-labels-idx1-ubyte.gz`, gzipSync(idx([n], () => rand() % 10)));
  }
}
if (!child && (!only || only.includes('cifar'))) {
  // CIFAR-10 binary: a ustar archive of 5 + 1 batches of 10,000 records of 3,073 bytes
  const header = (name, size) => {
    const h = Buffer.alloc(512);
    h.write(name, 0);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const parts = [];
  for (const name of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) {
    const body = Buffer.alloc(10000 * 3073);
    for (let r = 0; r < 10000; r++) {
      body[r * 3073] = rand() % 10;
      for (let p = 1; p < 3073; p++) body[r * 3073 + p] = rand();
    }
    parts.push(header(`cifar-10-batches-bin/${name}.bin`, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  put('cifar-10', 'cifar-10-binary.tar.gz', gzipSync(Buffer.concat(parts), { level: 1 }));
}

if (!child) writeFileSync(join(root, 'expected.json'), JSON.stringify(expected));

const shared = [process.env.LEC_DATA_DIR, fileURLToPath(new URL('../../../../../shared/datasets', import.meta.url))].find(
  (d) => d && existsSync(join(d, 'planetoid-original', 'ind.cora.x')),
);
const cases = [
  ['MNIST (70,000; synthetic full-size IDX)', () => mnist({ root, download: false, expected: expected.mnist })],
  ['Fashion-MNIST (70,000; synthetic full-size IDX)', () => fashionMnist({ root, download: false, expected: expected['fashion-mnist'] })],
  ['CIFAR-10 (60,000; synthetic full-size binary tarball)', () => cifar10({ root, download: false, expected: expected['cifar-10'] })],
  ...(shared
    ? [
        ['Cora (original ind.* files)', () => planetoid('cora', { root: shared, download: false })],
        ['Citeseer (original ind.* files)', () => planetoid('citeseer', { root: shared, download: false })],
      ]
    : []),
];
// wall time, and this process's CPU time (user + system): on a shared, loaded machine the
// wall time includes waiting for a core
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const loadOnce = async (load) => {
  const t0 = performance.now();
  const c0 = cpuMs();
  const d = await load();
  const out = { wall: performance.now() - t0, cpu: cpuMs() - c0, place: d.train?.images ? placeOf(d.train.images) : '' };
  for (const t of [d.train?.images, d.train?.labels, d.test?.images, d.test?.labels]) t?.dispose?.();
  return out;
};
if (child) {
  const found = cases.find(([name]) => name === child);
  console.log(JSON.stringify(await loadOnce(found[1])));
  backend.disposeBackend?.();
  process.exit(0);
}
console.log(
  `load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(
      ' ',
    )}, node ${process.version}, backend ${backendName}, ${repeats} loads each ${fresh ? '(each in a fresh process: every one a first load)' : '(in this process: the first reported apart; later ones reuse the disposed arrays)'}`,
);
const median = (xs) => xs.slice().sort((a, b) => a - b)[(xs.length - 1) >> 1];
for (const [name, load] of cases) {
  if (only && !only.some((o) => name.toLowerCase().startsWith(o))) continue;
  const runs = [];
  for (let i = 0; i < repeats; i++)
    runs.push(
      fresh
        ? JSON.parse(
            execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, '--root', root, '--backend', backendName], {
              encoding: 'utf8',
            })
              .trim()
              .split('\n')
              .at(-1),
          )
        : await loadOnce(load),
    );
  const place = runs[0].place ? ` (train images in a ${runs[0].place})` : '';
  const [ms, cpu] = [runs.map((r) => r.wall), runs.map((r) => r.cpu)];
  console.log(
    fresh
      ? `${name}: fresh process, median wall ${median(ms).toFixed(0)} ms (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}), median CPU ${median(cpu).toFixed(0)} ms${place}`
      : `${name}: wall first ${ms[0].toFixed(0)} ms, median of the rest ${median(ms.slice(1)).toFixed(0)} ms; CPU first ${cpu[0].toFixed(0)} ms, median ${median(cpu.slice(1)).toFixed(0)} ms${place}`,
  );
}
if (process.argv.includes('--parts') && expected.mnist) {
  const name = MNIST_FILES.trainImages.name;
  const file = { ...MNIST_FILES.trainImages, ...expected.mnist[name], md5: undefined, bytes: undefined };
  const labels = { ...MNIST_FILES.trainLabels, ...expected.mnist[MNIST_FILES.trainLabels.name], md5: undefined, bytes: undefined };
  const scale = Float32Array.from({ length: 256 }, (_, v) => v / 255);
  const convert = (x, at, p) => {
    for (let j = 0; j < p.length; j++) x[at + j] = scale[p[j]];
  };
  const parts = {};
  const time = async (k, fn) => {
    const t = performance.now();
    const out = await fn();
    (parts[k] ??= []).push(performance.now() - t);
    return out;
  };
  let where = '';
  for (let i = 0; i < repeats; i++) {
    const gz = await time('read + sha256 (images + labels)', async () => {
      const g = await fetchFile('mnist', file, { root, download: false });
      await fetchFile('mnist', labels, { root, download: false });
      return g;
    });
    // the old path: whole-file gunzip, then a fresh float array, then tensor()
    const raw = await time('old: gunzip the whole file', () => gunzip(gz, name, 60000 * 784 + 16));
    const pixels = raw.subarray(16);
    const x = new Float32Array(pixels.length);
    await time('old: uint8 → float32 into a fresh array', () => convert(x, 0, pixels));
    await time('    (the same loop into that array again: warm pages)', () => convert(x, 0, pixels));
    // a fresh backend each time: no recycled array to copy into (a first load has none)
    let b = await makeBackend();
    await time('old: tensor() (copy)', () => tensor(x, [60000, 28, 28, 1], { backend: b }).dispose());
    b.disposeBackend?.();
    b = await makeBackend();
    await time('old: tensor({ transfer: true }) of that array', () =>
      tensor(x, [60000, 28, 28, 1], { transfer: true, backend: b }).dispose(),
    );
    b.disposeBackend?.();
    // the new path: decode while inflating, into the backend's own array, handed over
    await time('new: gunzipChunks alone (inflate, nothing kept)', () => gunzipChunks(gz, name, 60000 * 784 + 16, () => undefined));
    b = await makeBackend();
    await time('new: inflate + convert into emptyArray + transfer', async () => {
      const out = emptyArray(60000 * 784, { backend: b });
      let at = -16;
      await gunzipChunks(gz, name, 60000 * 784 + 16, (c) => {
        const skip = Math.max(0, -at);
        if (skip < c.length) convert(out, Math.max(0, at), c.subarray(skip));
        at += c.length;
      });
      const t = tensor(out, [60000, 28, 28, 1], { transfer: true, backend: b });
      if (backendName === 'wasm') where = b.context.heap.has(b.context.store.get(t.handle)) ? 'a wasm heap block' : 'a JavaScript array';
      t.dispose();
    });
    b.disposeBackend?.();
  }
  for (const [k, ms] of Object.entries(parts)) console.log(`  MNIST train ${k}: median ${median(ms).toFixed(1)} ms`);
  if (where) console.log(`  (on wasm the streamed images landed in ${where})`);
}
if (!shared) console.log('Cora/Citeseer: skipped (no planetoid-original under LEC_DATA_DIR or ../shared/datasets)');
console.log(
  `load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
backend.disposeBackend?.();
if (!arg('--root')) rmSync(root, { recursive: true, force: true });

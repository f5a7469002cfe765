#!/usr/bin/env node
// Load times from the cache (no network): MNIST / Fashion-MNIST / CIFAR-10 from full-size
// synthetic files in the standard formats (the real files cannot be downloaded here: same
// sizes, same layout; MNIST-like sparsity so gzip works about as hard), and Cora / Citeseer
// from the original files (LEC_DATA_DIR or ../shared/datasets). Build first (pnpm exec turbo run build --filter @lec/bench...).
//   node apps/bench/scripts/datasets/load-times.mjs [--repeats 5] [--only mnist,cora] [--parts]
// Most of the cost of a first load is page faults on fresh large arrays (the 188 MB float32
// train images), which is why `transfer` (no second 188 MB array) matters.
// --parts: also times the steps of the MNIST train split apart (fetch + verify, gunzip,
// pairing, uint8 → float32, tensor creation with and without `transfer`). On the default js
// backend `transfer: true` keeps the Float32Array (no second copy); issue 21 asks for
// MNIST 70k ≤ 1 s from the cache.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cifar10, fashionMnist, fetchFile, gunzip, MNIST_FILES, mnist, pairIdx, planetoid } from '@lec/datasets';
import { jsBackend, tensor } from '@lec/tensor';

const repeats = Number(process.argv[process.argv.indexOf('--repeats') + 1] || 5);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
const root = mkdtempSync(join(tmpdir(), 'lec-load-times-'));
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
for (const dataset of ['mnist', 'fashion-mnist'].filter((d) => !only || only.some((o) => d.startsWith(o)))) {
  for (const [split, n] of [
    ['train', 60000],
    ['t10k', 10000],
  ]) {
    // ~19 % nonzero pixels, as in MNIST
    put(dataset, `${split}-images-idx3-ubyte.gz`, gzipSync(idx([n, 28, 28], () => (rand() < 48 ? rand() : 0))));
    put(dataset, `${split}-labels-idx1-ubyte.gz`, gzipSync(idx([n], () => rand() % 10)));
  }
}
if (!only || only.includes('cifar')) {
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
console.log(
  `load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}, node ${process.version}, ${repeats} loads each (first one reported apart)`,
);
// wall time, and this process's CPU time (user + system): on a shared, loaded machine the
// wall time includes waiting for a core
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const [name, load] of cases) {
  if (only && !only.some((o) => name.toLowerCase().startsWith(o))) continue;
  const ms = [];
  const cpu = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    const d = await load();
    ms.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    for (const t of [d.train?.images, d.train?.labels, d.test?.images, d.test?.labels]) t?.dispose?.();
  }
  const median = (xs) => xs.slice(1).sort((a, b) => a - b)[(xs.length - 1) >> 1];
  console.log(
    `${name}: wall first ${ms[0].toFixed(0)} ms, median of the rest ${median(ms).toFixed(0)} ms; CPU first ${cpu[0].toFixed(0)} ms, median ${median(cpu).toFixed(0)} ms`,
  );
}
if (process.argv.includes('--parts') && expected.mnist) {
  const name = MNIST_FILES.trainImages.name;
  const file = { ...MNIST_FILES.trainImages, ...expected.mnist[name], md5: undefined, bytes: undefined };
  const labels = { ...MNIST_FILES.trainLabels, ...expected.mnist[MNIST_FILES.trainLabels.name], md5: undefined, bytes: undefined };
  const scale = Float32Array.from({ length: 256 }, (_, v) => v / 255);
  const parts = {};
  const add = (k, ms) => (parts[k] ??= []).push(ms);
  for (let i = 0; i < repeats; i++) {
    let t = performance.now();
    const gz = await fetchFile('mnist', file, { root, download: false });
    const gzl = await fetchFile('mnist', labels, { root, download: false });
    add('read + sha256', performance.now() - t);
    t = performance.now();
    const raw = await gunzip(gz, name, 60000 * 784 + 16);
    const rawl = await gunzip(gzl, labels.name, 60008);
    add('gunzip', performance.now() - t);
    t = performance.now();
    const pair = pairIdx(raw, rawl, 'train', 10, 60000);
    add('pairIdx', performance.now() - t);
    t = performance.now();
    const x = new Float32Array(pair.pixels.length);
    for (let j = 0; j < x.length; j++) x[j] = scale[pair.pixels[j]];
    add('uint8 → float32', performance.now() - t);
    t = performance.now();
    // a fresh js backend each time: no recycled array to copy into (a first load has none)
    tensor(x, pair.shape, { backend: jsBackend() }).dispose();
    add('tensor() (copy)', performance.now() - t);
    t = performance.now();
    tensor(x, pair.shape, { transfer: true, backend: jsBackend() }).dispose();
    add('tensor({ transfer: true })', performance.now() - t);
  }
  const median = (xs) => xs.slice(1).sort((a, b) => a - b)[(xs.length - 1) >> 1] ?? xs[0];
  for (const [k, ms] of Object.entries(parts)) console.log(`  MNIST train ${k}: median ${median(ms).toFixed(1)} ms`);
}
if (!shared) console.log('Cora/Citeseer: skipped (no planetoid-original under LEC_DATA_DIR or ../shared/datasets)');
console.log(
  `load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
rmSync(root, { recursive: true, force: true });

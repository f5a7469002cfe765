// The page side of chromium.test.ts: the built @lec/datasets and @lec/tensor, loaded as ES
// modules through an import map, with one function per case on window.cases.
import * as datasets from '@lec/datasets';

const { mnist, fetchFile } = datasets;
const quiet = { retries: 1, backoffMs: 10, timeoutMs: 5000, onWarning: () => {} };
const KEY = (name) => `https://lec.invalid/datasets/mnist/${encodeURIComponent(name)}`;

/** Shape, dtype and a position-weighted sum of each tensor (compared with Node's load). */
function summary(d) {
  const s = (t) => {
    const a = t.dataSync();
    let x = 0;
    for (let i = 0; i < a.length; i++) x += a[i] * ((i % 7) + 1);
    return [t.shape, t.dtype, x];
  };
  return [s(d.train.images), s(d.train.labels), s(d.test.images), s(d.test.labels)];
}
const keys = async (name) => (await (await caches.open(name)).keys()).map((r) => r.url);
const failure = (e) => ({ name: e?.name, message: String(e?.message), isDatasetError: e instanceof datasets.DatasetError });

window.cases = {
  env: async () => ({
    caches: typeof caches,
    subtle: typeof crypto?.subtle?.digest,
    locks: typeof navigator.locks?.request,
    decompression: typeof DecompressionStream,
    node: typeof process,
  }),
  firstLoad: async (base, expected) => {
    const progress = [];
    const d = await mnist({ ...quiet, mirrors: [`${base}/ok/mnist`], expected, onProgress: (p) => progress.push(p.received) });
    return { summary: summary(d), progress: progress.length, keys: await keys('lec-datasets') };
  },
  secondLoad: async (expected) => summary(await mnist({ ...quiet, mirrors: [], download: false, expected })),
  corruptMirror: async (base, file) => {
    const e = await fetchFile('mnist', file, { ...quiet, cacheName: 'corrupt', mirrors: [`${base}/corrupt/mnist`] }).catch((x) => x);
    return { error: failure(e), keys: await keys('corrupt') };
  },
  corruptCacheEntry: async (file) => {
    const cache = await caches.open('lec-datasets');
    const bytes = new Uint8Array(await (await cache.match(KEY(file.name))).arrayBuffer());
    bytes[bytes.length >> 1] ^= 0xff;
    await cache.put(KEY(file.name), new Response(bytes));
    const e = await fetchFile('mnist', file, { ...quiet, download: false }).catch((x) => x);
    return { error: failure(e), stillCached: (await cache.match(KEY(file.name))) !== undefined };
  },
  deadMirrors: async (dead, base, file) => {
    const mirrors = [dead, `${base}/slow/mnist`, `${base}/404/mnist`, `${base}/ok/mnist`];
    const bytes = await fetchFile('mnist', file, { ...quiet, timeoutMs: 300, cacheName: 'dead', mirrors });
    return { length: bytes.length, sha256: await datasets.sha256Hex(bytes), keys: await keys('dead') };
  },
  concurrent: async (base, file) => {
    const options = { ...quiet, cacheName: 'locks', mirrors: [`${base}/ok/mnist`] };
    const [a, b] = await Promise.all([fetchFile('mnist', file, options), fetchFile('mnist', file, options)]);
    return [a.length, b.length];
  },
};
window.ready = true;

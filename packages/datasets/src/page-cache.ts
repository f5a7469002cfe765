/**
 * Fetching in a page (no Node): the same mirrors, retries, idle timeout and progress callback
 * as in Node, with the verified files kept in the browser's Cache Storage (`caches`, one
 * cache named `lec-datasets` by default) and SHA-256 computed by Web Crypto
 * (`crypto.subtle`). A file is stored only after it is complete and verified, and verified
 * again on every read from the cache, so an interrupted or corrupted download never poisons
 * it. Web Crypto has no MD5: in a page a file is checked against its size and SHA-256 (every
 * standard file has one). Concurrent loads in one origin share one download through the
 * Web Locks API where the browser has it.
 */
import { ChecksumError, DatasetError, DownloadError } from './errors.js';
import type { FetchOptions, RemoteFile } from './fetch.js';

/** The parts of the Cache Storage API the loaders use (a page's `caches`). */
export interface CacheStorageLike {
  open(name: string): Promise<{
    match(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | undefined>;
    put(key: string, response: Response): Promise<void>;
    delete(key: string): Promise<boolean>;
  }>;
}

/**
 * Lower-case hex SHA-256 of bytes by Web Crypto (pages, workers, Node ≥ 20).
 * @example
 * ```ts
 * await sha256Hex(new TextEncoder().encode('abc')); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle)
    throw new DatasetError('sha256', 'Web Crypto (crypto.subtle) is not available: a page must be served over https or from localhost');
  const hash = new Uint8Array(await subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function pageMismatch(bytes: Uint8Array, file: RemoteFile): Promise<string | null> {
  if (file.bytes !== undefined && bytes.length !== file.bytes) return `${bytes.length} bytes, expected ${file.bytes}`;
  if (!file.sha256) return null;
  const got = await sha256Hex(bytes);
  return got === file.sha256 ? null : `sha256 ${got}, expected ${file.sha256}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @internal `fetchFile` in a page: Cache Storage instead of a folder, Web Crypto instead of
 * node:crypto. `httpGet` is the Node path's streaming fetch (progress, idle timeout).
 */
export async function fetchFileInPage(
  dataset: string,
  file: RemoteFile,
  options: FetchOptions,
  httpGet: (url: string, file: RemoteFile, options: FetchOptions) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const op = dataset;
  const storage = options.caches ?? (globalThis as { caches?: CacheStorageLike }).caches;
  if (!storage)
    throw new DatasetError(
      op,
      'no Cache Storage here (caches is undefined): pass the caches option, or fetch the files yourself and use the parse* functions',
    );
  if (!file.sha256) (options.onWarning ?? console.warn)(`${op}: no SHA-256 is stored for ${file.name}; in a page it is cached unverified`);
  const cache = await storage.open(options.cacheName ?? 'lec-datasets');
  const key = `https://lec.invalid/datasets/${encodeURIComponent(dataset)}/${encodeURIComponent(file.name)}`;
  const cached = async (): Promise<Uint8Array | null> => {
    const hit = await cache.match(key);
    if (!hit) return null;
    const bytes = new Uint8Array(await hit.arrayBuffer());
    const bad = await pageMismatch(bytes, file);
    if (bad) {
      await cache.delete(key);
      throw new ChecksumError(op, `${file.name} in the page's cache had ${bad}: removed it; load again to download it`);
    }
    return bytes;
  };
  const load = async (): Promise<Uint8Array> => {
    const hit = await cached();
    if (hit) return hit;
    const urls = [...(options.mirrors ?? []).map((m) => `${m.replace(/\/$/, '')}/${file.name}`), ...file.urls];
    if (options.download === false)
      throw new DownloadError(
        op,
        `${file.name} is not in the page's cache and download is false; pass download: true (the default)`,
        [],
        key,
      );
    const attempts: { url: string; error: string }[] = [];
    const rounds = Math.max(1, options.retries ?? 3);
    for (let round = 0; round < rounds; round++) {
      if (round > 0) await sleep((options.backoffMs ?? 1000) * 2 ** (round - 1));
      for (const url of urls) {
        try {
          const bytes = await httpGet(url, file, { ...options, progressBar: false });
          const bad = await pageMismatch(bytes, file);
          if (bad) throw new ChecksumError(op, `${url}: ${bad}`);
          await cache.put(key, new Response(bytes as BodyInit));
          return bytes;
        } catch (e) {
          const message = e instanceof DatasetError ? e.message.replace(`${op}: ${url}: `, '') : (e as Error).message;
          attempts.push({ url, error: message });
        }
      }
    }
    const tried = attempts.map((a) => `\n  ${a.url}: ${a.error}`).join('');
    throw new DownloadError(
      op,
      `could not download ${file.name} (${urls.length} mirror(s), ${rounds} round(s)):${tried}\n` +
        'A page can fetch only from servers that allow it (CORS): serve the files from your own origin and pass it in mirrors.',
      attempts,
      key,
    );
  };
  const locks = (globalThis as { navigator?: { locks?: { request<T>(name: string, fn: () => Promise<T>): Promise<T> } } }).navigator?.locks;
  return locks ? locks.request(key, load) : load();
}

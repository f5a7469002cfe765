/**
 * Fetching, verifying and caching the standard files, the way torchvision and PyG do it:
 *
 * - Cache root: the `root` option, else `LEC_DATA_DIR`, else `$XDG_CACHE_HOME/lec` or
 *   `~/.cache/lec`. A file lives at `<root>/<dataset>/<file name>`.
 * - A file in the cache is verified on every load against every digest stored in this
 *   package for it: size, SHA-256 and, where one is published too, MD5 (MNIST, Fashion-MNIST,
 *   CIFAR-10). For a file with no stored digest (your own `RemoteFile`), trust on first use:
 *   the SHA-256 of the first download is recorded beside the file (`<file>.sha256`) and
 *   checked from then on, and a warning says so.
 * - A missing file is downloaded only when `download` is true (the default in Node, as in
 *   torchvision): mirrors in order, `retries` rounds with exponential backoff, an idle
 *   `timeoutMs` per request, redirects followed. The bytes go to a temporary file in the
 *   same folder, which is renamed into place only when complete and verified, so an
 *   interrupted or corrupted download never poisons the cache.
 * - One download per file across processes: a lock file (`<file>.lock`, created
 *   exclusively) is held while downloading; other processes wait for it and then read the
 *   verified file. A lock whose process is gone, or older than `lockTimeoutMs`, is taken over.
 * - Progress: `onProgress` is called per chunk; on a terminal (stderr is a TTY) a progress
 *   bar (cli-progress) is drawn unless `progressBar: false`.
 * - When every mirror fails, `DownloadError` lists each URL with its failure and says where
 *   to put the file by hand.
 * - In a page (no Node): the same protocol over the browser's Cache Storage and Web Crypto
 *   (see page-cache.ts).
 */
import type * as NodeCrypto from 'node:crypto';
import type * as NodeFs from 'node:fs';
import type * as NodeOs from 'node:os';
import type * as NodePath from 'node:path';
import { ChecksumError, DatasetError, DownloadError } from './errors.js';
import { type CacheStorageLike, fetchFileInPage } from './page-cache.js';

/** One file of a dataset and where it can be fetched. */
export interface RemoteFile {
  /** The file name in the cache folder (`train-images-idx3-ubyte.gz`). */
  name: string;
  /** Full URLs, tried in order. */
  urls: readonly string[];
  /** Lower-case hex SHA-256, when published or verified here. */
  sha256?: string;
  /** Lower-case hex MD5, where one is published (checked as well as the SHA-256). */
  md5?: string;
  /** Size in bytes, where published (checked first). */
  bytes?: number;
}

/** Progress of one download. */
export interface DownloadProgress {
  file: string;
  url: string;
  received: number;
  /** From Content-Length; null when the server does not say. */
  total: number | null;
}

/** Options of every loader that may fetch files. */
export interface FetchOptions {
  /** The cache root (default: LEC_DATA_DIR, else ~/.cache/lec). */
  root?: string;
  /** Download missing files (default true in Node, like torchvision). */
  download?: boolean;
  /** Base URLs tried before the standard mirrors (a file's name is appended). */
  mirrors?: readonly string[];
  /** Rounds over the mirror list (default 3). */
  retries?: number;
  /** Wait before round k + 1: backoffMs · 2^k (default 1000). */
  backoffMs?: number;
  /** Abort a request when no byte arrives for this long (default 30,000 ms). */
  timeoutMs?: number;
  /** Give up waiting for another process's download after this long (default 30 min). */
  lockTimeoutMs?: number;
  /** Called as bytes arrive. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Draw a progress bar on stderr (default: when stderr is a TTY). */
  progressBar?: boolean;
  /**
   * Digests to check instead of the stored ones, by file name: for a private mirror that
   * serves other copies (a subset, a re-compressed file), and for tests.
   */
  expected?: Readonly<Record<string, { sha256?: string; md5?: string; bytes?: number }>>;
  /** Called with notes such as "no published checksum" (default: console.warn). */
  onWarning?: (message: string) => void;
  /** In a page: the Cache Storage to keep the files in (default: the page's `caches`). */
  caches?: CacheStorageLike;
  /** In a page: the name of the cache (default `lec-datasets`). */
  cacheName?: string;
}

interface Node {
  fs: typeof NodeFs;
  path: typeof NodePath;
  os: typeof NodeOs;
  crypto: typeof NodeCrypto;
}

function hasNode(): boolean {
  return typeof (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule === 'function';
}

function node(op: string): Node {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function')
    throw new DatasetError(op, 'the cache needs Node.js >= 20.16; in a browser fetch the files yourself and use the parse* functions');
  return {
    fs: get('node:fs') as typeof NodeFs,
    path: get('node:path') as typeof NodePath,
    os: get('node:os') as typeof NodeOs,
    crypto: get('node:crypto') as typeof NodeCrypto,
  };
}

/**
 * The cache root: `root`, else LEC_DATA_DIR, else $XDG_CACHE_HOME/lec, else ~/.cache/lec.
 * @example
 * ```ts
 * cacheRoot('/data/lec'); // '/data/lec'
 * ```
 */
export function cacheRoot(root?: string): string {
  if (root !== undefined && root !== '') return root;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  if (env.LEC_DATA_DIR) return env.LEC_DATA_DIR;
  const { path, os } = node('cacheRoot');
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lec');
}

/**
 * Fetches several files of a dataset at once; waits for every one to settle (so each
 * download finishes or cleans up and releases its lock) before the first failure is thrown.
 * @example
 * ```ts
 * await fetchFiles('demo', [{ name: 'missing.bin', urls: [] }], { root: emptyDir, download: false }); // throws DownloadError
 * ```
 */
export async function fetchFiles(dataset: string, files: readonly RemoteFile[], options: FetchOptions = {}): Promise<Uint8Array[]> {
  const settled = await Promise.allSettled(files.map((f) => fetchFile(dataset, f, options)));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<Uint8Array>).value);
}

/**
 * Hex digest of bytes (`sha256` or `md5`; Node).
 * @example
 * ```ts
 * digest(new TextEncoder().encode('abc'), 'md5'); // '900150983cd24fb0d6963f7d28e17f72'
 * ```
 */
export function digest(bytes: Uint8Array, algorithm: 'sha256' | 'md5'): string {
  return node('digest').crypto.createHash(algorithm).update(bytes).digest('hex');
}

/** What a check of bytes against a RemoteFile found: null when they match. */
function mismatch(bytes: Uint8Array, file: RemoteFile, recorded: string | null): string | null {
  if (file.bytes !== undefined && bytes.length !== file.bytes) return `${bytes.length} bytes, expected ${file.bytes}`;
  if (file.sha256) {
    const got = digest(bytes, 'sha256');
    if (got !== file.sha256) return `sha256 ${got}, expected ${file.sha256}`;
  }
  if (file.md5) {
    const got = digest(bytes, 'md5');
    if (got !== file.md5) return `md5 ${got}, expected ${file.md5}`;
  }
  if (file.sha256 || file.md5) return null;
  if (recorded) {
    const got = digest(bytes, 'sha256');
    return got === recorded ? null : `sha256 ${got}, expected ${recorded} (recorded at the first download)`;
  }
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let tempCounter = 0;

/**
 * Returns the verified bytes of `file` of `dataset` from the cache, downloading it first when
 * it is missing and `download` allows (see the module comment for the whole protocol).
 * @example
 * ```ts
 * const root = fs.mkdtempSync(`${os.tmpdir()}/lec-`);
 * fs.mkdirSync(`${root}/demo`);
 * fs.writeFileSync(`${root}/demo/a.txt`, 'abc');
 * const file = { name: 'a.txt', urls: [], md5: '900150983cd24fb0d6963f7d28e17f72' };
 * (await fetchFile('demo', file, { root, download: false })).length; // 3
 * ```
 */
export async function fetchFile(dataset: string, stored: RemoteFile, options: FetchOptions = {}): Promise<Uint8Array> {
  const op = dataset;
  const override = options.expected?.[stored.name];
  const file = override ? { ...stored, sha256: override.sha256, md5: override.md5, bytes: override.bytes } : stored;
  if (!hasNode()) return fetchFileInPage(dataset, file, options, get);
  const { fs, path } = node(op);
  const dir = path.join(cacheRoot(options.root), dataset);
  const target = path.join(dir, file.name);
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const cached = readVerified(fs, target, file, op, warn);
  if (cached) return cached;
  const urls = [...(options.mirrors ?? []).map((m) => `${m.replace(/\/$/, '')}/${file.name}`), ...file.urls];
  if (options.download === false)
    throw new DownloadError(
      op,
      `${file.name} is not in the cache (${target}) and download is false; download it from ${urls.join(' or ')} and put it there, or pass download: true`,
      [],
      target,
    );
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new DownloadError(
      op,
      `cannot create the cache folder ${dir} (${(e as Error).message}); set LEC_DATA_DIR or the root option`,
      [],
      target,
    );
  }
  const lockTimeout = options.lockTimeoutMs ?? 30 * 60_000;
  const started = Date.now();
  while (true) {
    const lock = tryLock(fs, `${target}.lock`, lockTimeout);
    if (lock) {
      try {
        const again = readVerified(fs, target, file, op, warn); // another process may have finished meanwhile
        if (again) return again;
        return await download(fs, target, file, urls, options, op, warn);
      } finally {
        try {
          fs.closeSync(lock);
          fs.unlinkSync(`${target}.lock`);
        } catch {
          // already gone: taken over as stale
        }
      }
    }
    if (Date.now() - started > lockTimeout)
      throw new DownloadError(
        op,
        `waited ${lockTimeout} ms for another process downloading ${target} (remove ${target}.lock if none is)`,
        [],
        target,
      );
    await sleep(100);
    const done = readVerified(fs, target, file, op, warn);
    if (done) return done;
  }
}

function readVerified(fs: typeof NodeFs, target: string, file: RemoteFile, op: string, warn: (m: string) => void): Uint8Array | null {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(target);
  } catch {
    return null;
  }
  const recordPath = `${target}.sha256`;
  const recorded = !file.sha256 && !file.md5 && fs.existsSync(recordPath) ? fs.readFileSync(recordPath, 'utf8').trim() : null;
  const bad = mismatch(bytes, file, recorded);
  if (bad)
    throw new ChecksumError(op, `${target} in the cache has ${bad}: delete it to download it again, or replace it with the right file`);
  if (!file.sha256 && !file.md5 && !recorded) {
    fs.writeFileSync(recordPath, `${digest(bytes, 'sha256')}\n`);
    warn(
      `${op}: no published checksum is stored for ${file.name}; recorded the SHA-256 of this copy in ${recordPath} and will check it from now on`,
    );
  }
  return bytes;
}

/** Creates the lock file exclusively; takes over a stale one. Returns its descriptor or null. */
function tryLock(fs: typeof NodeFs, lockPath: string, staleMs: number): number | null {
  try {
    const fd = fs.openSync(lockPath, 'wx');
    fs.writeSync(fd, `${process.pid}\n`);
    return fd;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new DownloadError('fetchFile', `cannot create ${lockPath}: ${(e as Error).message}`);
  }
  try {
    const pid = Number(fs.readFileSync(lockPath, 'utf8').trim());
    const age = Date.now() - fs.statSync(lockPath).mtimeMs;
    if (age > staleMs || (Number.isSafeInteger(pid) && pid > 0 && !alive(pid))) fs.unlinkSync(lockPath);
  } catch {
    // the holder finished meanwhile
  }
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function download(
  fs: typeof NodeFs,
  target: string,
  file: RemoteFile,
  urls: string[],
  options: FetchOptions,
  op: string,
  warn: (m: string) => void,
): Promise<Uint8Array> {
  const attempts: { url: string; error: string }[] = [];
  const rounds = Math.max(1, options.retries ?? 3);
  for (let round = 0; round < rounds; round++) {
    if (round > 0) await sleep((options.backoffMs ?? 1000) * 2 ** (round - 1));
    for (const url of urls) {
      try {
        const bytes = await get(url, file, options);
        const bad = mismatch(bytes, file, null);
        if (bad) throw new ChecksumError(op, `${url}: ${bad}`);
        const temp = `${target}.${process.pid}.${Date.now()}.${tempCounter++}.part`;
        try {
          fs.writeFileSync(temp, bytes);
          if (!file.sha256 && !file.md5) {
            fs.writeFileSync(`${target}.sha256`, `${digest(bytes, 'sha256')}\n`);
            warn(
              `${op}: no published checksum is stored for ${file.name}; recorded the SHA-256 of the download from ${url} and will check it from now on`,
            );
          }
          fs.renameSync(temp, target);
        } finally {
          if (fs.existsSync(temp)) fs.unlinkSync(temp);
        }
        return bytes;
      } catch (e) {
        attempts.push({ url, error: e instanceof DatasetError ? e.message.replace(`${op}: ${url}: `, '') : describe(e) });
      }
    }
  }
  const tried = attempts.map((a) => `\n  ${a.url}: ${a.error}`).join('');
  throw new DownloadError(
    op,
    `could not download ${file.name} (${urls.length} mirror(s), ${rounds} round(s)):${tried}\n` +
      `If this machine is offline, download ${file.name} from one of those URLs elsewhere and put it at ${target} ` +
      '(or point LEC_DATA_DIR / the root option at a folder that has it).',
    attempts,
    target,
  );
}

function describe(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause ? ` (${err.cause.code ?? err.cause.message})` : '';
  return `${err.message ?? String(e)}${cause}`;
}

/** @internal One streaming GET with progress and an idle timeout (Node and pages). */
export async function get(url: string, file: RemoteFile, options: FetchOptions): Promise<Uint8Array> {
  const timeout = options.timeoutMs ?? 30_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), timeout);
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), timeout);
  };
  const bar = await progressBar(options, file.name);
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const header = response.headers.get('content-length');
    const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
    const chunks: Uint8Array[] = [];
    let received = 0;
    bar?.start(total ?? 0, 0);
    const reader = response.body.getReader();
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      reset();
      chunks.push(value);
      received += value.length;
      options.onProgress?.({ file: file.name, url, received, total });
      bar?.update(received);
    }
    if (total !== null && received !== total) throw new Error(`connection closed after ${received} of ${total} bytes`);
    const out = new Uint8Array(received);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } catch (e) {
    if (controller.signal.aborted) throw new Error(`no data for ${timeout} ms (timed out)`);
    throw e;
  } finally {
    clearTimeout(timer);
    bar?.stop();
  }
}

async function progressBar(options: FetchOptions, name: string) {
  const stderr = (globalThis as { process?: { stderr?: { isTTY?: boolean } } }).process?.stderr;
  if (!(options.progressBar ?? stderr?.isTTY === true)) return null;
  // a variable specifier: bundlers leave this Node-only import alone (it runs only on a terminal)
  const specifier = 'cli-progress';
  const cliProgress = ((await import(/* @vite-ignore */ specifier)) as { default: typeof import('cli-progress') }).default;
  return new cliProgress.SingleBar(
    { format: `${name} [{bar}] {percentage}% {value}/{total} bytes`, clearOnComplete: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
}

/**
 * gunzip with an output budget: node:zlib in Node (stops at `maxBytes`), the standard
 * DecompressionStream in browsers.
 */
import type * as NodeZlib from 'node:zlib';
import { DatasetFormatError } from './errors.js';

/**
 * Decompresses gzip bytes; a result over `maxBytes` or a corrupt stream is a
 * DatasetFormatError naming `file`.
 * @example
 * ```ts
 * const z = new Uint8Array([31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 75, 76, 74, 6, 0, 194, 65, 36, 53, 3, 0, 0, 0]);
 * new TextDecoder().decode(await gunzip(z, 'abc.gz', 10)); // 'abc'
 * ```
 */
export async function gunzip(bytes: Uint8Array, file: string, maxBytes: number): Promise<Uint8Array> {
  const op = 'gunzip';
  checkGzip(bytes, file);
  const zlib = nodeZlib();
  if (zlib) {
    try {
      // off the main thread (libuv's pool): the four files of a dataset inflate at once
      const out = await new Promise<Uint8Array>((resolve, reject) =>
        zlib.gunzip(bytes, { maxOutputLength: maxBytes }, (e, r) => (e ? reject(e) : resolve(r))),
      );
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE')
        throw new DatasetFormatError(op, `${file}: decompresses to more than the ${maxBytes} bytes allowed`);
      throw new DatasetFormatError(op, `${file}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  const chunks: Uint8Array[] = [];
  const total = await pageChunks(bytes, file, maxBytes, (c) => chunks.push(c));
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function checkGzip(bytes: Uint8Array, file: string): void {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b)
    throw new DatasetFormatError(
      'gunzip',
      `${file}: not a gzip file (it starts ${Array.from(bytes.subarray(0, 2), (b) => b.toString(16)).join(' ')})`,
    );
}

function nodeZlib(): typeof NodeZlib | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  return typeof get === 'function' ? (get('node:zlib') as typeof NodeZlib) : undefined;
}

const tooLarge = (file: string, maxBytes: number) =>
  new DatasetFormatError('gunzip', `${file}: decompresses to more than the ${maxBytes} bytes allowed`);
const corrupt = (file: string, e: unknown) => new DatasetFormatError('gunzip', `${file}: corrupt gzip data (${(e as Error).message})`);

/**
 * As `gunzip`, but hands the output to `onChunk` piece by piece, in order, instead of
 * collecting it (the caller decodes as it goes: no array of the whole output is made). In
 * Node each piece is handled while the next one inflates in libuv's pool; in pages the pieces
 * come from a DecompressionStream. An error thrown by `onChunk` stops the inflation and
 * rejects with it. Resolves with the number of bytes.
 * @example
 * ```ts
 * const z = new Uint8Array([31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 75, 76, 74, 6, 0, 194, 65, 36, 53, 3, 0, 0, 0]);
 * const seen: number[] = [];
 * await gunzipChunks(z, 'abc.gz', 10, (c) => seen.push(...c)); // 3
 * seen; // [97, 98, 99]
 * ```
 */
export async function gunzipChunks(
  bytes: Uint8Array,
  file: string,
  maxBytes: number,
  onChunk: (chunk: Uint8Array) => void,
): Promise<number> {
  checkGzip(bytes, file);
  const zlib = nodeZlib();
  if (!zlib) return pageChunks(bytes, file, maxBytes, onChunk);
  return new Promise<number>((resolve, reject) => {
    const z = zlib.createGunzip({ chunkSize: 64 * 1024 });
    let total = 0;
    let failed = false;
    // each piece is decoded in a promise reaction: it runs once zlib's callback has returned,
    // and that callback has already queued the next piece's inflation on the pool
    let chain = Promise.resolve();
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      z.destroy();
      reject(e);
    };
    z.on('data', (c: Uint8Array) => {
      total += c.length;
      if (total > maxBytes) return fail(tooLarge(file, maxBytes));
      chain = chain.then(() => {
        if (!failed) onChunk(c);
      });
      chain.catch(fail);
    });
    z.on('error', (e) => fail(corrupt(file, e)));
    z.on('end', () => chain.then(() => !failed && resolve(total), fail));
    z.end(bytes);
  });
}

/** The page path: DecompressionStream's pieces, with the output budget. */
async function pageChunks(bytes: Uint8Array, file: string, maxBytes: number, onChunk: (chunk: Uint8Array) => void): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  let total = 0;
  while (true) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (e) {
      throw corrupt(file, e);
    }
    if (next.done) return total;
    total += next.value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(file, maxBytes);
    }
    try {
      onChunk(next.value);
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    }
  }
}

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
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b)
    throw new DatasetFormatError(
      op,
      `${file}: not a gzip file (it starts ${Array.from(bytes.subarray(0, 2), (b) => b.toString(16)).join(' ')})`,
    );
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get === 'function') {
    const zlib = get('node:zlib') as typeof NodeZlib;
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
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new DatasetFormatError(op, `${file}: decompresses to more than the ${maxBytes} bytes allowed`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof DatasetFormatError) throw e;
    throw new DatasetFormatError(op, `${file}: corrupt gzip data (${(e as Error).message})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

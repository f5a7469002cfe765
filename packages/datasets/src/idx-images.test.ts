/**
 * The streaming image path (idx-images.ts, gzip.ts's gunzipChunks) gives exactly the tensors
 * of the whole-file path (gunzip → pairIdx → uint8 / 255), whatever the piece boundaries, and
 * refuses malformed files with typed errors before allocating from their sizes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { f64Backend, getBackend, jsBackend, setBackend } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from './errors.js';
import { digest } from './fetch.js';
import { gunzip, gunzipChunks } from './gzip.js';
import { IdxImageDecoder } from './idx-images.js';
import { mnist, pairIdx, toImageSplit } from './images.js';
import { tempDir } from '../test/helpers.js';

function idx(dims: number[], fill: (i: number) => number): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head[2] = 8;
  head[3] = dims.length;
  dims.forEach((d, i) => new DataView(head.buffer).setUint32(4 + 4 * i, d, false));
  const body = Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => fill(i));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
/** Bit-for-bit equality of two typed arrays (vitest's toEqual is slow on millions of elements). */
const sameBits = (a: ArrayBufferView, b: ArrayBufferView) =>
  a.constructor === b.constructor &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
let seed = 5;
const byte = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed >>> 24;
};

describe('the streaming image decoder', () => {
  it('gives the same float32 pixels as parse-then-convert, for pieces of 1, 7, 16 bytes and the whole file', () => {
    const file = idx([5, 28, 28], () => byte());
    const want = Float32Array.from(file.subarray(16), (v) => v / 255);
    for (const size of [1, 7, 16, file.length]) {
      const d = new IdxImageDecoder('t', 10, 1 << 20);
      for (let at = 0; at < file.length; at += size) d.push(file.subarray(at, at + size));
      const got = d.finish();
      expect(got.shape).toEqual([5, 28, 28, 1]);
      expect(sameBits(got.pixels, want)).toBe(true);
    }
  });

  it('refuses malformed files with typed errors naming the file', () => {
    const run =
      (bytes: Uint8Array, maxImages = 10, maxData = 1 << 20) =>
      () => {
        const d = new IdxImageDecoder('x images', maxImages, maxData);
        d.push(bytes);
        d.finish();
      };
    const good = idx([2, 3, 3], (i) => i);
    expect(run(good.subarray(0, good.length - 1))).toThrow(
      /x images: shape \[2, 3, 3\] of uint8 needs 18 data bytes, the file has 17 \(truncated\)/,
    );
    expect(run(new Uint8Array([...good, 1]))).toThrow(/needs 18 data bytes, the file has 19/);
    expect(run(good.subarray(0, 10))).toThrow(/x images: truncated header \(10 bytes, need 16\)/);
    expect(run(good.subarray(0, 2))).toThrow(/too short for the 4-byte IDX magic/);
    expect(run(new Uint8Array([1, 0, 8, 3]))).toThrow(/bad magic/);
    expect(run(idx([2, 9], (i) => i))).toThrow(/expected uint8 \[n, rows, cols\], got uint8 \[2, 9\]/);
    expect(run(good, 1)).toThrow(/2 images, more than the 1 expected/);
    // sizes far beyond the budget are refused from the header, before anything is allocated
    const huge = idx([1, 1, 1], () => 0);
    new DataView(huge.buffer).setUint32(8, 2 ** 31 - 1, false);
    new DataView(huge.buffer).setUint32(12, 2 ** 31 - 1, false);
    expect(run(huge)).toThrow(/shape \[1, 2147483647, 2147483647\] of uint8 needs \d+ data bytes, more than the 1048576 allowed/);
    expect(run(huge)).toThrow(DatasetFormatError);
  });

  it('gunzipChunks: the pieces concatenate to gunzip; a budget overrun and an error thrown by onChunk reject', async () => {
    const raw = idx([300, 28, 28], () => byte());
    const gz = new Uint8Array(gzipSync(raw));
    const pieces: Uint8Array[] = [];
    expect(await gunzipChunks(gz, 'a.gz', raw.length, (c) => pieces.push(c))).toBe(raw.length);
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).equals(await gunzip(gz, 'a.gz', raw.length))).toBe(true);
    await expect(gunzipChunks(gz, 'a.gz', raw.length - 1, () => undefined)).rejects.toThrow(/a.gz: decompresses to more than/);
    let calls = 0;
    const stop = gunzipChunks(gz, 'a.gz', raw.length, () => {
      if (++calls === 2) throw new DatasetFormatError('t', 'stop here');
    });
    await expect(stop).rejects.toThrow(/stop here/);
    expect(calls).toBe(2);
    const corrupt = gz.slice();
    corrupt[40] ^= 0xff;
    await expect(gunzipChunks(corrupt, 'c.gz', raw.length, () => undefined)).rejects.toThrow(DatasetFormatError);
  });

  it('mnist() gives bit for bit the tensors of gunzip → pairIdx → toImageSplit, on the js and f64 backends', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'mnist'));
    const files: Record<string, Uint8Array> = {
      'train-images-idx3-ubyte.gz': gzipSync(idx([3000, 28, 28], () => (byte() < 48 ? byte() : 0))),
      'train-labels-idx1-ubyte.gz': gzipSync(idx([3000], () => byte() % 10)),
      't10k-images-idx3-ubyte.gz': gzipSync(idx([500, 28, 28], () => byte())),
      't10k-labels-idx1-ubyte.gz': gzipSync(idx([500], () => byte() % 10)),
    };
    const expected: Record<string, { sha256: string }> = {};
    for (const [name, bytes] of Object.entries(files)) {
      writeFileSync(join(root, 'mnist', name), bytes);
      expected[name] = { sha256: digest(bytes, 'sha256') };
    }
    const old = async (images: string, labels: string, n: number) =>
      toImageSplit(pairIdx(await gunzip(files[images], images, 1 << 24), await gunzip(files[labels], labels, 1 << 24), 'm', 10, n));
    const saved = getBackend();
    for (const backend of [jsBackend(), f64Backend()])
      try {
        setBackend(backend);
        const d = await mnist({ root, download: false, expected });
        const train = await old('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 3000);
        const test = await old('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 500);
        for (const [a, b] of [
          [d.train.images, train.images],
          [d.train.labels, train.labels],
          [d.test.images, test.images],
          [d.test.labels, test.labels],
        ]) {
          expect(a.shape).toEqual(b.shape);
          expect(a.dtype).toBe(b.dtype);
          expect(a.backend).toBe(backend);
          expect(sameBits(a.dataSync(), b.dataSync())).toBe(true);
        }
        expect(d.train.images.shape).toEqual([3000, 28, 28, 1]);
      } finally {
        setBackend(saved);
      }
  }, 60_000);
});

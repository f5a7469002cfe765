/**
 * The streaming CIFAR-10 path (cifar.ts, tar-stream.ts) gives exactly the tensors of the old
 * one (whole-file gunzip, readCifar10Tar, toImageSplit), whatever the pieces, the order of the
 * batches in the archive or their sizes, and refuses what the old path refused with typed
 * errors. (test/fuzz.test.ts fuzzes it against readCifar10Tar.)
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixtureDigests, fixtureRoot, tinyCifarTarGz } from '../test/helpers.js';
import { Cifar10Decoder, decodeCifar10 } from './cifar.js';
import { DatasetFormatError } from './errors.js';
import { gunzip } from './gzip.js';
import { cifar10, readCifar10Tar, toImageSplit } from './images.js';

/** A ustar header for a regular file (type '0'), 'L' long name or '5' directory. */
function header(name: string, size: number, type = '0'): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, at: number) => {
    for (let i = 0; i < s.length; i++) h[at + i] = s.charCodeAt(i);
  };
  put(name.slice(0, 99), 0);
  put('0000644\0', 100);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put('        ', 148);
  put(type, 156);
  put('ustar\0', 257);
  put('00', 263);
  const sum = h.reduce((s, b) => s + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An archive of the batches named, `records[name]` random records each, in the order given. */
function archive(records: Record<string, number>, seed: number, options: { longNames?: boolean; label?: number } = {}): Uint8Array {
  let s = seed;
  const byte = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  };
  const parts = [header('cifar-10-batches-bin', 0, '5')];
  for (const [name, n] of Object.entries(records)) {
    const body = Uint8Array.from({ length: n * 3073 }, (_, i) => (i % 3073 === 0 ? (options.label ?? byte() % 10) : byte()));
    const path = `cifar-10-batches-bin/${name}`;
    if (options.longNames) {
      const long = new TextEncoder().encode(`${path}\0`);
      parts.push(header('././@LongLink', long.length, 'L'), long, new Uint8Array((512 - (long.length % 512)) % 512));
      parts.push(header('truncated-short-name', body.length));
    } else parts.push(header(path, body.length));
    parts.push(body, new Uint8Array((512 - (body.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

/** Feeds `tar` to a decoder in pieces of random sizes. */
function decodeInPieces(tar: Uint8Array, seed: number, most: number) {
  const decoder = new Cifar10Decoder('t.tar');
  let s = seed;
  for (let at = 0; at < tar.length; ) {
    s = (s * 1103515245 + 12345) >>> 0;
    const n = 1 + ((s >>> 8) % most);
    decoder.push(tar.subarray(at, at + n));
    at += n;
  }
  return decoder.finish();
}

function expectSameAsOld(tar: Uint8Array, got: ReturnType<Cifar10Decoder['finish']>) {
  const old = readCifar10Tar(tar, 't.tar');
  for (const split of ['train', 'test'] as const) {
    const ref = toImageSplit(old[split]);
    expect(got[split].images.shape).toEqual(ref.images.shape);
    const pixels = ref.images.dataSync() as Float32Array;
    expect(got[split].images.pixels.length).toBe(pixels.length);
    // bit for bit (toEqual would pass -0 for 0; there is none, but compare the bits anyway)
    expect(new Uint32Array(Float32Array.from(got[split].images.pixels).buffer)).toEqual(new Uint32Array(Float32Array.from(pixels).buffer));
    expect(Array.from(got[split].labels)).toEqual(Array.from(ref.labels.dataSync()));
  }
}

const BATCHES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];

describe('CIFAR-10 decoded while it inflates', () => {
  it('cifar10() gives the tensors of the old path on the fixture', async () => {
    const { train, test } = await cifar10({ root: fixtureRoot, download: false, expected: fixtureDigests('cifar-10') });
    const old = readCifar10Tar(await gunzip(tinyCifarTarGz(), 't', 1 << 20), 't');
    for (const [got, raw] of [
      [train, old.train],
      [test, old.test],
    ] as const) {
      const ref = toImageSplit(raw);
      expect(got.images.shape).toEqual(ref.images.shape);
      expect(got.images.dtype).toBe('float32');
      expect(new Uint32Array(Float32Array.from(got.images.dataSync() as Float32Array).buffer)).toEqual(
        new Uint32Array(Float32Array.from(ref.images.dataSync() as Float32Array).buffer),
      );
      expect(got.labels.dtype).toBe('int32');
      expect(Array.from(got.labels.dataSync())).toEqual(Array.from(ref.labels.dataSync()));
    }
  });

  it.each([
    [1, 7],
    [2, 512],
    [3, 5000],
    [4, 70_000],
  ])('any pieces (seed %i, up to %i bytes), batches in any order, GNU long names', (seed, most) => {
    const sizes = Object.fromEntries([...BATCHES].reverse().map((b) => [b, 3]));
    const tar = archive(sizes, seed, { longNames: seed % 2 === 0 });
    expectSameAsOld(tar, decodeInPieces(tar, seed, most));
  });

  it('batches of unequal sizes are put together in order, as before', () => {
    const tar = archive(
      {
        'data_batch_3.bin': 2,
        'data_batch_1.bin': 4,
        'test_batch.bin': 1,
        'data_batch_2.bin': 4,
        'data_batch_5.bin': 1,
        'data_batch_4.bin': 3,
      },
      9,
    );
    const got = decodeInPieces(tar, 9, 3000);
    expect(got.train.images.shape).toEqual([14, 32, 32, 3]);
    expectSameAsOld(tar, got);
  });

  it('through gzip: decodeCifar10 as the old path, typed errors on corrupt files', async () => {
    const tar = archive(Object.fromEntries(BATCHES.map((b) => [b, 2])), 5);
    const gz = new Uint8Array(gzipSync(tar));
    expectSameAsOld(tar, await decodeCifar10(gz, 'c.tar.gz', 1 << 22));
    await expect(decodeCifar10(gz, 'c.tar.gz', tar.length - 1)).rejects.toThrow(/c.tar.gz: decompresses to more than/);
    const flipped = gz.slice();
    flipped[gz.length >> 1] ^= 0xff;
    await expect(decodeCifar10(flipped, 'c.tar.gz', 1 << 22)).rejects.toThrow(DatasetFormatError);
    const cut = new Uint8Array(gzipSync(tar.subarray(0, tar.length - 2048)));
    await expect(decodeCifar10(cut, 'c.tar.gz', 1 << 22)).rejects.toThrow(
      /c.tar.gz: entry at byte \d+ declares 6146 bytes, only \d+ remain \(truncated\)/,
    );
    const noEnd = new Uint8Array(gzipSync(tar.subarray(0, tar.length - 1024)));
    await expect(decodeCifar10(noEnd, 'c.tar.gz', 1 << 22)).rejects.toThrow(/ends without the two zero blocks/);
  });

  it('refuses what readCifar10Tar refuses, with the same messages', () => {
    const cases = [
      archive({ 'data_batch_1.bin': 1, 'test_batch.bin': 1 }, 1),
      archive(Object.fromEntries(BATCHES.map((b) => [b, 1])), 2, { label: 10 }),
      concat([header('cifar-10-batches-bin/data_batch_1.bin', 3000), new Uint8Array(3072), new Uint8Array(1024)]),
      concat([header('cifar-10-batches-bin/../x', 0), new Uint8Array(1024)]),
      concat([header('cifar-10-batches-bin/l', 0, '2'), new Uint8Array(1024)]),
      concat([header('cifar-10-batches-bin/a', 0), header('cifar-10-batches-bin/a', 0), new Uint8Array(1024)]),
      new Uint8Array(1000),
    ];
    for (const tar of cases) {
      let expected = '';
      try {
        readCifar10Tar(tar, 't.tar');
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).not.toBe('');
      expect(() => decodeInPieces(tar, 3, 700)).toThrow(DatasetFormatError);
      expect(() => decodeInPieces(tar, 3, 700)).toThrow(expected);
    }
  });
});

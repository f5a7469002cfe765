/**
 * Mutation fuzzing of the unpickler (and the Planetoid assembly above it) and of the IDX
 * parser (with gunzip and the image/label pairing): fixed seed, a corpus of the committed
 * fixtures, byte flips, interesting values, truncation, insertion, deletion and splices.
 * Every mutated file must either parse or throw a DatasetFormatError (any other exception is
 * a crash), each within 1 s (no hang). CI runs 5,000 files per parser (a few seconds);
 * LEC_FUZZ_FILES=100000 runs longer locally.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError, gunzip, pairIdx, parseIdx, parsePlanetoidFiles, unpickle } from '../src/index.js';
import { Cifar10Decoder } from '../src/cifar.js';
import { IdxImageDecoder } from '../src/idx-images.js';
import { readCifar10Tar, toImageSplit } from '../src/images.js';
import { fixtureRoot, tinyPlanetoidFiles } from './helpers.js';

const FILES = Number(process.env.LEC_FUZZ_FILES ?? 5000);

/** xorshift32, seeded: the same mutations every run. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { int: (n: number) => next() % n, next };
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x2e, 0x28, 0x63, 0x52, 0x62, 0x4a, 0x54, 0x71, 0x68];

function mutate(input: Uint8Array, r: ReturnType<typeof rng>, corpus: Uint8Array[]): Uint8Array {
  let b = input.slice();
  const steps = 1 + r.int(4);
  for (let s = 0; s < steps; s++) {
    const at = b.length ? r.int(b.length) : 0;
    switch (r.int(8)) {
      case 0:
        if (b.length) b[at] ^= 1 << r.int(8);
        break;
      case 1:
        if (b.length) b[at] = INTERESTING[r.int(INTERESTING.length)];
        break;
      case 2:
        if (b.length >= 4)
          new DataView(b.buffer).setUint32(
            Math.min(at, b.length - 4),
            [0xffffffff, 0x7fffffff, 0x80000000, r.next()][r.int(4)],
            r.int(2) === 0,
          );
        break;
      case 3:
        b = b.subarray(0, at);
        break;
      case 4: {
        const extra = Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256));
        b = concat(b.subarray(0, at), extra, b.subarray(at));
        break;
      }
      case 5:
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(32))));
        break;
      case 6: {
        const other = corpus[r.int(corpus.length)];
        const from = other.length ? r.int(other.length) : 0;
        b = concat(b.subarray(0, at), other.subarray(from, from + 1 + r.int(64)), b.subarray(at));
        break;
      }
      default:
        if (b.length) b.fill(b[at], at, Math.min(b.length, at + 1 + r.int(8)));
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface Tally {
  files: number;
  parsed: number;
  typed: number;
  crashes: string[];
  slowest: number;
}

async function fuzz(seed: number, corpus: Uint8Array[], run: (b: Uint8Array) => unknown): Promise<Tally> {
  const r = rng(seed);
  const t: Tally = { files: 0, parsed: 0, typed: 0, crashes: [], slowest: 0 };
  for (let i = 0; i < FILES; i++) {
    const input = mutate(corpus[r.int(corpus.length)], r, corpus);
    const t0 = performance.now();
    try {
      await run(input);
      t.parsed++;
    } catch (e) {
      if (e instanceof DatasetFormatError) t.typed++;
      else if (t.crashes.length < 5) t.crashes.push(`${(e as Error)?.name}: ${(e as Error)?.message}`);
      else t.crashes.push('...');
    }
    t.slowest = Math.max(t.slowest, performance.now() - t0);
    t.files++;
  }
  return t;
}

const report = (what: string, t: Tally) =>
  console.log(
    `fuzz ${what}: ${t.files} files, ${t.parsed} parsed, ${t.typed} typed errors (${((100 * t.typed) / t.files).toFixed(1)} %), ${t.crashes.length} crashes, slowest ${t.slowest.toFixed(1)} ms`,
  );

describe('fuzzing (fixed seed)', () => {
  it(`unpickle and parsePlanetoidFiles: ${FILES} mutated pickles, only DatasetFormatError, none slow`, async () => {
    const pickles = readdirSync(join(fixtureRoot, 'pickles')).map((n) => new Uint8Array(readFileSync(join(fixtureRoot, 'pickles', n))));
    const tiny = tinyPlanetoidFiles();
    const corpus = [...pickles, tiny.x, tiny.y, tiny.tx, tiny.ty, tiny.graph, tiny.allx];
    const suffixes = ['x', 'y', 'tx', 'ty', 'graph', 'allx'] as const;
    let k = 0;
    let assembled = 0;
    const t = await fuzz(21, corpus, (b) => {
      unpickle(b, 'fuzz.pkl');
      // a file that unpickles also goes through the assembly, in place of one of the tiny
      // dataset's files: parsed or a DatasetFormatError (anything else propagates as a crash)
      try {
        parsePlanetoidFiles('tiny', { ...tiny, [suffixes[k++ % suffixes.length]]: b });
        assembled++;
      } catch (e) {
        if (!(e instanceof DatasetFormatError)) throw e;
      }
    });
    report('unpickle', t);
    console.log(`fuzz parsePlanetoidFiles: ${t.parsed} of the unpickled files assembled into a dataset: ${assembled}`);
    expect(t.crashes).toEqual([]);
    expect(t.files).toBe(FILES);
    expect(t.slowest).toBeLessThan(1000);
  }, 600_000);

  it(`parseIdx, gunzip and pairIdx: ${FILES} mutated IDX files, only DatasetFormatError, none slow`, async () => {
    const dir = join(fixtureRoot, 'mnist');
    const gz = readdirSync(dir).map((n) => new Uint8Array(readFileSync(join(dir, n))));
    const raw = gz.map((g) => new Uint8Array(gunzipSync(g)));
    const labels = raw.find((b) => b[3] === 1)!;
    const corpus = [...raw, new Uint8Array([0, 0, 0x0d, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0]), ...gz];
    const t = await fuzz(25, corpus, async (b) => {
      const bytes = b[0] === 0x1f ? await gunzip(b, 'fuzz.gz', 1 << 22) : b;
      parseIdx(bytes, 'fuzz.idx');
      pairIdx(bytes, labels, 'fuzz', 10, 60_000);
    });
    report('parseIdx', t);
    expect(t.crashes).toEqual([]);
    expect(t.files).toBe(FILES);
    expect(t.slowest).toBeLessThan(1000);
  }, 600_000);

  it(`the streaming image decoder: ${FILES} mutated IDX files fed in random pieces agree with parseIdx (accept, refuse, values)`, async () => {
    const dir = join(fixtureRoot, 'mnist');
    const raw = readdirSync(dir).map((n) => new Uint8Array(gunzipSync(readFileSync(join(dir, n)))));
    const pieces = rng(27);
    const disagreements: string[] = [];
    let files = 0;
    const t = await fuzz(27, raw, (b) => {
      files++;
      // the reference: parseIdx, then the decoder's own conditions (uint8 [n, rows, cols], n ≤ 60,000)
      let ref: Float32Array | null = null;
      try {
        const p = parseIdx(b, 'ref.idx');
        if (p.dtype === 'uint8' && p.shape.length === 3 && p.shape[0] <= 60_000) ref = Float32Array.from(p.data, (v) => v / 255);
      } catch (e) {
        if (!(e instanceof DatasetFormatError)) throw e;
      }
      const decoder = new IdxImageDecoder('fuzz', 60_000, 1 << 22);
      let got: Float32Array | null = null;
      try {
        for (let at = 0; at < b.length; ) {
          const n = 1 + pieces.int(pieces.int(2) ? 7 : 4096);
          decoder.push(b.subarray(at, at + n));
          at += n;
        }
        got = decoder.finish().pixels as Float32Array;
      } catch (e) {
        if (!(e instanceof DatasetFormatError)) throw e;
      }
      const same = ref === null ? got === null : got !== null && got.length === ref.length && got.every((v, i) => v === ref[i]);
      if (!same && disagreements.length < 5)
        disagreements.push(`file ${files}: parseIdx ${ref ? 'accepts' : 'refuses'}, the decoder ${got ? 'accepts' : 'refuses'}`);
      if (!got) throw new DatasetFormatError('fuzz', 'refused');
    });
    report('IdxImageDecoder', t);
    expect(disagreements).toEqual([]);
    expect(t.crashes).toEqual([]);
    expect(t.parsed).toBeGreaterThan(0);
    expect(t.slowest).toBeLessThan(1000);
  }, 600_000);

  it(`the streaming CIFAR-10 decoder: ${FILES} mutated tarballs fed in random pieces agree with readCifar10Tar (accept, refuse, values)`, async () => {
    const tar = new Uint8Array(gunzipSync(readFileSync(join(fixtureRoot, 'cifar-10', 'cifar-10-binary.tar.gz'))));
    const pieces = rng(29);
    const disagreements: string[] = [];
    let files = 0;
    const t = await fuzz(29, [tar], (b) => {
      files++;
      let ref: Float32Array[] | null = null;
      try {
        const old = readCifar10Tar(b, 'ref.tar');
        ref = [old.train, old.test].flatMap((raw) => {
          const split = toImageSplit(raw);
          return [split.images.dataSync() as Float32Array, Float32Array.from(raw.labels)];
        });
      } catch (e) {
        if (!(e instanceof DatasetFormatError)) throw e;
      }
      const decoder = new Cifar10Decoder('fuzz.tar');
      let got: Float32Array[] | null = null;
      try {
        for (let at = 0; at < b.length; ) {
          const n = 1 + pieces.int(pieces.int(2) ? 700 : 8192);
          decoder.push(b.subarray(at, at + n));
          at += n;
        }
        const { train, test } = decoder.finish();
        got = [train, test].flatMap((split) => [split.images.pixels as Float32Array, Float32Array.from(split.labels)]);
      } catch (e) {
        if (!(e instanceof DatasetFormatError)) throw e;
      }
      const same =
        ref === null
          ? got === null
          : (got?.every((a, k) => a.length === ref[k].length && a.every((v, i) => Object.is(v, ref[k][i]))) ?? false);
      if (!same && disagreements.length < 5)
        disagreements.push(`file ${files}: readCifar10Tar ${ref ? 'accepts' : 'refuses'}, the decoder ${got ? 'accepts' : 'refuses'}`);
      if (!got) throw new DatasetFormatError('fuzz', 'refused');
    });
    report('Cifar10Decoder', t);
    expect(disagreements).toEqual([]);
    expect(t.crashes).toEqual([]);
    expect(t.parsed).toBeGreaterThan(0);
    expect(t.slowest).toBeLessThan(1000);
  }, 600_000);
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureRoot, tinyCifarTarGz, tinyPlanetoidFiles } from '../test/helpers.js';
import { DatasetFormatError, ForbiddenGlobalError } from './errors.js';
import { gunzip } from './gzip.js';
import { parseIdx } from './idx.js';
import { karateClub } from './karate.js';
import { type CsrArrays, type NdArray, type PyDict, unpickle } from './pickle.js';
import { parsePlanetoidFiles } from './planetoid.js';
import { readCifar10Tar, pairIdx } from './images.js';
import { readTar } from './tar.js';
import { CIFAR10_FILE, FASHION_MNIST_FILES, MNIST_FILES, planetoidFile } from './sources.js';

const fixture = (path: string) => new Uint8Array(readFileSync(join(fixtureRoot, path)));

describe('parseIdx', () => {
  it('reads the gzip IDX fixtures (written by Python) with their shapes', async () => {
    const images = parseIdx(await gunzip(fixture('mnist/train-images-idx3-ubyte.gz'), 'x', 1 << 20), 'x');
    expect(images.shape).toEqual([6, 28, 28]);
    expect([images.data[0], images.data[1]]).toEqual([0, 255]);
    const labels = parseIdx(await gunzip(fixture('mnist/train-labels-idx1-ubyte.gz'), 'y', 1 << 20), 'y');
    expect(labels.shape).toEqual([6]);
  });

  it('reads big-endian int32 and float32 files', () => {
    const b = new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0]);
    expect(Array.from(parseIdx(b, 'i').data)).toEqual([-2, 256]);
    const f = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
    expect(Array.from(parseIdx(f, 'f').data)).toEqual([1.5]);
  });

  it('refuses truncated, wrong-magic and oversized files before allocating, naming the file', () => {
    const bad = (bytes: number[], message: RegExp) => {
      expect(() => parseIdx(new Uint8Array(bytes), 'bad.idx')).toThrow(DatasetFormatError);
      expect(() => parseIdx(new Uint8Array(bytes), 'bad.idx')).toThrow(message);
    };
    bad([0, 0, 8], /bad.idx: 3 bytes, too short/);
    bad([0x1f, 0x8b, 8, 0], /bad.idx: bad magic 1f 8b 08 00 \(.*gzip/);
    bad([0, 0, 0x42, 1, 0, 0, 0, 0], /unknown IDX element type 0x42/);
    bad([0, 0, 8, 9], /9 dimensions, expected 1 to 4/);
    bad([0, 0, 8, 2, 0, 0, 0, 2], /truncated header/);
    bad([0, 0, 8, 1, 0, 0, 0, 3, 1, 2], /needs 3 data bytes, the file has 2 \(truncated\)/);
    // 4 dims of 2^31 - 1: an element count far beyond memory, refused by arithmetic only
    bad([0, 0, 8, 4, ...Array(4).fill([0x7f, 0xff, 0xff, 0xff]).flat(), 1], /needs .* data bytes, the file has 1/);
    bad([0, 0, 8, 1, 0x80, 0, 0, 0], /dimension 0 is 2147483648/);
  });

  it('pairs images with labels and checks the label range', () => {
    const images = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9];
    expect(() => pairIdx(new Uint8Array(images), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 12]), 'm', 10, 5)).toThrow(
      /label 12 at 0 is not below 10/,
    );
    expect(() => pairIdx(new Uint8Array(images), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]), 'm', 10, 5)).toThrow(/1 images but 0 labels/);
  });
});

describe('gunzip', () => {
  it('refuses non-gzip, corrupt and over-budget input', async () => {
    const gz = fixture('mnist/train-labels-idx1-ubyte.gz');
    await expect(gunzip(new Uint8Array(30), 'a.gz', 100)).rejects.toThrow(/a.gz: not a gzip file/);
    const corrupt = gz.slice();
    corrupt[12] ^= 0xff;
    await expect(gunzip(corrupt, 'c.gz', 100)).rejects.toThrow(DatasetFormatError);
    await expect(gunzip(gz, 'b.gz', 10)).rejects.toThrow(/b.gz: decompresses to more than the 10 bytes allowed/);
  });
});

describe('readTar and readCifar10Tar', () => {
  it('reads the CIFAR-10 binary layout written by Python tarfile, NHWC', async () => {
    const tar = await gunzip(tinyCifarTarGz(), 't', 1 << 20);
    const entries = readTar(tar, 't');
    expect([...entries.keys()].sort()).toEqual([
      'cifar-10-batches-bin/batches.meta.txt',
      'cifar-10-batches-bin/data_batch_1.bin',
      'cifar-10-batches-bin/data_batch_2.bin',
      'cifar-10-batches-bin/data_batch_3.bin',
      'cifar-10-batches-bin/data_batch_4.bin',
      'cifar-10-batches-bin/data_batch_5.bin',
      'cifar-10-batches-bin/test_batch.bin',
    ]);
    const raw = readCifar10Tar(tar, 't');
    const record = entries.get('cifar-10-batches-bin/test_batch.bin')!;
    expect(raw.test.shape).toEqual([2, 32, 32, 3]);
    expect(raw.test.labels[1]).toBe(record[3073]);
    // pixel (row 3, col 5) of test image 1: R, G, B from the three planes
    const px = 3 * 32 + 5;
    const o = 3073 + 1;
    expect(Array.from(raw.test.pixels.subarray(3072 + 3 * px, 3072 + 3 * px + 3))).toEqual([
      record[o + px],
      record[o + 1024 + px],
      record[o + 2048 + px],
    ]);
  });

  it('refuses a bad checksum, a truncated entry, a link and a missing batch', async () => {
    const tar = await gunzip(tinyCifarTarGz(), 't', 1 << 20);
    const corrupt = tar.slice();
    corrupt[600] ^= 1; // inside the second header
    expect(() => readTar(corrupt, 'x.tar')).toThrow(/x.tar: header at byte 512 has checksum/);
    expect(() => readTar(tar.subarray(0, 2048), 'x.tar')).toThrow(/declares 3073 bytes, only .* remain \(truncated\)/);
    expect(() => readTar(tar.subarray(0, 1000), 'x.tar')).toThrow(/not a whole number of 512-byte blocks/);
    const link = tar.slice(); // the first header (a directory) becomes a symbolic link, checksum fixed
    link[156] = '2'.charCodeAt(0);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : link[i];
    link.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    expect(() => readTar(link, 'x.tar')).toThrow(/entry 'cifar-10-batches-bin\/?' has type '2'/);
    expect(() => readCifar10Tar(new Uint8Array(1024), 'empty.tar')).toThrow(/empty.tar: no entry cifar-10-batches-bin\/data_batch_1.bin/);
  });
});

describe('unpickle', () => {
  const read = (name: string) => unpickle(fixture(`pickles/${name}`), name);

  it('reads what Python 3 writes at protocols 2 and 4', () => {
    for (const p of [2, 4]) {
      const f8 = read(`ndarray-f8.p${p}.pkl`) as NdArray;
      expect(f8.shape).toEqual([2, 3]);
      expect(Array.from(f8.data)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
      expect(Array.from((read(`ndarray-i8.p${p}.pkl`) as NdArray).data)).toEqual([1, -2, 2 ** 40]);
      const csr = read(`csr.p${p}.pkl`) as CsrArrays;
      expect([csr.shape, Array.from(csr.indptr), Array.from(csr.indices), Array.from(csr.data)]).toEqual([
        [3, 2],
        [0, 1, 2, 2],
        [1, 0],
        [1.5, 2],
      ]);
      const dd = read(`defaultdict.p${p}.pkl`) as PyDict;
      expect(dd.factory).toBe('list');
      expect(dd.get(3)).toEqual([1, 513]);
      const d = read(`dict.p${p}.pkl`) as PyDict;
      expect(d.get('a')).toEqual([1, 2.5, null, true]);
      expect(d.get('b')).toEqual([1, 'x']);
    }
  });

  it('reads the Python 2 style files (BINSTRING data, numpy.core / scipy.sparse.csr names)', () => {
    const allx = unpickle(tinyPlanetoidFiles().allx, 'ind.tiny.allx') as CsrArrays;
    expect(allx.shape).toEqual([510, 5]);
  });

  it('rejects every other global without running anything, naming it', () => {
    expect(() => read('forbidden-os-system.pkl')).toThrow(ForbiddenGlobalError);
    expect(() => read('forbidden-os-system.pkl')).toThrow(/forbidden-os-system.pkl: global 'os.system' is not allowed/);
    const enc = new TextEncoder();
    for (const g of ['builtins\neval\n', 'numpy\nload\n', 'subprocess\nPopen\n', '__builtin__\ngetattr\n']) {
      const bytes = new Uint8Array([0x80, 2, 0x63, ...enc.encode(g), 0x29, 0x52, 0x2e]);
      expect(() => unpickle(bytes, 'g.pkl')).toThrow(ForbiddenGlobalError);
    }
    // an allowed name used the wrong way is still refused
    expect(() =>
      unpickle(
        new Uint8Array([
          0x80,
          2,
          0x63,
          ...enc.encode('collections\ndefaultdict\n'),
          0x63,
          ...enc.encode('builtins\ndict\n'),
          0x85,
          0x52,
          0x2e,
        ]),
        'd.pkl',
      ),
    ).toThrow(ForbiddenGlobalError);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x63, ...enc.encode('collections\ndefaultdict\n'), 0x29, 0x52, 0x2e]), 'd.pkl')).toThrow(
      /only allowed with the factory list/,
    );
  });

  it('gives typed errors for truncation, bad lengths and bad memo keys', () => {
    const full = fixture('pickles/dict.p2.pkl');
    expect(() => unpickle(full.subarray(0, full.length - 1), 't.pkl')).toThrow(/t.pkl: ends without STOP/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x54, 0xff, 0xff, 0xff, 0x7f, 0x2e]), 'l.pkl')).toThrow(/needs 2147483647 more bytes/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x68, 7, 0x2e]), 'm.pkl')).toThrow(/memo key 7 was never stored/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x69, 0x2e]), 'o.pkl')).toThrow(/opcode 0x69 is not supported/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x2e]), 's.pkl')).toThrow(/STOP with 0 items/);
    expect(() => unpickle(new Uint8Array([0x7d, 0x5d, 0x4b, 1, 0x73, 0x2e]), 'k.pkl')).toThrow(/a dict key must be/);
  });

  it('keeps __proto__ keys as data, never on an object prototype', () => {
    const enc = new TextEncoder();
    const d = unpickle(new Uint8Array([0x7d, 0x8c, 9, ...enc.encode('__proto__'), 0x4b, 1, 0x73, 0x2e]), 'p.pkl') as PyDict;
    expect(d.get('__proto__')).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parsePlanetoidFiles', () => {
  const expected = JSON.parse(readFileSync(join(fixtureRoot, 'planetoid-original', 'tiny-expected.json'), 'utf8'));

  it("builds exactly what Kipf & Welling's load_data builds (Python, committed as tiny-expected.json)", () => {
    const d = parsePlanetoidFiles('tiny', tinyPlanetoidFiles());
    expect(d.numNodes).toBe(expected.numNodes);
    expect(d.features.toDenseArray()).toEqual(expected.features);
    expect(Array.from(d.labels)).toEqual(expected.labels);
    expect(Array.from(d.edges.src, (s, i) => [s, d.edges.dst[i]])).toEqual(expected.edges);
    expect(d.selfLoops).toEqual(expected.selfLoops);
    expect(Array.from(d.split.train)).toEqual(expected.train);
    expect(Array.from(d.split.val)).toEqual(expected.val);
    expect(Array.from(d.split.test)).toEqual(expected.test);
    expect(d.labels[512]).toBe(-1); // the isolated node missing from test.index
  });

  it('cross-checks the files against each other before building', () => {
    const files = tinyPlanetoidFiles();
    expect(() => parsePlanetoidFiles('tiny', { ...files, tx: files.ty })).toThrow(
      /ind.tiny.tx: expected a scipy.sparse csr_matrix, got ndarray/,
    );
    expect(() => parsePlanetoidFiles('tiny', { ...files, 'test.index': new TextEncoder().encode('510\n511\n') })).toThrow(
      /the rows of tx and the ids in test.index disagree \(3 vs 2\)/,
    );
    expect(() => parsePlanetoidFiles('tiny', { ...files, 'test.index': new TextEncoder().encode('510\n511\n400000000\n') })).toThrow(
      /3 ids spread over 399999491 rows/,
    );
    expect(() => parsePlanetoidFiles('tiny', { ...files, 'test.index': new TextEncoder().encode('510\n511\n511\n') })).toThrow(
      /id 511 appears twice/,
    );
    expect(() => parsePlanetoidFiles('tiny', { ...files, 'test.index': new TextEncoder().encode('510\nx\n') })).toThrow(
      /test.index line 2/,
    );
    expect(() => parsePlanetoidFiles('tiny', { ...files, graph: files.y })).toThrow(/ind.tiny.graph: expected a dict of adjacency lists/);
  });
});

describe('karateClub', () => {
  it('ships 34 nodes, 78 edges, 17/17 factions and weights summing to 231', () => {
    const k = karateClub();
    expect(k.edges.src.length).toBe(78);
    expect(k.labels.reduce((s, v) => s + v, 0)).toBe(17);
    expect(k.edges.weight.reduce((s, v) => s + v, 0)).toBe(231);
    const degree = new Array(34).fill(0);
    k.edges.src.forEach((s, i) => {
      degree[s]++;
      degree[k.edges.dst[i]]++;
    });
    expect([degree[0], degree[33], degree[32]]).toEqual([16, 17, 12]);
  });
});

describe('stored digests', () => {
  const hex = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`);
  it('every standard file has a size, a SHA-256 and an MD5; every Planetoid file a SHA-256', () => {
    const images = [...Object.values(MNIST_FILES), ...Object.values(FASHION_MNIST_FILES), CIFAR10_FILE];
    for (const f of images) {
      expect(f.sha256, f.name).toMatch(hex(64));
      expect(f.md5, f.name).toMatch(hex(32));
      expect(f.bytes, f.name).toBeGreaterThan(0);
    }
    const suffixes = ['x', 'y', 'tx', 'ty', 'allx', 'ally', 'graph', 'test.index'];
    const all = ['cora', 'citeseer', 'pubmed'].flatMap((d) => suffixes.map((s) => planetoidFile(d, s).sha256));
    for (const h of all) expect(h).toMatch(hex(64));
    expect(new Set(all).size).toBe(24);
  });
});

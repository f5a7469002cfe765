/**
 * CIFAR-10's binary tarball decoded while it inflates: the tar entries are read as they come
 * (tar-stream.ts), and each 3,073-byte record of a batch (1 label byte, then 1,024 R, 1,024 G
 * and 1,024 B bytes, each 32×32 row-major) becomes NHWC float32 v / 255 right away, in the
 * array the tensor will keep (`emptyArray`: on the wasm backend a block of linear memory). So
 * neither the inflated archive (184 MB), nor the uint8 NHWC pixels, nor a second float array
 * is made, and in Node one piece is decoded while the next inflates in libuv's pool. The
 * tensors are those of `readCifar10Tar` + `toImageSplit`, element for element.
 */
import { type TypedArray, emptyArray } from '@lec/tensor';
import { DatasetFormatError } from './errors.js';
import { gunzipChunks } from './gzip.js';
import type { DecodedImages } from './idx-images.js';
import { type TarSink, TarStream } from './tar-stream.js';

const RECORD = 3073;
const PIXELS = 3072;
const TRAIN = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const TEST = 'test_batch.bin';
const DIR = 'cifar-10-batches-bin/';
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** One split's decoded images and labels. */
export interface CifarSplit {
  images: DecodedImages;
  labels: Uint8Array;
}

/** Where a batch's records go: the split's arrays from record `first` on, or (uneven batches) its own arrays. */
interface Batch {
  name: string;
  records: number;
  pixels: TypedArray;
  labels: Uint8Array;
  first: number;
  done: number;
}

/**
 * @internal Decodes the CIFAR-10 tar fed in pieces (`push`), then `finish` returns both
 * splits. The train array is allocated at the first train batch's header for five batches of
 * its size (CIFAR-10's are equal); a batch of another size is decoded apart and the split put
 * together at `finish`. Errors are DatasetFormatErrors naming `file`.
 */
export class Cifar10Decoder {
  readonly #file: string;
  readonly #tar: TarStream;
  readonly #batches = new Map<string, Batch>();
  readonly #carry = new Uint8Array(RECORD);
  #carryFill = 0;
  #train: { pixels: TypedArray; labels: Uint8Array; per: number } | undefined;

  constructor(file: string) {
    this.#file = file;
    this.#tar = new TarStream(file, (name, size) => this.#entry(name, size));
  }

  push(chunk: Uint8Array): void {
    this.#tar.push(chunk);
  }

  finish(): { train: CifarSplit; test: CifarSplit } {
    this.#tar.finish();
    for (const name of [...TRAIN, TEST])
      if (!this.#batches.has(name)) throw new DatasetFormatError('readCifar10', `${this.#file}: no entry ${DIR}${name}`);
    const test = this.#batches.get(TEST) as Batch;
    return { train: this.#trainSplit(), test: split(test.pixels, test.labels) };
  }

  #entry(path: string, size: number): TarSink | undefined {
    const name = path.startsWith(DIR) ? path.slice(DIR.length) : '';
    const index = TRAIN.indexOf(name);
    if (index < 0 && name !== TEST) return undefined;
    if (size % RECORD !== 0 || size === 0)
      throw new DatasetFormatError('readCifar10', `${this.#file}: ${name} has ${size} bytes, not a whole number of 3,073-byte records`);
    const records = size / RECORD;
    let batch: Batch;
    if (index < 0) {
      batch = {
        name,
        records,
        pixels: emptyArray(records * PIXELS, { dtype: 'float32' }),
        labels: new Uint8Array(records),
        first: 0,
        done: 0,
      };
    } else {
      this.#train ??= {
        pixels: emptyArray(TRAIN.length * records * PIXELS, { dtype: 'float32' }),
        labels: new Uint8Array(TRAIN.length * records),
        per: records,
      };
      const t = this.#train;
      batch =
        records === t.per
          ? { name, records, pixels: t.pixels, labels: t.labels, first: index * records, done: 0 }
          : { name, records, pixels: new Float32Array(records * PIXELS), labels: new Uint8Array(records), first: 0, done: 0 };
    }
    this.#batches.set(name, batch);
    this.#carryFill = 0;
    return (piece) => this.#records(batch, piece);
  }

  /** Decodes the whole records of `piece` (a record cut between pieces waits in `#carry`). */
  #records(b: Batch, piece: Uint8Array): void {
    let at = 0;
    if (this.#carryFill > 0) {
      const n = Math.min(RECORD - this.#carryFill, piece.length);
      this.#carry.set(piece.subarray(0, n), this.#carryFill);
      this.#carryFill += n;
      at = n;
      if (this.#carryFill < RECORD) return;
      this.#decode(b, this.#carry, 0);
      this.#carryFill = 0;
    }
    for (; at + RECORD <= piece.length; at += RECORD) this.#decode(b, piece, at);
    if (at < piece.length) {
      this.#carry.set(piece.subarray(at), 0);
      this.#carryFill = piece.length - at;
    }
  }

  #decode(b: Batch, p: Uint8Array, r: number): void {
    const label = p[r];
    if (label > 9) throw new DatasetFormatError('readCifar10', `${this.#file}: ${b.name} record ${b.done} has label ${label}`);
    const i = b.first + b.done++;
    b.labels[i] = label;
    const x = b.pixels;
    const o = i * PIXELS;
    for (let px = 0; px < 1024; px++) {
      const q = o + 3 * px;
      x[q] = SCALE[p[r + 1 + px]];
      x[q + 1] = SCALE[p[r + 1025 + px]];
      x[q + 2] = SCALE[p[r + 2049 + px]];
    }
  }

  /** The train split: the shared arrays, or (batches of unequal sizes) the batches put together. */
  #trainSplit(): CifarSplit {
    const t = this.#train as { pixels: TypedArray; labels: Uint8Array; per: number };
    const batches = TRAIN.map((name) => this.#batches.get(name) as Batch);
    if (batches.every((b) => b.pixels === t.pixels)) return split(t.pixels, t.labels);
    const n = batches.reduce((s, b) => s + b.records, 0);
    const pixels = emptyArray(n * PIXELS, { dtype: 'float32' });
    const labels = new Uint8Array(n);
    let at = 0;
    for (const b of batches) {
      pixels.set(b.pixels.subarray(b.first * PIXELS, (b.first + b.records) * PIXELS), at * PIXELS);
      labels.set(b.labels.subarray(b.first, b.first + b.records), at);
      at += b.records;
    }
    return split(pixels, labels);
  }
}

function split(pixels: TypedArray, labels: Uint8Array): CifarSplit {
  return { images: { pixels, shape: [labels.length, 32, 32, 3] }, labels };
}

/** @internal The CIFAR-10 binary tarball (gzip) → both splits, decoded while it inflates. */
export async function decodeCifar10(gz: Uint8Array, file: string, maxBytes: number): Promise<{ train: CifarSplit; test: CifarSplit }> {
  const decoder = new Cifar10Decoder(file);
  await gunzipChunks(gz, file, maxBytes, (c) => decoder.push(c));
  return decoder.finish();
}

/**
 * MNIST-style image files decoded while they inflate: each inflated piece of a gzip IDX
 * file ([n, rows, cols] uint8) becomes float32 v / 255 right away, in the array the tensor
 * will keep (`emptyArray`: on the wasm backend a block of linear memory), so neither the
 * raw pixels (47 MB for MNIST's train set) nor a second float array is ever made, and in
 * Node the conversion of one piece runs while the next inflates in libuv's pool.
 */
import { type TypedArray, emptyArray } from '@lec/tensor';
import { DatasetFormatError } from './errors.js';
import { gunzipChunks } from './gzip.js';
import { IDX_MAX_RANK, checkIdxLength, idxHeaderLength, readIdxHeader } from './idx.js';

/** uint8 → float32 v / 255, as a table (one load per pixel instead of a division). */
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** @internal out[at + i] = src[i] / 255 (as float32) for every i of `src`. */
export function scaleInto(out: TypedArray, at: number, src: Uint8Array): void {
  const n = src.length;
  for (let i = 0; i < n; i++) out[at + i] = SCALE[src[i]];
}

/** Decoded images: float32 [0, 1] pixels (the backend's storage array) and their NHWC shape. */
export interface DecodedImages {
  pixels: TypedArray;
  shape: [number, number, number, number];
}

/**
 * @internal Decodes an IDX uint8 [n, rows, cols] file fed in pieces of any size. The header
 * is checked (n ≤ `maxImages`, the data within `maxDataBytes`) before the output is
 * allocated; `finish` checks the data was exactly n·rows·cols bytes. Errors name `file`.
 */
export class IdxImageDecoder {
  readonly #file: string;
  readonly #maxImages: number;
  readonly #maxDataBytes: number;
  readonly #head = new Uint8Array(4 + 4 * IDX_MAX_RANK);
  #headLength = 0;
  #need = 4;
  #out: TypedArray | undefined;
  #shape: number[] = [];
  #written = 0;
  #extra = 0;

  constructor(file: string, maxImages: number, maxDataBytes: number) {
    this.#file = file;
    this.#maxImages = maxImages;
    this.#maxDataBytes = maxDataBytes;
  }

  push(chunk: Uint8Array): void {
    let from = 0;
    while (this.#out === undefined && from < chunk.length) {
      const take = Math.min(this.#need - this.#headLength, chunk.length - from);
      this.#head.set(chunk.subarray(from, from + take), this.#headLength);
      this.#headLength += take;
      from += take;
      if (this.#headLength === 4) this.#need = idxHeaderLength(this.#head.subarray(0, 4), this.#file);
      if (this.#headLength === this.#need) this.#start();
    }
    const out = this.#out;
    if (out === undefined || from === chunk.length) return;
    const n = Math.min(chunk.length - from, out.length - this.#written);
    scaleInto(out, this.#written, chunk.subarray(from, from + n));
    this.#written += n;
    this.#extra += chunk.length - from - n;
  }

  #start(): void {
    const file = this.#file;
    const { type, shape, count } = readIdxHeader(this.#head.subarray(0, this.#need), file);
    if (type.dtype !== 'uint8' || shape.length !== 3)
      throw new DatasetFormatError('pairIdx', `${file}: expected uint8 [n, rows, cols], got ${type.dtype} [${shape.join(', ')}]`);
    if (shape[0] > this.#maxImages)
      throw new DatasetFormatError('pairIdx', `${file}: ${shape[0]} images, more than the ${this.#maxImages} expected`);
    if (count > this.#maxDataBytes)
      throw new DatasetFormatError(
        'parseIdx',
        `${file}: shape [${shape.join(', ')}] of uint8 needs ${count} data bytes, more than the ${this.#maxDataBytes} allowed`,
      );
    this.#shape = shape;
    this.#out = emptyArray(count, { dtype: 'float32' });
  }

  finish(): DecodedImages {
    if (this.#out === undefined) readIdxHeader(this.#head.subarray(0, this.#headLength), this.#file); // throws: header incomplete
    const [n, h, w] = this.#shape;
    checkIdxLength(this.#file, 'uint8', this.#shape, n * h * w, this.#written + this.#extra);
    return { pixels: this.#out as TypedArray, shape: [n, h, w, 1] };
  }
}

/**
 * @internal A gzip IDX image file → float32 pixels, decoded while it inflates (at most
 * `maxImages` images; `maxBytes` bounds the inflated size).
 */
export async function decodeIdxImages(gz: Uint8Array, file: string, name: string, maxImages: number, maxBytes: number) {
  const decoder = new IdxImageDecoder(`${name} images`, maxImages, maxBytes);
  await gunzipChunks(gz, file, maxBytes, (c) => decoder.push(c));
  return decoder.finish();
}

/**
 * The tar reader of tar.ts over an archive fed in pieces of any size (as it inflates): each
 * header is checked as readTar checks it, and the data of each regular file goes to the sink
 * `onEntry` returns for it, piece by piece, in order; nothing of the archive is kept.
 * An archive readTar refuses is refused here too (a truncation is found at `finish`).
 */
import { DatasetFormatError } from './errors.js';
import { TAR_MAX_ENTRIES, isEndBlock, readTarHeader, text } from './tar.js';

/** Receives a regular file's data in pieces (views valid only during the call). */
export type TarSink = (piece: Uint8Array) => void;

/** @internal A streaming tar reader (see the file's comment). */
export class TarStream {
  readonly #file: string;
  readonly #onEntry: (name: string, size: number) => TarSink | undefined;
  readonly #header = new Uint8Array(512);
  #headerFill = 0;
  #offset = 0;
  #entries = 0;
  #ended = false;
  #dataLeft = 0;
  #padLeft = 0;
  #sink: TarSink | undefined;
  #entryAt = 0;
  #entrySize = 0;
  #longName: string | null = null;
  #longNameParts: Uint8Array[] | null = null;
  readonly #names = new Set<string>();

  /** `onEntry(name, size)` is called at each regular file's header; its sink (if any) gets the data. */
  constructor(file: string, onEntry: (name: string, size: number) => TarSink | undefined) {
    this.#file = file;
    this.#onEntry = onEntry;
  }

  push(chunk: Uint8Array): void {
    const length = chunk.length;
    let i = 0;
    while (i < length && !this.#ended) {
      if (this.#dataLeft > 0) {
        const n = Math.min(this.#dataLeft, length - i);
        this.#sink?.(chunk.subarray(i, i + n));
        this.#dataLeft -= n;
        i += n;
        if (this.#dataLeft === 0) this.#endEntry();
      } else if (this.#padLeft > 0) {
        const n = Math.min(this.#padLeft, length - i);
        this.#padLeft -= n;
        i += n;
      } else {
        const n = Math.min(512 - this.#headerFill, length - i);
        this.#header.set(chunk.subarray(i, i + n), this.#headerFill);
        this.#headerFill += n;
        i += n;
        if (this.#headerFill === 512) {
          this.#headerFill = 0;
          this.#startEntry(this.#offset + i - 512);
        }
      }
    }
    this.#offset += length;
  }

  /** Checks the archive ended as readTar requires (whole blocks, nothing cut off, an end block). */
  finish(): void {
    const op = 'readTar';
    const file = this.#file;
    if (this.#offset % 512 !== 0)
      throw new DatasetFormatError(op, `${file}: ${this.#offset} bytes is not a whole number of 512-byte blocks`);
    if (this.#ended) return;
    if (this.#dataLeft > 0) {
      const remain = this.#offset - this.#entryAt - 512;
      throw new DatasetFormatError(
        op,
        `${file}: entry at byte ${this.#entryAt} declares ${this.#entrySize} bytes, only ${remain} remain (truncated)`,
      );
    }
    throw new DatasetFormatError(op, `${file}: ends without the two zero blocks of a tar archive (truncated)`);
  }

  #startEntry(at: number): void {
    const file = this.#file;
    if (isEndBlock(this.#header)) {
      this.#ended = true;
      return;
    }
    if (++this.#entries > TAR_MAX_ENTRIES) throw new DatasetFormatError('readTar', `${file}: more than ${TAR_MAX_ENTRIES} entries`);
    const header = readTarHeader(this.#header, at, file, this.#longName);
    this.#longName = null;
    this.#sink = undefined;
    if (header.kind === 'file') {
      if (this.#names.has(header.name)) throw new DatasetFormatError('readTar', `${file}: entry '${header.name}' appears twice`);
      this.#names.add(header.name);
      this.#sink = this.#onEntry(header.name, header.size);
    } else if (header.kind === 'longName') {
      const parts: Uint8Array[] = [];
      this.#longNameParts = parts;
      this.#sink = (piece) => parts.push(piece.slice());
    }
    this.#entryAt = at;
    this.#entrySize = header.size;
    this.#dataLeft = header.size;
    this.#padLeft = Math.ceil(header.size / 512) * 512 - header.size;
    if (header.size === 0) this.#endEntry();
  }

  #endEntry(): void {
    const parts = this.#longNameParts;
    if (parts !== null) {
      const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      this.#longName = text(all, 0, all.length);
      this.#longNameParts = null;
    }
    this.#sink = undefined;
  }
}

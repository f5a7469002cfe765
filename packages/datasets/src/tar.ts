/**
 * A reader for uncompressed tar archives (POSIX ustar, with GNU long names and pax headers
 * skipped), over bytes already in memory. Written here rather than taken from npm because
 * the CIFAR-10 archive holds eight regular files and we want, in a browser as in Node, a
 * synchronous reader over a Uint8Array that verifies every header checksum, bounds every
 * entry by the archive and names the archive and entry in each error; the stream-based
 * readers on npm (tar, tar-stream) are Node-stream oriented and would add dependencies for
 * about eighty lines.
 *
 * Each 512-byte header: name (100 bytes), mode, uid, gid, size (12 bytes, octal), mtime,
 * checksum (8 bytes, octal sum of the header with the checksum field as spaces), type flag,
 * link name, "ustar" magic, ..., prefix (155 bytes at offset 345). Data follows, padded to
 * 512 bytes; two zero blocks end the archive.
 */
import { DatasetFormatError } from './errors.js';

/** The most entries an archive may have (the standard archives here have fewer than 20). */
export const TAR_MAX_ENTRIES = 100_000;

/**
 * Reads the regular files of a tar archive: path → bytes (views of the input, no copy).
 * Directories are skipped; links, devices and FIFOs are rejected.
 * @example
 * ```ts
 * readTar(new Uint8Array(1024), 'empty.tar').size; // 0
 * ```
 */
export function readTar(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  const op = 'readTar';
  const out = new Map<string, Uint8Array>();
  if (bytes.length % 512 !== 0) throw new DatasetFormatError(op, `${file}: ${bytes.length} bytes is not a whole number of 512-byte blocks`);
  let at = 0;
  let longName: string | null = null;
  let entries = 0;
  while (at + 512 <= bytes.length) {
    const h = bytes.subarray(at, at + 512);
    if (isEndBlock(h)) return out; // end of archive
    if (++entries > TAR_MAX_ENTRIES) throw new DatasetFormatError(op, `${file}: more than ${TAR_MAX_ENTRIES} entries`);
    const header = readTarHeader(h, at, file, longName);
    longName = null;
    const start = at + 512;
    if (header.size > bytes.length - start)
      throw new DatasetFormatError(
        op,
        `${file}: entry at byte ${at} declares ${header.size} bytes, only ${bytes.length - start} remain (truncated)`,
      );
    const data = bytes.subarray(start, start + header.size);
    if (header.kind === 'file') {
      if (out.has(header.name)) throw new DatasetFormatError(op, `${file}: entry '${header.name}' appears twice`);
      out.set(header.name, data);
    } else if (header.kind === 'longName') {
      longName = text(data, 0, data.length);
    }
    at = start + Math.ceil(header.size / 512) * 512;
  }
  throw new DatasetFormatError(op, `${file}: ends without the two zero blocks of a tar archive (truncated)`);
}

/** @internal Whether a 512-byte header block is all zeros (the end of an archive). */
export function isEndBlock(h: Uint8Array): boolean {
  for (let i = 0; i < 512; i++) if (h[i] !== 0) return false;
  return true;
}

/** @internal What a header says: a regular file, a GNU long name for the next entry, or something skipped. */
export interface TarHeader {
  name: string;
  size: number;
  kind: 'file' | 'longName' | 'skip';
}

/**
 * @internal Checks one (non-zero) 512-byte header at byte `at` of `file`: its checksum, its
 * size field, the entry's type (regular files, directories, pax headers and GNU long names;
 * links, devices and FIFOs are refused) and a regular file's name (`longName` when the
 * entry before was one).
 */
export function readTarHeader(h: Uint8Array, at: number, file: string, longName: string | null): TarHeader {
  const op = 'readTar';
  const stored = octal(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  if (stored === null || stored !== sum)
    throw new DatasetFormatError(
      op,
      `${file}: header at byte ${at} has checksum ${stored ?? 'unreadable'}, computed ${sum} (not a tar archive, or corrupted)`,
    );
  const size = octal(h, 124, 12);
  if (size === null) throw new DatasetFormatError(op, `${file}: header at byte ${at} has an unreadable size field`);
  const magic = text(h, 257, 6);
  const prefix = magic.startsWith('ustar') ? text(h, 345, 155) : '';
  const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
  const type = String.fromCharCode(h[156] || 48);
  if (type === '0' || type === '7') {
    if (name === '' || name.split('/').includes('..'))
      throw new DatasetFormatError(op, `${file}: entry at byte ${at} has an unsafe name '${name}'`);
    return { name, size, kind: 'file' };
  }
  if (type === 'L') return { name, size, kind: 'longName' };
  if (type !== '5' && type !== 'x' && type !== 'g')
    throw new DatasetFormatError(op, `${file}: entry '${name}' has type '${type}' (only regular files and directories are read)`);
  return { name, size, kind: 'skip' };
}

/** @internal The NUL-terminated text of `b[from, from + length)`. */
export function text(b: Uint8Array, from: number, length: number): string {
  let s = '';
  for (let i = from; i < from + length && i < b.length && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** An octal field (spaces/NULs around it allowed); null when it is not octal. */
function octal(b: Uint8Array, from: number, length: number): number | null {
  const s = text(b, from, length).trim();
  if (!/^[0-7]{1,12}$/.test(s)) return null;
  return Number.parseInt(s, 8);
}

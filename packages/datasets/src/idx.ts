/**
 * IDX files (LeCun's MNIST format): a 4-byte magic `0x00 0x00 <type> <ndim>`, `ndim`
 * big-endian uint32 dimensions, then the values row-major, big-endian. Types: 0x08 uint8,
 * 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 *
 * Budget: at most 4 dimensions, each below 2^31, and the element count times the element
 * size must equal the bytes after the header exactly; that is checked before anything is
 * allocated (a uint8 file is returned as a view of the input, without a copy).
 */
import { DatasetFormatError } from './errors.js';

/** A parsed IDX file. */
export interface IdxArray {
  /** The IDX element type. */
  dtype: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
  /** The dimensions, outermost first (MNIST images: [n, 28, 28]). */
  shape: number[];
  /** The values, row-major, in host byte order. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { dtype: IdxArray['dtype']; size: number }> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};

/** The most dimensions an IDX file may declare. */
export const IDX_MAX_RANK = 4;

/**
 * Parses an (uncompressed) IDX file. `file` names it in errors.
 * @example
 * ```ts
 * const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
 * parseIdx(bytes, 'tiny.idx').shape; // [2, 3]
 * ```
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const { type, shape, count, header } = readIdxHeader(bytes, file);
  checkIdxLength(file, type.dtype, shape, count * type.size, bytes.length - header);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = bytes.subarray(header);
  if (type.dtype === 'uint8') return { dtype: 'uint8', shape, data: body };
  if (type.dtype === 'int8') return { dtype: 'int8', shape, data: new Int8Array(body.buffer, body.byteOffset, body.length) };
  const data =
    type.dtype === 'int16'
      ? new Int16Array(count)
      : type.dtype === 'int32'
        ? new Int32Array(count)
        : type.dtype === 'float32'
          ? new Float32Array(count)
          : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = header + i * type.size;
    data[i] =
      type.dtype === 'int16'
        ? view.getInt16(at, false)
        : type.dtype === 'int32'
          ? view.getInt32(at, false)
          : type.dtype === 'float32'
            ? view.getFloat32(at, false)
            : view.getFloat64(at, false);
  }
  return { dtype: type.dtype, shape, data };
}

/** @internal The header's length in bytes, from its first 4 bytes (magic, type and rank checked). */
export function idxHeaderLength(bytes: Uint8Array, file: string): number {
  const op = 'parseIdx';
  if (bytes.length < 4) throw new DatasetFormatError(op, `${file}: ${bytes.length} bytes, too short for the 4-byte IDX magic`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new DatasetFormatError(op, `${file}: bad magic ${hex(bytes, 4)} (an IDX file starts with 00 00; is it still gzip-compressed?)`);
  if (!TYPES[bytes[2]]) throw new DatasetFormatError(op, `${file}: unknown IDX element type 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const rank = bytes[3];
  if (rank < 1 || rank > IDX_MAX_RANK) throw new DatasetFormatError(op, `${file}: ${rank} dimensions, expected 1 to ${IDX_MAX_RANK}`);
  return 4 + 4 * rank;
}

/** @internal The header of an IDX file (`bytes` holds at least the header, else a typed error). */
export function readIdxHeader(
  bytes: Uint8Array,
  file: string,
): { type: { dtype: IdxArray['dtype']; size: number }; shape: number[]; count: number; header: number } {
  const op = 'parseIdx';
  const header = idxHeaderLength(bytes, file);
  const type = TYPES[bytes[2]];
  const rank = bytes[3];
  if (bytes.length < header) throw new DatasetFormatError(op, `${file}: truncated header (${bytes.length} bytes, need ${header})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    if (dim >= 2 ** 31) throw new DatasetFormatError(op, `${file}: dimension ${d} is ${dim}, not below 2^31`);
    shape.push(dim);
    count *= dim; // exact: at most 4 factors, each < 2^31, compared with the data bytes before any allocation
  }
  return { type, shape, count, header };
}

/** @internal The data bytes must be exactly the element count times the element size. */
export function checkIdxLength(file: string, dtype: string, shape: number[], expected: number, actual: number): void {
  if (!Number.isSafeInteger(expected) || expected !== actual)
    throw new DatasetFormatError(
      'parseIdx',
      `${file}: shape [${shape.join(', ')}] of ${dtype} needs ${expected} data bytes, the file has ${actual}${actual < expected ? ' (truncated)' : ''}`,
    );
}

function hex(bytes: Uint8Array, n: number): string {
  return Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

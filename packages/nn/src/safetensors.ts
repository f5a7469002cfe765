/**
 * The safetensors format (https://github.com/huggingface/safetensors), so weights open in
 * PyTorch (`safetensors.torch.load_file`) as they are:
 *   8 bytes: N, the header length (unsigned 64-bit little-endian)
 *   N bytes: a UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}
 *   the data: raw little-endian values, offsets relative to the end of the header.
 * The reader trusts nothing: the header length is bounded, the JSON is parsed with
 * prototype-polluting keys refused, every dimension must be a safe non-negative integer,
 * element counts are multiplied with an overflow check against a byte budget before anything
 * is allocated, and the offsets must be in bounds, non-overlapping and cover the data
 * exactly. Every failure is a `FormatError`.
 */
import { type DType, type Tensor, type TypedArray, DTypeError, ValueError } from '@lec/tensor';
import { FormatError } from './errors.js';
import { isJsonObject, safeJsonParse } from './json.js';

/** One tensor read from a file: plain data, not yet on a backend. */
export interface SafetensorsEntry {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** Tensors by name, in file order of their data. */
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

/** Limits of `readSafetensors`. */
export interface ReadSafetensorsOptions {
  /** Most bytes of tensor data accepted (default 1 GiB). */
  maxBytes?: number;
  /** Most header bytes accepted (default 16 MiB). */
  maxHeaderBytes?: number;
  /** Highest tensor rank accepted (default 16). */
  maxRank?: number;
}

const TO_FILE: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32' };
const FROM_FILE = new Map<string, DType>([
  ['F32', 'float32'],
  ['F64', 'float64'],
  ['I32', 'int32'],
]);
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };
/**
 * File dtypes PyTorch writes that are read by widening or narrowing: I64 (BatchNorm's
 * `num_batches_tracked`, index tensors) becomes int32 when every value fits (else a
 * FormatError), F16 and BF16 become float32 (exactly).
 */
const CONVERTED = new Map<string, { dtype: DType; bytes: number }>([
  ['I64', { dtype: 'int32', bytes: 8 }],
  ['F16', { dtype: 'float32', bytes: 2 }],
  ['BF16', { dtype: 'float32', bytes: 2 }],
]);
const OP_READ = 'readSafetensors';

/**
 * Serialises named tensors (and string metadata) as a safetensors file. Data are ordered by
 * element size (8-byte first) so every tensor is aligned, as the reference writer does.
 * @example
 * ```ts
 * const bytes = writeSafetensors({ w: tensor([[1, 2], [3, 4]]) }, { note: 'hi' });
 * readSafetensors(bytes).tensors.get('w')!.shape; // [2, 2]
 * ```
 */
export function writeSafetensors(
  tensors: Record<string, Tensor> | Iterable<readonly [string, Tensor]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const op = 'writeSafetensors';
  const entries = (Symbol.iterator in tensors ? [...(tensors as Iterable<readonly [string, Tensor]>)] : Object.entries(tensors)) as [
    string,
    Tensor,
  ][];
  const names = new Set<string>();
  for (const [name, t] of entries) {
    if (name === '' || name === '__metadata__' || name === '__proto__' || name === 'constructor' || name === 'prototype')
      throw new ValueError(op, `tensor name '${name}' is reserved or empty`);
    if (names.has(name)) throw new ValueError(op, `tensor name '${name}' appears twice`);
    if (!(t.dtype in TO_FILE)) throw new DTypeError(op, `tensor '${name}' has unsupported dtype ${t.dtype}`);
    names.add(name);
  }
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== 'string')
      throw new ValueError(op, `metadata '${k}' must be a string (safetensors metadata is string → string), got ${typeof v}`);
  const ordered = entries.map((e, i) => ({ name: e[0], t: e[1], i })).sort((a, b) => BYTES[b.t.dtype] - BYTES[a.t.dtype] || a.i - b.i);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const { name, t } of ordered) {
    const nbytes = t.size * BYTES[t.dtype];
    header[name] = { dtype: TO_FILE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + nbytes] };
    offset += nbytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8; // pad with spaces so the data start 8-aligned
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const { t } of ordered) {
    const data = t.dataSync();
    for (let i = 0; i < t.size; i++, at += BYTES[t.dtype]) {
      if (t.dtype === 'float32') view.setFloat32(at, data[i], true);
      else if (t.dtype === 'float64') view.setFloat64(at, data[i], true);
      else view.setInt32(at, data[i], true);
    }
  }
  return out;
}

function fail(message: string): never {
  throw new FormatError(OP_READ, message);
}

function isSafeCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses and validates a safetensors file. Throws `FormatError` for anything malformed,
 * unsafe or over the limits, before allocating tensor memory.
 * @example
 * ```ts
 * const bytes = saveWeights(new Sequential([new Dense(2, 3, { seed: 0 })]));
 * const { tensors } = readSafetensors(bytes);
 * tensors.get('0.weight')!.dtype; // 'float32'
 * readSafetensors(new Uint8Array(4)); // throws FormatError (truncated)
 * ```
 */
export function readSafetensors(bytes: Uint8Array, options: ReadSafetensorsOptions = {}): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) fail(`argument 'bytes' expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  const maxBytes = options.maxBytes ?? 2 ** 30;
  const maxHeader = options.maxHeaderBytes ?? 16 * 2 ** 20;
  const maxRank = options.maxRank ?? 16;
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  if (hi !== 0 || lo > maxHeader)
    fail(`the header length ${hi !== 0 ? `${hi} * 2^32 + ${lo}` : lo} exceeds the limit of ${maxHeader} bytes`);
  if (lo < 2) fail(`the header length ${lo} is too small for a JSON object`);
  if (8 + lo > bytes.length) fail(`the header length ${lo} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + lo));
  } catch {
    fail('the header is not valid UTF-8');
  }
  if (text.trimStart()[0] !== '{') fail(`the header must be a JSON object, it starts with ${JSON.stringify(text.slice(0, 10))}`);
  // a valid header nests 3 deep (header → tensor → shape); keys are unique (duplicates would mean two models)
  const header = safeJsonParse(text, OP_READ, { maxDepth: 3 });
  if (!isJsonObject(header)) fail('the header must be a JSON object');
  const dataStart = 8 + lo;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const specs: { name: string; dtype: DType; fileDtype: string; shape: number[]; begin: number; end: number }[] = [];
  let totalBytes = 0;
  for (const name of Object.keys(header)) {
    const value = header[name];
    if (name === '__metadata__') {
      if (!isJsonObject(value)) fail(`'__metadata__' must be an object of strings`);
      for (const k of Object.keys(value)) {
        const v = value[k];
        if (typeof v !== 'string') fail(`'__metadata__' entry '${k}' must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    if (name === '') fail('a tensor has an empty name');
    if (!isJsonObject(value)) fail(`tensor '${name}' must be described by an object`);
    const keys = Object.keys(value).sort().join(',');
    if (keys !== 'data_offsets,dtype,shape')
      fail(`tensor '${name}' must have exactly the keys dtype, shape, data_offsets; got ${keys || 'none'}`);
    const fileDtype = typeof value.dtype === 'string' ? value.dtype : '';
    const dtype = FROM_FILE.get(fileDtype) ?? CONVERTED.get(fileDtype)?.dtype;
    if (!dtype) fail(`tensor '${name}' has dtype ${JSON.stringify(value.dtype)}; supported: F32, F64, I32 (and I64, F16, BF16, converted)`);
    const elementBytes = CONVERTED.get(fileDtype)?.bytes ?? BYTES[dtype];
    const shape = value.shape;
    if (!Array.isArray(shape) || shape.length > maxRank)
      fail(`tensor '${name}' shape must be a list of at most ${maxRank} dimensions, got ${JSON.stringify(shape)?.slice(0, 80)}`);
    // multiply with an overflow check against the byte budget, before any allocation
    const maxElements = Math.floor(maxBytes / Math.max(elementBytes, BYTES[dtype]));
    let count = 1;
    for (const d of shape) {
      if (!isSafeCount(d)) fail(`tensor '${name}' has dimension ${JSON.stringify(d)}; every dimension must be a safe non-negative integer`);
      count *= d;
      if (count > maxElements) fail(`tensor '${name}' of shape [${shape.join(', ')}] exceeds the budget of ${maxBytes} bytes`);
    }
    const nbytes = count * elementBytes;
    totalBytes += count * Math.max(elementBytes, BYTES[dtype]);
    if (totalBytes > maxBytes) fail(`the tensors together exceed the budget of ${maxBytes} bytes`);
    const offsets = value.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !isSafeCount(offsets[0]) || !isSafeCount(offsets[1]))
      fail(
        `tensor '${name}' data_offsets must be [begin, end] with safe non-negative integers, got ${JSON.stringify(offsets)?.slice(0, 80)}`,
      );
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength)
      fail(`tensor '${name}' data_offsets [${begin}, ${end}] are out of bounds of the ${dataLength} data bytes`);
    if (end - begin !== nbytes)
      fail(
        `tensor '${name}' data_offsets [${begin}, ${end}] hold ${end - begin} bytes but dtype ${value.dtype} and shape [${shape.join(', ')}] need ${nbytes}`,
      );
    specs.push({ name, dtype, fileDtype, shape: shape as number[], begin, end });
  }
  specs.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const s of specs) {
    if (s.begin < cursor) fail(`tensor '${s.name}' data [${s.begin}, ${s.end}] overlaps the previous tensor (which ends at ${cursor})`);
    if (s.begin > cursor) fail(`the data bytes [${cursor}, ${s.begin}) belong to no tensor (offsets must cover the data exactly)`);
    cursor = s.end;
  }
  if (cursor !== dataLength) fail(`the data has ${dataLength} bytes but the tensors cover ${cursor} (offsets must cover the data exactly)`);
  const tensors = new Map<string, SafetensorsEntry>();
  for (const s of specs) {
    const n = (s.end - s.begin) / (CONVERTED.get(s.fileDtype)?.bytes ?? BYTES[s.dtype]);
    const at = dataStart + s.begin;
    let data: TypedArray;
    if (CONVERTED.has(s.fileDtype)) {
      data = readConverted(view, at, n, s.fileDtype, s.name);
    } else if (s.dtype === 'float32') {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getFloat32(at + 4 * i, true);
      data = a;
    } else if (s.dtype === 'float64') {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getFloat64(at + 8 * i, true);
      data = a;
    } else {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getInt32(at + 4 * i, true);
      data = a;
    }
    tensors.set(s.name, { dtype: s.dtype, shape: s.shape, data });
  }
  return { tensors, metadata };
}

/** Reads I64 (into int32, range-checked), F16 or BF16 (into float32) little-endian values. */
function readConverted(view: DataView, at: number, n: number, fileDtype: string, name: string): TypedArray {
  if (fileDtype === 'I64') {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = view.getBigInt64(at + 8 * i, true);
      if (v > 2147483647n || v < -2147483648n) fail(`tensor '${name}' holds the I64 value ${v}, outside the int32 range it is read into`);
      a[i] = Number(v);
    }
    return a;
  }
  const a = new Float32Array(n);
  if (fileDtype === 'BF16') {
    const bits = new Uint32Array(a.buffer);
    for (let i = 0; i < n; i++) bits[i] = view.getUint16(at + 2 * i, true) << 16;
    return a;
  }
  for (let i = 0; i < n; i++) {
    const h = view.getUint16(at + 2 * i, true);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    a[i] =
      exponent === 0
        ? sign * fraction * 2 ** -24
        : exponent === 31
          ? fraction
            ? Number.NaN
            : sign * Number.POSITIVE_INFINITY
          : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return a;
}

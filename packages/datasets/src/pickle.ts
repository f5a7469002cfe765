/**
 * A restricted unpickler: reads Python pickles (protocols 0 to 5, binary opcodes) of plain
 * data and of exactly the library objects the Planetoid `ind.*` files hold, and nothing else.
 *
 * - Data: None, bool, int (up to 2^53), float, str, bytes (Python 2 `str` comes back as a
 *   JS string of one char per byte), list, tuple (a frozen array), dict (a `PyDict`, a Map:
 *   no key can reach an object prototype).
 * - Objects, by an allow-list of globals mapped to readers of our own (no code from the file
 *   ever runs, and no attribute of anything is looked up by a name from the file):
 *   `numpy.core.multiarray._reconstruct` / `numpy._core.multiarray._reconstruct` with
 *   `numpy.ndarray` and `numpy.dtype` (C-ordered bool/int/uint/float arrays → `NdArray`),
 *   `scipy.sparse.csr.csr_matrix` / `scipy.sparse._csr.csr_matrix` (→ `CsrArrays`),
 *   `collections.defaultdict` with the factory `__builtin__.list` / `builtins.list`, and
 *   `_codecs.encode(s, 'latin1')` (how Python 3 writes bytes at protocol 2).
 * - Every other global raises `ForbiddenGlobalError` naming it; unknown opcodes, a
 *   truncated file, an out-of-range length or memo key, or an object built wrongly raise
 *   `DatasetFormatError` naming the file and byte offset.
 *
 * Budget: lengths are checked against the bytes left before anything is sliced; an array's
 * shape times its item size must equal its data length exactly; at most `PICKLE_MAX_ITEMS`
 * stack/memo/container items in all.
 */
import { DatasetFormatError, ForbiddenGlobalError } from './errors.js';

/** A Python dict (or collections.defaultdict, `factory: 'list'`). */
export class PyDict extends Map<PyKey, PickleValue> {
  /** 'list' for a defaultdict(list), null for a plain dict. */
  factory: 'list' | null = null;
}
/** A hashable key: str, int, float, bool or None. */
export type PyKey = string | number | boolean | null;

/** A numpy ndarray, C order, with its values converted to a typed array in host byte order. */
export interface NdArray {
  readonly kind: 'ndarray';
  /** numpy's dtype string without byte order: 'b1', 'u1', 'i4', 'f8', ... */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Int64/uint64 values come as Float64Array (each checked to be a safe integer). */
  readonly data: Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
}

/** A scipy.sparse CSR matrix, validated: indptr non-decreasing from 0 to nnz, indices < cols. */
export interface CsrArrays {
  readonly kind: 'csr';
  readonly shape: readonly [number, number];
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
}

/** What `unpickle` returns. */
export type PickleValue = null | boolean | number | string | Uint8Array | PickleValue[] | PyDict | NdArray | CsrArrays;

/** The most stack, memo and container items a pickle may create in all. */
export const PICKLE_MAX_ITEMS = 1 << 26;

class Global {
  constructor(readonly name: string) {}
}
class Mark {}
class DType {
  order = '<';
  constructor(readonly code: string) {}
}
class ArrayBuilder {}
class CsrBuilder {}

type Item = PickleValue | Global | DType | ArrayBuilder | CsrBuilder;

const ALLOWED: Record<string, string> = {
  'numpy.core.multiarray _reconstruct': 'reconstruct',
  'numpy._core.multiarray _reconstruct': 'reconstruct',
  'numpy ndarray': 'ndarray',
  'numpy dtype': 'dtype',
  'scipy.sparse.csr csr_matrix': 'csr_matrix',
  'scipy.sparse._csr csr_matrix': 'csr_matrix',
  'collections defaultdict': 'defaultdict',
  '__builtin__ list': 'list',
  'builtins list': 'list',
  '_codecs encode': 'encode',
};

const ITEM_SIZES: Record<string, number> = { b1: 1, u1: 1, i1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, f4: 4, f8: 8 };

/**
 * Reads a pickle under the restrictions above. `file` names it in errors.
 * @example
 * ```ts
 * // pickle.dumps({'a': [1, 2]}, protocol=2)
 * const bytes = new Uint8Array([0x80, 2, 0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x5d, 0x71, 2, 0x28, 0x4b, 1, 0x4b, 2, 0x65, 0x73, 0x2e]);
 * (unpickle(bytes, 'x.pkl') as PyDict).get('a'); // [1, 2]
 * ```
 */
export function unpickle(bytes: Uint8Array, file: string): PickleValue {
  const op = 'unpickle';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: (Item | Mark)[] = [];
  const marks: number[] = [];
  const memo = new Map<number, Item>();
  let items = 0;
  let pos = 0;
  let at = 0;
  const fail = (message: string): never => {
    throw new DatasetFormatError(op, `${file}: ${message} (opcode at byte ${at})`);
  };
  const need = (n: number) => {
    if (n < 0 || n > bytes.length - pos) fail(`needs ${n} more bytes, ${bytes.length - pos} remain (truncated or a bad length)`);
  };
  const count = (n = 1) => {
    items += n;
    if (items > PICKLE_MAX_ITEMS) fail(`more than ${PICKLE_MAX_ITEMS} items`);
  };
  const push = (v: Item) => {
    count();
    stack.push(v);
  };
  const pop = (): Item => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) fail('stack underflow');
    const v = stack.pop();
    if (v instanceof Mark) fail('unexpected MARK');
    return v as Item;
  };
  const top = (): Item => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) fail('stack underflow');
    return stack[stack.length - 1] as Item;
  };
  const popMark = (): Item[] => {
    const m = marks.pop();
    if (m === undefined) fail('no MARK to pop to');
    return stack.splice(m as number) as Item[];
  };
  const latin1 = (from: number, n: number) => {
    let s = '';
    for (let i = from; i < from + n; i += 8192) s += String.fromCharCode(...bytes.subarray(i, Math.min(from + n, i + 8192)));
    return s;
  };
  const utf8 = (from: number, n: number) => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(from, from + n));
    } catch {
      return fail('invalid UTF-8 in a str');
    }
  };
  const line = () => {
    const end = bytes.indexOf(10, pos);
    if (end < 0) fail('unterminated line');
    const s = latin1(pos, end - pos);
    pos = end + 1;
    return s;
  };
  const global = (module: string, name: string): Global => {
    const key = `${module} ${name}`;
    const kind = ALLOWED[key];
    if (!kind)
      throw new ForbiddenGlobalError(
        op,
        `${file}: global '${module}.${name}' is not allowed (opcode at byte ${at}); only numpy arrays, scipy CSR matrices, lists, dicts and defaultdicts are read`,
      );
    return new Global(kind);
  };
  const memoPut = (key: number) => {
    count();
    memo.set(key, top());
  };
  const memoGet = (key: number) => {
    if (!memo.has(key)) fail(`memo key ${key} was never stored`);
    push(memo.get(key) as Item);
  };
  const setItems = (dict: Item, kv: Item[]) => {
    if (!(dict instanceof PyDict)) fail('SETITEM(S) on something that is not a dict');
    if (kv.length % 2 !== 0) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < kv.length; i += 2) (dict as PyDict).set(asKey(kv[i], fail), kv[i + 1] as PickleValue);
  };
  const append = (list: Item, values: Item[]) => {
    if (!Array.isArray(list) || Object.isFrozen(list)) fail('APPEND(S) on something that is not a list');
    for (const v of values) (list as Item[]).push(v);
  };
  const tuple = (values: Item[]) => {
    count(values.length);
    return Object.freeze(values) as PickleValue[];
  };

  while (true) {
    at = pos;
    if (pos >= bytes.length) fail('ends without STOP (truncated)');
    const code = bytes[pos++];
    switch (code) {
      case 0x80: // PROTO
        need(1);
        if (bytes[pos++] > 5) fail(`protocol ${bytes[pos - 1]} is newer than 5`);
        break;
      case 0x95: // FRAME
        need(8);
        pos += 8;
        break;
      case 0x2e: {
        // STOP
        if (marks.length > 0) fail('MARK left open at STOP');
        if (stack.length !== 1) fail(`STOP with ${stack.length} items on the stack, expected 1`);
        const out = stack[0];
        if (!isValue(out)) fail('the result is an unfinished object');
        return out as PickleValue;
      }
      case 0x28: // MARK
        marks.push(stack.length);
        count();
        break;
      case 0x30: // POP
        if (stack.length > 0 && stack[stack.length - 1] instanceof Mark) stack.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4a: // BININT
        need(4);
        push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        need(1);
        push(bytes[pos++]);
        break;
      case 0x4d: // BININT2
        need(2);
        push(view.getUint16(pos, true));
        pos += 2;
        break;
      case 0x8a: {
        // LONG1
        need(1);
        const n = bytes[pos++];
        need(n);
        if (n > 7) fail(`LONG1 of ${n} bytes is beyond 2^53`);
        let v = 0;
        for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[pos + i];
        if (n > 0 && bytes[pos + n - 1] & 0x80) v -= 2 ** (8 * n);
        if (!Number.isSafeInteger(v)) fail('LONG1 beyond 2^53');
        pos += n;
        push(v);
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x55: {
        // SHORT_BINSTRING (Python 2 str)
        need(1);
        const n = bytes[pos++];
        need(n);
        push(latin1(pos, n));
        pos += n;
        break;
      }
      case 0x54: {
        // BINSTRING
        need(4);
        const n = view.getInt32(pos, true);
        pos += 4;
        need(n);
        push(latin1(pos, n));
        pos += n;
        break;
      }
      case 0x8c: {
        // SHORT_BINUNICODE
        need(1);
        const n = bytes[pos++];
        need(n);
        push(utf8(pos, n));
        pos += n;
        break;
      }
      case 0x58: {
        // BINUNICODE
        need(4);
        const n = view.getUint32(pos, true);
        pos += 4;
        need(n);
        push(utf8(pos, n));
        pos += n;
        break;
      }
      case 0x43: {
        // SHORT_BINBYTES
        need(1);
        const n = bytes[pos++];
        need(n);
        push(bytes.slice(pos, pos + n));
        pos += n;
        break;
      }
      case 0x42: {
        // BINBYTES
        need(4);
        const n = view.getUint32(pos, true);
        pos += 4;
        need(n);
        push(bytes.slice(pos, pos + n));
        pos += n;
        break;
      }
      case 0x29: // EMPTY_TUPLE
        push(tuple([]));
        break;
      case 0x74: // TUPLE
        push(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
        push(tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        push(tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        push(tuple([pop(), b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x6c: // LIST
        push(popMark() as PickleValue[]);
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        append(top(), [v]);
        count();
        break;
      }
      case 0x65: {
        // APPENDS
        const values = popMark();
        append(top(), values);
        break;
      }
      case 0x7d: // EMPTY_DICT
        push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const kv = popMark();
        const d = new PyDict();
        setItems(d, kv);
        push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        count();
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(top(), kv);
        break;
      }
      case 0x71: // BINPUT
        need(1);
        memoPut(bytes[pos++]);
        break;
      case 0x72: // LONG_BINPUT
        need(4);
        memoPut(view.getUint32(pos, true));
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memoPut(memo.size);
        break;
      case 0x68: // BINGET
        need(1);
        memoGet(bytes[pos++]);
        break;
      case 0x6a: // LONG_BINGET
        need(4);
        memoGet(view.getUint32(pos, true));
        pos += 4;
        break;
      case 0x63: {
        // GLOBAL
        const module = line();
        push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two str');
        push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        push(reduce(callable, args, fail));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(cls instanceof Global) || cls.name !== 'csr_matrix' || !Array.isArray(args) || args.length !== 0)
          fail('NEWOBJ is only allowed for scipy.sparse csr_matrix()');
        push(new CsrBuilder());
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = pop();
        push(build(obj, state, fail));
        break;
      }
      default:
        fail(`opcode 0x${code.toString(16).padStart(2, '0')} is not supported`);
    }
  }
}

function isValue(v: unknown): boolean {
  return !(v instanceof Global || v instanceof DType || v instanceof ArrayBuilder || v instanceof CsrBuilder || v instanceof Mark);
}

function asKey(k: unknown, fail: (m: string) => never): PyKey {
  if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean') return k;
  return fail('a dict key must be a str, int, float, bool or None');
}

function reduce(callable: Item, args: Item, fail: (m: string) => never): Item {
  if (!(callable instanceof Global)) return fail('REDUCE on something that is not an allowed global');
  if (!Array.isArray(args)) return fail(`REDUCE arguments of ${callable.name} are not a tuple`);
  switch (callable.name) {
    case 'reconstruct': {
      // _reconstruct(ndarray, (0,), b'b'): an empty array that BUILD fills
      if (!(args[0] instanceof Global) || args[0].name !== 'ndarray')
        return fail('_reconstruct expects numpy.ndarray as its first argument');
      return new ArrayBuilder();
    }
    case 'dtype': {
      const code = args[0];
      if (typeof code !== 'string' || !(code.replace(/^[<>|=]/, '') in ITEM_SIZES))
        return fail(`numpy dtype ${JSON.stringify(code)} is not supported (bool, int, uint and float only)`);
      const d = new DType(code.replace(/^[<>|=]/, ''));
      if (/^[<>|=]/.test(code)) d.order = code[0];
      return d;
    }
    case 'defaultdict': {
      if (args.length !== 1 || !(args[0] instanceof Global) || args[0].name !== 'list')
        return fail('collections.defaultdict is only allowed with the factory list');
      const d = new PyDict();
      d.factory = 'list';
      return d;
    }
    case 'encode': {
      if (typeof args[0] !== 'string' || (args[1] !== 'latin1' && args[1] !== 'latin-1'))
        return fail("_codecs.encode is only allowed as encode(str, 'latin1')");
      const s = args[0] as string;
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 255) return fail('_codecs.encode: a character beyond latin-1');
        out[i] = c;
      }
      return out;
    }
    default:
      return fail(`${callable.name} cannot be called`);
  }
}

function build(obj: Item, state: Item, fail: (m: string) => never): Item {
  if (obj instanceof DType) {
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags)
    if (!Array.isArray(state) || typeof state[1] !== 'string' || !/^[<>|=]$/.test(state[1])) return fail('bad numpy dtype state');
    if (state[2] !== null || state[3] !== null) return fail('structured numpy dtypes are not supported');
    obj.order = state[1];
    return obj;
  }
  if (obj instanceof ArrayBuilder) return buildArray(state, fail);
  if (obj instanceof CsrBuilder) return buildCsr(state, fail);
  return fail('BUILD on an object that is not an ndarray, dtype or csr_matrix');
}

function buildArray(state: Item, fail: (m: string) => never): NdArray {
  // (version, shape, dtype, is_fortran, rawdata)
  if (!Array.isArray(state) || state.length !== 5) return fail('bad ndarray state (expected 5 items)');
  const [, shape, dtype, fortran, raw] = state as Item[];
  if (!(dtype instanceof DType)) return fail('ndarray state without a numpy dtype');
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    return fail('ndarray shape must be a tuple of non-negative integers');
  if (fortran !== false && fortran !== 0) return fail('Fortran-ordered arrays are not supported');
  const size = ITEM_SIZES[dtype.code];
  let count = 1;
  for (const d of shape as number[]) count *= d;
  let bytes: Uint8Array;
  if (typeof raw === 'string') {
    bytes = new Uint8Array(raw.length);
    if (raw.length === count * size) for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  } else if (raw instanceof Uint8Array) bytes = raw;
  else return fail('ndarray data must be bytes (object arrays are not supported)');
  if (!Number.isSafeInteger(count * size) || count * size !== bytes.length)
    return fail(
      `ndarray of shape [${(shape as number[]).join(', ')}] and dtype ${dtype.code} needs ${count * size} bytes, got ${bytes.length}`,
    );
  const little = dtype.order !== '>';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (make: (n: number) => NdArray['data'], get: (at: number) => number): NdArray['data'] => {
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = get(i * size);
    return out;
  };
  let data: NdArray['data'];
  switch (dtype.code) {
    case 'b1':
    case 'u1':
      data = Uint8Array.from(bytes);
      break;
    case 'i1':
      data = Int8Array.from(bytes, (b) => (b << 24) >> 24);
      break;
    case 'i2':
      data = read(
        (n) => new Int16Array(n),
        (at) => view.getInt16(at, little),
      );
      break;
    case 'u2':
      data = read(
        (n) => new Uint16Array(n),
        (at) => view.getUint16(at, little),
      );
      break;
    case 'i4':
      data = read(
        (n) => new Int32Array(n),
        (at) => view.getInt32(at, little),
      );
      break;
    case 'u4':
      data = read(
        (n) => new Uint32Array(n),
        (at) => view.getUint32(at, little),
      );
      break;
    case 'f4':
      data = read(
        (n) => new Float32Array(n),
        (at) => view.getFloat32(at, little),
      );
      break;
    case 'f8':
      data = read(
        (n) => new Float64Array(n),
        (at) => view.getFloat64(at, little),
      );
      break;
    default: {
      // i8 / u8: exact only up to 2^53
      const signed = dtype.code === 'i8';
      data = read(
        (n) => new Float64Array(n),
        (at) => {
          const v = Number(signed ? view.getBigInt64(at, little) : view.getBigUint64(at, little));
          if (!Number.isSafeInteger(v)) fail(`a ${dtype.code} value beyond 2^53`);
          return v;
        },
      );
    }
  }
  return { kind: 'ndarray', dtype: dtype.code, shape: Object.freeze([...(shape as number[])]), data };
}

function buildCsr(state: Item, fail: (m: string) => never): CsrArrays {
  if (!(state instanceof PyDict)) return fail('csr_matrix state must be a dict');
  const format = state.get('format');
  if (format !== undefined && format !== 'csr') return fail(`csr_matrix with format ${JSON.stringify(format)}`);
  const shape = state.get('_shape');
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0 && (d as number) < 2 ** 31)
  )
    return fail('csr_matrix _shape must be two non-negative integers below 2^31');
  const [rows, cols] = shape as number[];
  const arr = (key: string): NdArray => {
    const v = state.get(key);
    if (!v || typeof v !== 'object' || (v as NdArray).kind !== 'ndarray' || (v as NdArray).shape.length !== 1)
      return fail(`csr_matrix '${key}' must be a 1-D ndarray`);
    return v as NdArray;
  };
  const indptr = arr('indptr');
  const indices = arr('indices');
  const values = arr('data');
  const nnz = indices.data.length;
  if (indptr.data.length !== rows + 1) return fail(`csr_matrix indptr has ${indptr.data.length} entries, expected rows + 1 = ${rows + 1}`);
  if (values.data.length !== nnz) return fail(`csr_matrix data has ${values.data.length} entries, indices ${nnz}`);
  if (indptr.data[0] !== 0 || indptr.data[rows] !== nnz) return fail(`csr_matrix indptr must run from 0 to nnz = ${nnz}`);
  for (let r = 0; r < rows; r++) if (!(indptr.data[r + 1] >= indptr.data[r])) return fail(`csr_matrix indptr decreases at row ${r}`);
  for (let p = 0; p < nnz; p++)
    if (!(Number.isInteger(indices.data[p]) && indices.data[p] >= 0 && indices.data[p] < cols))
      return fail(`csr_matrix index ${indices.data[p]} at entry ${p} is outside [0, ${cols})`);
  return {
    kind: 'csr',
    shape: [rows, cols],
    indptr: Int32Array.from(indptr.data),
    indices: Int32Array.from(indices.data),
    data: Float64Array.from(values.data),
  };
}

/**
 * Small, strict text and file helpers for the loaders: fs is reached lazily through
 * `process.getBuiltinModule` so importing @lec/gcn in a browser bundle pulls in no Node
 * module; only the `load*` functions need Node (the `parse*` functions take strings).
 */
import type * as NodeFs from 'node:fs';
import type * as NodePath from 'node:path';
import { DataFormatError } from './errors.js';

/** Files larger than this are refused before they are read (the largest file here is 3 MB). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

function nodeModule<T>(name: string, op: string): T {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.(name);
  if (!mod)
    throw new DataFormatError(
      op,
      `reading files needs Node.js >= 20.16 (process.getBuiltinModule('${name}')); in a browser fetch the files and use the parse* functions`,
    );
  return mod as T;
}

/** @internal path.join without importing node:path at module load. */
export function joinPath(op: string, ...parts: string[]): string {
  return nodeModule<typeof NodePath>('node:path', op).join(...parts);
}

/** @internal Whether a path exists. */
export function exists(op: string, path: string): boolean {
  return nodeModule<typeof NodeFs>('node:fs', op).existsSync(path);
}

/**
 * @internal Reads a UTF-8 text file after checking its size: against `expectedBytes` when
 * given (from meta.json), else against MAX_FILE_BYTES.
 */
export function readText(op: string, path: string, expectedBytes?: number): string {
  const fs = nodeModule<typeof NodeFs>('node:fs', op);
  let size: number;
  try {
    size = fs.statSync(path).size;
  } catch {
    throw new DataFormatError(op, `file '${path}' does not exist or cannot be read`);
  }
  if (expectedBytes !== undefined && size !== expectedBytes)
    throw new DataFormatError(op, `file '${path}' has ${size} bytes, but meta.json says ${expectedBytes}`);
  if (size > MAX_FILE_BYTES) throw new DataFormatError(op, `file '${path}' has ${size} bytes, more than the ${MAX_FILE_BYTES} allowed`);
  return fs.readFileSync(path, 'utf8');
}

/**
 * @internal JSON.parse that rejects `__proto__`, `constructor` and `prototype` keys (no
 * prototype pollution through a crafted meta.json) and names the file on a syntax error.
 */
export function parseJson(op: string, file: string, text: string): unknown {
  try {
    return JSON.parse(text, (key, value) => {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype')
        throw new DataFormatError(op, `${file}: key '${key}' is not allowed`);
      return value;
    });
  } catch (e) {
    if (e instanceof DataFormatError) throw e;
    throw new DataFormatError(op, `${file}: invalid JSON (${(e as Error).message})`);
  }
}

/** @internal The lines of a text, without the final empty one after a trailing newline. */
export function lines(text: string): string[] {
  const out = text.split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** @internal The number of lines (as `lines` counts them), without splitting. */
export function countLines(text: string): number {
  let n = 0;
  let i = -1;
  while ((i = text.indexOf('\n', i + 1)) !== -1) n++;
  if (text.length > 0 && text[text.length - 1] !== '\n') n++;
  return n;
}

const INT = /^(0|[1-9][0-9]*)$/;
const SIGNED_INT = /^-?(0|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/;

/** @internal A non-negative integer token below `limit`, or a DataFormatError naming file and line. */
export function parseIndex(op: string, file: string, line: number, token: string | undefined, what: string, limit: number): number {
  if (token === undefined || !INT.test(token))
    throw new DataFormatError(op, `${file} line ${line}: expected ${what} (a non-negative integer), got '${clip(token)}'`);
  const v = Number(token);
  if (v >= limit) throw new DataFormatError(op, `${file} line ${line}: ${what} ${v} is out of range [0, ${limit})`);
  return v;
}

/** @internal A signed integer token in [lo, hi]. */
export function parseIntIn(
  op: string,
  file: string,
  line: number,
  token: string | undefined,
  what: string,
  lo: number,
  hi: number,
): number {
  if (token === undefined || !SIGNED_INT.test(token))
    throw new DataFormatError(op, `${file} line ${line}: expected ${what} (an integer), got '${clip(token)}'`);
  const v = Number(token);
  if (v < lo || v > hi) throw new DataFormatError(op, `${file} line ${line}: ${what} ${v} is out of range [${lo}, ${hi}]`);
  return v;
}

/** @internal A finite decimal number token (`1e400`, which would be Infinity, is refused). */
export function parseNumber(op: string, file: string, line: number, token: string | undefined, what: string): number {
  if (token === undefined || !FLOAT.test(token))
    throw new DataFormatError(op, `${file} line ${line}: expected ${what} (a decimal number), got '${clip(token)}'`);
  const v = Number(token);
  if (!Number.isFinite(v)) throw new DataFormatError(op, `${file} line ${line}: ${what} '${clip(token)}' is beyond the float64 range`);
  return v;
}

/** @internal A count from meta.json: a safe integer in [0, max]. */
export function metaCount(op: string, meta: Record<string, unknown>, key: string, max: number): number {
  const v = meta[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max)
    throw new DataFormatError(op, `meta.json: '${key}' expected an integer in [0, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function clip(token: string | undefined): string {
  if (token === undefined) return '<missing>';
  return token.length > 40 ? `${token.slice(0, 40)}...` : token;
}

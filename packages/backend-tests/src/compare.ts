/**
 * The comparator. Unlike tfjs's, it never treats two non-finite values as equal: NaN must
 * meet NaN, +∞ must meet +∞ and −∞ must meet −∞; a finite reference value needs a finite
 * value within `atol + rtol·|e|`. A failure names the count of mismatches, the largest
 * absolute and relative difference and where they are.
 */
import type { Tolerance } from './tolerances.js';

/** What `compareArrays` found. */
export interface Comparison {
  ok: boolean;
  total: number;
  mismatches: number;
  /** Largest |a − e| over finite pairs (Infinity when a non-finite value was wrong). */
  maxAbs: number;
  maxAbsIndex: number;
  maxRel: number;
  maxRelIndex: number;
  /** Up to five mismatching positions. */
  first: number[];
  /** A readable account ('' when ok). */
  message: string;
}

/** Flat index → `[i, j, k]` for a shape (just `[i]` without one). */
export function unravel(index: number, shape?: readonly number[]): number[] {
  if (!shape || shape.length === 0) return [index];
  const out = new Array<number>(shape.length);
  let r = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = shape[d] === 0 ? 0 : r % shape[d];
    r = shape[d] === 0 ? 0 : Math.floor(r / shape[d]);
  }
  return out;
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function rmsOfFinite(e: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < e.length; i++) {
    if (Number.isFinite(e[i])) {
      s += e[i] * e[i];
      n++;
    }
  }
  return n === 0 ? 0 : Math.sqrt(s / n);
}

/**
 * Compares `actual` against the reference `expected`, elementwise, with `tolerance`.
 * @example
 * ```ts
 * compareArrays([1, NaN, Infinity], [1, NaN, Infinity], { rtol: 1e-5, atol: 1e-6 }).ok; // true
 * compareArrays([NaN], [Infinity], { rtol: 1e-5, atol: 1e-6 }).ok; // false
 * ```
 */
export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
  shape?: readonly number[],
): Comparison {
  const { rtol, atol } = tolerance;
  const floor = tolerance.normwise ? rmsOfFinite(expected) : 0;
  const result: Comparison = {
    ok: true,
    total: expected.length,
    mismatches: 0,
    maxAbs: 0,
    maxAbsIndex: -1,
    maxRel: 0,
    maxRelIndex: -1,
    first: [],
    message: '',
  };
  if (actual.length !== expected.length) {
    result.ok = false;
    result.mismatches = Math.max(actual.length, expected.length);
    result.message = `length differs: got ${actual.length} values, expected ${expected.length}`;
    return result;
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    let bad: boolean;
    let abs: number;
    let rel: number;
    if (Number.isNaN(e)) {
      bad = !Number.isNaN(a);
      abs = rel = bad ? Infinity : 0;
    } else if (!Number.isFinite(e)) {
      bad = a !== e;
      abs = rel = bad ? Infinity : 0;
    } else if (!Number.isFinite(a)) {
      bad = true;
      abs = rel = Infinity;
    } else {
      abs = Math.abs(a - e);
      rel = e === 0 ? (abs === 0 ? 0 : Infinity) : abs / Math.abs(e);
      bad = abs > atol + rtol * Math.max(Math.abs(e), floor);
      if (!bad && tolerance.signedZeros && a === 0 && e === 0 && Object.is(a, -0) !== Object.is(e, -0)) {
        bad = true;
        abs = rel = 0;
      }
    }
    if (bad) {
      result.mismatches++;
      if (result.first.length < 5) result.first.push(i);
    }
    if (abs > result.maxAbs || (bad && result.maxAbsIndex < 0)) {
      result.maxAbs = abs;
      result.maxAbsIndex = i;
    }
    if (rel > result.maxRel || (bad && result.maxRelIndex < 0)) {
      result.maxRel = rel;
      result.maxRelIndex = i;
    }
  }
  if (result.mismatches > 0) {
    result.ok = false;
    const at = (i: number) =>
      `index ${i}${shape && shape.length > 1 ? ` [${unravel(i, shape).join(', ')}]` : ''} (got ${fmt(actual[i])}, expected ${fmt(expected[i])})`;
    const tol = `rtol ${rtol}, atol ${atol}${tolerance.normwise ? `, normwise floor ${floor.toPrecision(4)}` : ''}${tolerance.signedZeros ? ', signed zeros' : ''}`;
    result.message =
      `${result.mismatches} of ${result.total} values differ (${tol}); ` +
      `largest abs diff ${result.maxAbs.toPrecision(4)} at ${at(result.maxAbsIndex)}; ` +
      `largest rel diff ${result.maxRel.toPrecision(4)} at ${at(result.maxRelIndex)}; ` +
      `first mismatches: ${result.first.map(at).join('; ')}`;
  }
  return result;
}

/** Whether two arrays hold the same bits (NaN payloads and zero signs included). */
export function bitIdentical(a: ArrayLike<number>, b: ArrayLike<number>): { ok: boolean; index: number } {
  if (a.length !== b.length) return { ok: false, index: -1 };
  const viewA = ArrayBuffer.isView(a)
    ? new Uint8Array((a as Float32Array).buffer, (a as Float32Array).byteOffset, (a as Float32Array).byteLength)
    : null;
  const viewB = ArrayBuffer.isView(b)
    ? new Uint8Array((b as Float32Array).buffer, (b as Float32Array).byteOffset, (b as Float32Array).byteLength)
    : null;
  if (viewA && viewB && viewA.length === viewB.length) {
    const width = viewA.length / Math.max(a.length, 1);
    for (let i = 0; i < viewA.length; i++) if (viewA[i] !== viewB[i]) return { ok: false, index: Math.floor(i / width) };
    return { ok: true, index: -1 };
  }
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return { ok: false, index: i };
  return { ok: true, index: -1 };
}

/**
 * Seeded input generators for conformance cases. Every case draws from its own generator,
 * seeded by a hash of the case id, so a case's inputs never depend on which cases ran first.
 */
import { Rng } from '@lec/tensor';

/** Makes `n` values from a generator. */
export type Generator = (rng: Rng, n: number) => ArrayLike<number>;

/** One input of a case: its shape, how its values are drawn, and whether it is int32. */
export interface InputSpec {
  shape: readonly number[];
  gen: Generator;
  /** int32 input (indices, labels, masks); otherwise the float dtype under test. */
  int?: boolean;
}

/** FNV-1a of a string: the per-case seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The special values of TESTING.md: NaN, ±Inf, ±0, denormals (in float32), ±1e38 and plain ones. */
export const SPECIAL_VALUES: readonly number[] = [NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e-40, 1e38, -1e38, 1, -1, 0.5, -2.5, 3];

function fill(n: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}

/** Uniform in [lo, hi). */
export function uniformIn(lo = -1, hi = 1): Generator {
  return (rng, n) => fill(n, () => lo + (hi - lo) * rng.uniform(1)[0]);
}

/** Normal with the given standard deviation. */
export function normalIn(std = 1): Generator {
  return (rng, n) => {
    const z = rng.normal(n);
    for (let i = 0; i < n; i++) z[i] *= std;
    return z;
  };
}

/** Uniform magnitude in [margin, hi) with a random sign: keeps away from the kink at 0. */
export function awayFromZero(margin = 0.1, hi = 2): Generator {
  return (rng, n) => fill(n, () => (rng.uniform(1)[0] < 0.5 ? -1 : 1) * (margin + (hi - margin) * rng.uniform(1)[0]));
}

/**
 * Uniform in [lo, hi) but at least `margin` from every multiple of `period` shifted by
 * `offset` (the jumps of floor/ceil at integers, of round at halves).
 */
export function awayFromGrid(lo: number, hi: number, period = 1, offset = 0, margin = 0.1): Generator {
  return (rng, n) =>
    fill(n, () => {
      for (;;) {
        const v = lo + (hi - lo) * rng.uniform(1)[0];
        const r = (((v - offset) % period) + period) % period;
        if (r > margin && r < period - margin) return v;
      }
    });
}

/** Integers in [lo, hi] (as numbers; ties for comparisons, or int32 indices). */
export function intsIn(lo: number, hi: number): Generator {
  return (rng, n) => fill(n, () => lo + rng.int(hi - lo + 1));
}

/** The given values, repeated to fill the input. */
export function cycle(values: readonly number[]): Generator {
  return (_rng, n) => fill(n, (i) => values[i % values.length]);
}

/** Every value of `values` paired with every other: the first operand of a cross product. */
export function crossFirst(values: readonly number[]): Generator {
  return (_rng, n) => fill(n, (i) => values[Math.floor(i / values.length) % values.length]);
}

/** n distinct values `step` apart in random order around 0 (no ties for max and pooling). */
export function distinct(step = 0.1): Generator {
  return (rng, n) => {
    const p = rng.permutation(n);
    return fill(n, (i) => (p[i] - (n - 1) / 2) * step);
  };
}

/** start, start + step, ... */
export function sequence(start = 0, step = 1): Generator {
  return (_rng, n) => fill(n, (i) => start + i * step);
}

/** A float input of `shape` drawn by `gen` (default uniform in [-1, 1)). */
export function f(shape: readonly number[], gen: Generator = uniformIn()): InputSpec {
  return { shape, gen };
}

/** An int32 input of `shape` drawn by `gen`. */
export function i32(shape: readonly number[], gen: Generator): InputSpec {
  return { shape, gen, int: true };
}

/**
 * The values of every input of a case, drawn from the case's seed. Floats are rounded to
 * float32 when the run is float32 so the backend and the reference see the same numbers.
 */
export function drawInputs(specs: readonly InputSpec[], seed: number, round: boolean): Float64Array[] {
  const rng = new Rng(seed);
  return specs.map((s) => {
    const n = s.shape.reduce((p, d) => p * d, 1);
    const raw = Float64Array.from(s.gen(rng, n));
    if (s.int) for (let i = 0; i < n; i++) raw[i] = Math.trunc(raw[i]);
    else if (round) for (let i = 0; i < n; i++) raw[i] = Math.fround(raw[i]);
    return raw;
  });
}

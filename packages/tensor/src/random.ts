/**
 * A counter-based random generator (Philox4x32-10, Salmon et al. 2011): output block i is a
 * pure function of (key, i), so streams are reproducible, can be skipped ahead and forked.
 * Library code never calls Math.random: everything random takes a seed or an `Rng`.
 */
import { ValueError } from './errors.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 (exact, via 16-bit halves). */
function mulhi(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** One Philox4x32-10 block for counter (c0..c3) and key (k0, k1), written into `out`. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

function checkSeed(op: string, seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ValueError(op, `argument 'seed' expected a non-negative safe integer, got ${seed}`);
  }
}

/** The position of an `Rng` stream (plain JSON): see `Rng.state()`. */
export interface RngState {
  seed: number;
  /** Blocks of four uint32 generated so far. */
  counter: number;
  /** Numbers of the current block already used (4: none left). */
  used: number;
}

/**
 * A seeded stream of random numbers. The same seed gives the same numbers everywhere.
 * @example
 * ```ts
 * const a = new Rng(42).uniform(3);
 * const b = new Rng(42).uniform(3);
 * a[0] === b[0]; // true
 * ```
 */
export class Rng {
  #seed: number;
  #k0: number;
  #k1: number;
  /** Index of the next 128-bit block. */
  #counter = 0;
  #block = new Uint32Array(4);
  #used = 4;

  constructor(seed: number) {
    checkSeed('Rng', seed);
    this.#seed = seed;
    this.#k0 = seed >>> 0;
    this.#k1 = Math.floor(seed / 0x100000000) >>> 0;
  }

  /** The seed the stream started from. */
  get seed(): number {
    return this.#seed;
  }

  /**
   * Where the stream is: restore it with `setState` to continue with exactly the same numbers
   * (what resuming training from a checkpoint needs).
   * @example
   * ```ts
   * const rng = new Rng(3);
   * rng.uniform(5);
   * const saved = rng.state();
   * const next = rng.uniform(2);
   * const other = new Rng(0);
   * other.setState(saved);
   * other.uniform(2)[1] === next[1]; // true
   * ```
   */
  state(): RngState {
    return { seed: this.seed, counter: this.#counter, used: this.#used };
  }

  /**
   * Moves this generator to a state from `state()` (of any generator): the seed, the block
   * counter and the position in the current block.
   * @example
   * ```ts
   * const rng = new Rng(1);
   * rng.setState({ seed: 7, counter: 0, used: 4 });
   * rng.nextUint32() === new Rng(7).nextUint32(); // true
   * ```
   */
  setState(state: RngState): void {
    const { seed, counter, used } = state ?? ({} as RngState);
    checkSeed('Rng.setState', seed);
    if (!Number.isSafeInteger(counter) || counter < 0)
      throw new ValueError('Rng.setState', `argument 'state.counter' expected a non-negative safe integer, got ${counter}`);
    if (!Number.isInteger(used) || used < 0 || used > 4 || (counter === 0 && used !== 4))
      throw new ValueError('Rng.setState', `argument 'state.used' expected an integer in [0, 4] (4 before the first block), got ${used}`);
    this.#seed = seed;
    this.#k0 = seed >>> 0;
    this.#k1 = Math.floor(seed / 0x100000000) >>> 0;
    this.#counter = counter;
    this.#used = used;
    if (used < 4) {
      const c = counter - 1;
      philox4x32(c >>> 0, Math.floor(c / 0x100000000) >>> 0, 0, 0, this.#k0, this.#k1, this.#block);
    }
  }

  /** The next uniformly distributed uint32. */
  nextUint32(): number {
    if (this.#used === 4) {
      const c = this.#counter++;
      philox4x32(c >>> 0, Math.floor(c / 0x100000000) >>> 0, 0, 0, this.#k0, this.#k1, this.#block);
      this.#used = 0;
    }
    return this.#block[this.#used++];
  }

  /**
   * `n` uniform numbers in [0, 1). `bits` 24 gives values exact in float32 (never rounding
   * up to 1); 53 gives full double precision.
   * @example
   * ```ts
   * new Rng(1).uniform(2).every((v) => v >= 0 && v < 1); // true
   * ```
   */
  uniform(n: number, bits: 24 | 53 = 53): Float64Array {
    const out = new Float64Array(n);
    if (bits === 24) for (let i = 0; i < n; i++) out[i] = (this.nextUint32() >>> 8) * 2 ** -24;
    else for (let i = 0; i < n; i++) out[i] = ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) * 2 ** -53;
    return out;
  }

  /**
   * `n` standard normal numbers (Box–Muller).
   * @example
   * ```ts
   * new Rng(3).normal(4).length; // 4
   * ```
   */
  normal(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 2) {
      // u1 in (0, 1] so the log is finite
      const u1 = 1 - ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) * 2 ** -53;
      const u2 = ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) * 2 ** -53;
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }

  /**
   * A uniform integer in [0, max) without modulo bias.
   * @example
   * ```ts
   * new Rng(5).int(6) < 6; // true
   * ```
   */
  int(max: number): number {
    if (!Number.isSafeInteger(max) || max <= 0 || max > 0x100000000) {
      throw new ValueError('Rng.int', `argument 'max' expected an integer in [1, 2^32], got ${max}`);
    }
    const limit = 0x100000000 - (0x100000000 % max);
    for (;;) {
      const v = this.nextUint32();
      if (v < limit) return v % max;
    }
  }

  /**
   * A random permutation of 0..n-1 (Fisher–Yates).
   * @example
   * ```ts
   * [...new Rng(0).permutation(4)].sort(); // [0, 1, 2, 3]
   * ```
   */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * An independent generator whose seed is drawn from this one.
   * @example
   * ```ts
   * const child = new Rng(7).fork();
   * child.seed >= 0; // true
   * ```
   */
  fork(): Rng {
    return new Rng(this.nextUint32() * 0x200000 + (this.nextUint32() >>> 11));
  }
}

let globalRng = new Rng(0);

/**
 * Re-seeds the global generator used when no `seed`/`rng` is given.
 * @example
 * ```ts
 * setSeed(123);
 * const a = rand([2]).dataSync()[0];
 * setSeed(123);
 * rand([2]).dataSync()[0] === a; // true
 * ```
 */
export function setSeed(seed: number): void {
  checkSeed('setSeed', seed);
  globalRng = new Rng(seed);
}

/** @internal The generator for `{seed}`, `{rng}` or the global one. */
export function resolveRng(options: { seed?: number; rng?: Rng } | undefined): Rng {
  if (options?.rng) return options.rng;
  if (options?.seed !== undefined) return new Rng(options.seed);
  return globalRng;
}

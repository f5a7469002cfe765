/**
 * Dropout for the GCN's layers, with masks drawn from as few random bits as the rate needs.
 *
 * A dropout decision for rate r = t / 2^b (t an integer) is exactly "a uniform b-bit integer
 * is below t", so a rate of 0.5 needs 1 bit, 0.25 two bits, 0.125 three (rounded up to 4):
 * one Philox uint32 gives 32 / b decisions instead of one. Other rates use all 32 bits (the
 * drop probability is then round(r·2^32) / 2^32, within 2^−33 of r). The decisions are
 * exact Bernoulli(r) draws; only the number of generator calls changes, which matters on
 * Cora, where the two dropouts of an epoch need about 92,000 decisions and drawing each
 * from its own uint32 cost more than the layer arithmetic.
 */
import { type Rng, type Tensor, ValueError, mul, tensor } from '@lec/tensor';

/** Checks a dropout rate: a probability in [0, 1). */
export function checkRate(op: string, rate: number): void {
  if (!(rate >= 0 && rate < 1)) throw new ValueError(op, `argument 'rate' expected a probability in [0, 1), got ${rate}`);
}

/**
 * `n` dropout decisions (1 = dropped, with probability `rate`; 0 = kept), seeded by `rng`.
 * @example
 * ```ts
 * const d = dropDecisions(10_000, 0.5, new Rng(1));
 * Math.abs(d.reduce((s, v) => s + v, 0) / 10_000 - 0.5) < 0.03; // true
 * ```
 */
export function dropDecisions(n: number, rate: number, rng: Rng): Uint8Array {
  checkRate('dropDecisions', rate);
  const out = new Uint8Array(n);
  fillDecisions(out, rate, rng);
  return out;
}

/** Bits per decision for `rate`: the smallest b in 1, 2, 4, 8, 16 with rate·2^b an integer, else 32. */
function decisionBits(rate: number): number {
  for (const b of [1, 2, 4, 8, 16]) if (Number.isInteger(rate * 2 ** b)) return b;
  return 32;
}

/** @internal Fills `out` with dropout decisions (see `dropDecisions`); returns how many are 1. */
export function fillDecisions(out: Uint8Array, rate: number, rng: Rng): number {
  return fillDropout(out, rate, rng, 1, 0);
}

/**
 * @internal Fills `out` with an inverted-dropout mask: 0 where `fillDecisions` (same rate,
 * same generator state) would put a 1, `keep` elsewhere; one pass, no decision array.
 */
export function fillMask(out: Float32Array | Float64Array, rate: number, keep: number, rng: Rng): void {
  fillDropout(out, rate, rng, 0, keep);
}

/**
 * Draws the decisions of `dropDecisions` into `out`: `dropped` where an entry is dropped,
 * `kept` elsewhere, in one pass (branch-free: the decisions are random). Returns how many
 * were dropped.
 */
function fillDropout(out: Uint8Array | Float32Array | Float64Array, rate: number, rng: Rng, dropped: number, kept: number): number {
  const n = out.length;
  if (rate === 0) {
    out.fill(kept);
    return 0;
  }
  const step = dropped - kept;
  let count = 0;
  const bits = decisionBits(rate);
  if (bits === 32) {
    const threshold = Math.round(rate * 2 ** 32);
    for (let i = 0; i < n; i++) {
      const d = rng.nextUint32() < threshold ? 1 : 0;
      out[i] = kept + step * d;
      count += d;
    }
    return count;
  }
  // b bits per decision, 32 / b per uint32: dropped when the b-bit integer is below rate·2^b
  // (rate 0.5 drops on a 1 bit, an equally likely event; kept so seeded masks do not change)
  const threshold = (rate * 2 ** bits) | 0;
  const mask = ((1 << bits) - 1) | 0;
  const perWord = (32 / bits) | 0;
  for (let i = 0; i < n; i += perWord) {
    let w = rng.nextUint32() | 0;
    const end = Math.min(i + perWord, n);
    for (let j = i; j < end; j++) {
      const d = bits === 1 ? w & 1 : (w & mask) < threshold ? 1 : 0;
      out[j] = kept + step * d;
      count += d;
      w >>>= bits;
    }
  }
  return count;
}

/**
 * A scratch array of at least `size` for the mask values, reused while the garbage collector
 * leaves it alone (the values are copied into the mask tensor, so one scratch serves every
 * call): a fresh array of n·features floats per layer and epoch cost page faults and
 * collections on large graphs.
 */
const scratch: { float32: WeakRef<Float32Array> | null; float64: WeakRef<Float64Array> | null } = { float32: null, float64: null };
function maskScratch(dtype: 'float32' | 'float64', size: number): Float32Array | Float64Array {
  const held = scratch[dtype]?.deref();
  if (held !== undefined && held.length >= size) return held.subarray(0, size);
  if (dtype === 'float64') {
    const fresh = new Float64Array(size);
    scratch.float64 = new WeakRef(fresh);
    return fresh;
  }
  const fresh = new Float32Array(size);
  scratch.float32 = new WeakRef(fresh);
  return fresh;
}

/**
 * Inverted dropout on a dense tensor: each entry is zeroed with probability `rate` and the
 * rest are scaled by 1/(1 − rate); differentiable in x (the gradient is dy times the same
 * mask). `rate` 0 returns x.
 * @example
 * ```ts
 * maskedDropout(ones([4, 4]), 0.5, new Rng(0)).dataSync().every((v) => v === 0 || v === 2); // true
 * ```
 */
export function maskedDropout(x: Tensor, rate: number, rng: Rng): Tensor {
  checkRate('maskedDropout', rate);
  if (rate === 0) return x;
  const values = maskScratch(x.dtype === 'float64' ? 'float64' : 'float32', x.size);
  fillMask(values, rate, 1 / (1 - rate), rng);
  return mul(x, tensor(values, x.shape, { dtype: x.dtype, backend: x.backend }));
}

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
  const n = out.length;
  if (rate === 0 || n === 0) return 0;
  const bits = decisionBits(rate);
  let dropped = 0;
  if (bits === 32) {
    const threshold = Math.round(rate * 2 ** 32);
    for (let i = 0; i < n; i++) {
      const d = rng.nextUint32() < threshold ? 1 : 0;
      out[i] = d;
      dropped += d;
    }
    return dropped;
  }
  if (bits === 1) {
    // rate 0.5: a decision per bit
    for (let i = 0; i < n; i += 32) {
      let w = rng.nextUint32() | 0;
      const end = Math.min(i + 32, n);
      for (let j = i; j < end; j++) {
        const d = w & 1;
        out[j] = d;
        dropped += d;
        w >>>= 1;
      }
    }
    return dropped;
  }
  const threshold = (rate * 2 ** bits) | 0;
  const mask = ((1 << bits) - 1) | 0;
  const perWord = (32 / bits) | 0;
  for (let i = 0; i < n; i += perWord) {
    let w = rng.nextUint32() | 0;
    const end = Math.min(i + perWord, n);
    for (let j = i; j < end; j++) {
      const d = (w & mask) < threshold ? 1 : 0;
      out[j] = d;
      dropped += d;
      w >>>= bits;
    }
  }
  return dropped;
}

/**
 * @internal Fills `out` with an inverted-dropout mask: 0 where `fillDecisions` (same rate,
 * same generator state) would put a 1, `keep` elsewhere; one pass, no decision array.
 */
export function fillMask(out: Float32Array | Float64Array, rate: number, keep: number, rng: Rng): void {
  const n = out.length;
  if (rate === 0) {
    out.fill(keep);
    return;
  }
  const bits = decisionBits(rate);
  if (bits === 32) {
    const threshold = Math.round(rate * 2 ** 32);
    for (let i = 0; i < n; i++) out[i] = rng.nextUint32() < threshold ? 0 : keep;
    return;
  }
  if (bits === 1) {
    // rate 0.5: a decision per bit; branch-free (the decisions are random)
    for (let i = 0; i < n; i += 32) {
      let w = rng.nextUint32() | 0;
      const end = Math.min(i + 32, n);
      for (let j = i; j < end; j++) {
        out[j] = keep * (1 - (w & 1));
        w >>>= 1;
      }
    }
    return;
  }
  const threshold = (rate * 2 ** bits) | 0;
  const mask = ((1 << bits) - 1) | 0;
  const perWord = (32 / bits) | 0;
  for (let i = 0; i < n; i += perWord) {
    let w = rng.nextUint32() | 0;
    const end = Math.min(i + perWord, n);
    for (let j = i; j < end; j++) {
      out[j] = (w & mask) < threshold ? 0 : keep;
      w >>>= bits;
    }
  }
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

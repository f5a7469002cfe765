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

/** @internal Fills `out` with dropout decisions (see `dropDecisions`); returns how many are 1. */
export function fillDecisions(out: Uint8Array, rate: number, rng: Rng): number {
  const n = out.length;
  if (rate === 0 || n === 0) return 0;
  // bits per decision: the smallest b in 1, 2, 4, 8, 16 with rate·2^b an integer, else 32
  let bits = 32;
  for (const b of [1, 2, 4, 8, 16]) {
    if (Number.isInteger(rate * 2 ** b)) {
      bits = b;
      break;
    }
  }
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
  const drop = dropDecisions(x.size, rate, rng);
  const scale = 1 / (1 - rate);
  const values = x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size);
  for (let i = 0; i < values.length; i++) values[i] = (1 - drop[i]) * scale; // branch-free: drops are random
  return mul(x, tensor(values, x.shape, { dtype: x.dtype, backend: x.backend }));
}

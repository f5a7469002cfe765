/**
 * Corruption models for denoising autoencoders, all seeded (same seed, same noise):
 *
 *   gaussian       x̃ = x + σ·ε, ε ~ N(0, 1)            (optionally clipped to [0, 1])
 *   masking        x̃ = x · m,   m ~ Bernoulli(1 − rate)  (a fraction `rate` of entries zeroed)
 *   saltAndPepper  with probability `rate` an entry becomes 0 or 1 (equally likely), else stays
 */
import { Rng, type Tensor, ValueError, add, bernoulli, clip, less, mul, rand, randn, where } from '@lec/tensor';

/** A corruption model and its strength. */
export type Corruption =
  | { kind: 'gaussian'; std: number /** Clip the result to [0, 1] (default false). */; clip?: boolean }
  | { kind: 'masking'; rate: number }
  | { kind: 'saltAndPepper'; rate: number };

/** Where corruption noise comes from: a seed (a fresh generator) or a generator to advance. */
export interface NoiseOptions {
  seed?: number;
  rng?: Rng;
}

/** @internal Validates a corruption spec. */
export function checkCorruption(op: string, c: Corruption): void {
  if (!c || typeof c !== 'object') throw new ValueError(op, `argument 'corruption' expected { kind, ... }, got ${String(c)}`);
  if (c.kind === 'gaussian') {
    if (!(c.std >= 0 && Number.isFinite(c.std))) throw new ValueError(op, `gaussian corruption expected 'std' >= 0, got ${c.std}`);
  } else if (c.kind === 'masking' || c.kind === 'saltAndPepper') {
    if (!(c.rate >= 0 && c.rate <= 1)) throw new ValueError(op, `${c.kind} corruption expected 'rate' in [0, 1], got ${c.rate}`);
  } else {
    throw new ValueError(
      op,
      `argument 'corruption' expected kind 'gaussian', 'masking' or 'saltAndPepper', got '${String((c as { kind?: unknown }).kind)}'`,
    );
  }
}

/**
 * A corrupted copy of `x` (any shape, float) under `corruption`, on x's backend and dtype.
 * @example
 * ```ts
 * const x = full([2, 3], 0.5);
 * corrupt(x, { kind: 'masking', rate: 1 }, { seed: 0 }).toArray(); // [[0, 0, 0], [0, 0, 0]]
 * corrupt(x, { kind: 'gaussian', std: 0.1 }, { seed: 1 }).shape; // [2, 3]
 * corrupt(x, { kind: 'saltAndPepper', rate: 0 }, { seed: 2 }).toArray(); // [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]
 * ```
 */
export function corrupt(x: Tensor, corruption: Corruption, options: NoiseOptions = {}): Tensor {
  const op = 'corrupt';
  checkCorruption(op, corruption);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const where_ = { rng, dtype: x.dtype, backend: x.backend };
  switch (corruption.kind) {
    case 'gaussian': {
      const noisy = add(x, randn(x.shape, { ...where_, std: corruption.std }));
      return corruption.clip ? clip(noisy, 0, 1) : noisy;
    }
    case 'masking':
      return mul(x, bernoulli(x.shape, 1 - corruption.rate, where_));
    case 'saltAndPepper': {
      const u = rand(x.shape, where_);
      const r = corruption.rate;
      return where(less(u, r / 2), 0, where(less(u, r), 1, x));
    }
  }
}

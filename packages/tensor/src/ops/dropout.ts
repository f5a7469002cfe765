import { bernoulli } from '../creation.js';
import { ValueError } from '../errors.js';
import type { Rng } from '../random.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { type TensorLike, asTensor, checkFloat } from './op-utils.js';

/** Options of `dropout`. */
export interface DropoutOptions {
  /** When false (evaluation), x is returned unchanged. Default true. */
  training?: boolean;
  seed?: number;
  rng?: Rng;
}

/**
 * dropout(x, rate, {training, seed | rng}): zeroes each entry with probability `rate` and
 * scales the rest by 1/(1 − rate) (inverted dropout: the expectation is unchanged). The
 * mask comes from the seeded generator, so a seed gives the same mask every time.
 * @example
 * ```ts
 * dropout(ones([4]), 0.5, { seed: 1 }).dataSync().every((v) => v === 0 || v === 2); // true
 * dropout(ones([2]), 0.5, { training: false }).toArray(); // [1, 1]
 * ```
 */
export function dropout(x: TensorLike, rate: number, options: DropoutOptions = {}): Tensor {
  const t = asTensor('dropout', 'x', x);
  checkFloat('dropout', 'x', t);
  if (!(rate >= 0 && rate < 1)) throw new ValueError('dropout', `argument 'rate' expected a probability in [0, 1), got ${rate}`);
  if (options.training === false || rate === 0) return t;
  const keepMask = bernoulli(t.shape, 1 - rate, { dtype: t.dtype, backend: t.backend, seed: options.seed, rng: options.rng });
  return mul(t, mul(keepMask, 1 / (1 - rate)));
}

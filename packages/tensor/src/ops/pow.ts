import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { greater } from './greater.js';
import { log } from './log.js';
import { mul } from './mul.js';
import { type TensorLike, asPair, binaryPrimitive } from './op-utils.js';
import { sub } from './sub.js';
import { sumToShape } from './sum-to-shape.js';
import { where } from './where.js';
import { zerosLike } from '../creation.js';

/**
 * pow(a, b): a^b elementwise with numpy broadcasting. d/da = b·a^(b−1); d/db = a^b·ln a
 * (taken as 0 where a <= 0, where ln a is undefined).
 * @example
 * ```ts
 * pow(tensor([2, 3]), 2).toArray(); // [4, 9]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = asPair('pow', a, b);
  const out = binaryPrimitive('pow', 'pow', x, y);
  record('pow', [x, y], out, (dy) => {
    const dx = mul(dy, mul(y, pow(x, sub(y, 1))));
    const positive = greater(x, 0);
    // where() keeps the log of non-positive bases out of the product (0·NaN would be NaN)
    const safeLog = where(positive, log(where(positive, x, 1)), zerosLike(x));
    const dyb = mul(dy, mul(out, safeLog));
    return [sumToShape(dx, x.shape), sumToShape(dyb, y.shape)];
  });
  return out;
}

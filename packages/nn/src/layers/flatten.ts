/**
 * Flatten: [n, d1, d2, …] → [n, d1·d2·…] (row-major, so an NHWC image becomes its pixels in
 * h, w, c order). A rank-1 input becomes [n, 1].
 */
import { type Tensor, ShapeError, reshape } from '@lec/tensor';
import type { JsonObject } from '../json.js';
import { Module } from '../module.js';
import type { LayerFactory } from '../registry.js';

/**
 * Keeps the batch axis and flattens the rest.
 * @example
 * ```ts
 * new Flatten().forward(zeros([2, 28, 28, 1])).shape; // [2, 784]
 * ```
 */
export class Flatten extends Module {
  readonly type = 'Flatten';
  forward(x: Tensor): Tensor {
    if (x.rank < 1) throw new ShapeError('Flatten.forward', `argument 'x' expected rank >= 1 ([batch, ...]), got a scalar`);
    return reshape(x, [x.shape[0], x.shape[0] === 0 ? 0 : x.size / x.shape[0]]);
  }
  override config(): JsonObject {
    return {};
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = () => new Flatten();
}

/**
 * Pooling layers over NHWC images: MaxPool2d and AvgPool2d ([N, H, W, C] → [N, Ho, Wo, C],
 * per channel), and the global poolings GlobalAvgPool and GlobalMaxPool ([N, H, W, C] → [N, C],
 * or over the steps of a sequence [N, L, C] → [N, C], as after Conv1d). No parameters.
 */
import { type JsonObject, type LayerFactory, Module, type ReceptiveWindow } from '@lec/nn';
import { type Padding, ShapeError, type Tensor, avgPool2d, max, maxPool2d, mean } from '@lec/tensor';
import { fixedPair, paddingFromJson, paddingToJson } from './conv2d.js';
import { pairOf } from './options.js';

/** Options of the pooling layers. */
export interface PoolLayerOptions {
  /** Default: the window (non-overlapping). */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding;
}

abstract class Pool2d extends Module {
  readonly windowSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(windowSize: number | readonly [number, number], options: PoolLayerOptions = {}) {
    super();
    this.windowSize = pairOf(this.constructor.name, 'windowSize', windowSize);
    this.strides = pairOf(this.constructor.name, 'strides', options.strides ?? this.windowSize);
    this.padding = options.padding ?? 'valid';
  }

  protected check(x: Tensor): void {
    if (x.rank !== 4)
      throw new ShapeError(
        `${this.type}.forward`,
        `argument 'x' expected NHWC [batch, height, width, channels], got [${x.shape.join(', ')}]`,
      );
  }

  /**
   * The sliding window, for `summary` and `receptiveField(model)`.
   * @example
   * ```ts
   * new MaxPool2d(2).receptiveWindow(); // { kernel: [2, 2], stride: [2, 2] }
   * ```
   */
  receptiveWindow(): ReceptiveWindow {
    return { kernel: [...this.windowSize], stride: [...this.strides] };
  }

  override config(): JsonObject {
    return { windowSize: [...this.windowSize], strides: [...this.strides], padding: paddingToJson(this.padding) };
  }
}

/**
 * The maximum of each window, per channel.
 * @example
 * ```ts
 * new MaxPool2d(2).forward(zeros([1, 28, 28, 6])).shape; // [1, 14, 14, 6]
 * ```
 */
export class MaxPool2d extends Pool2d {
  readonly type = 'MaxPool2d';
  forward(x: Tensor): Tensor {
    this.check(x);
    return maxPool2d(x, this.windowSize, { strides: this.strides, padding: this.padding });
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c) =>
    new MaxPool2d(fixedPair(c.intList('windowSize', { min: 1, maxLength: 2 }), 'windowSize'), {
      strides: fixedPair(c.intList('strides', { min: 1, maxLength: 2 }), 'strides'),
      padding: paddingFromJson(c.config.padding),
    });
}

/**
 * The mean of each window, per channel (padding excluded from the count).
 * @example
 * ```ts
 * new AvgPool2d(2).forward(ones([1, 4, 4, 1])).toArray(); // [[[[1], [1]], [[1], [1]]]]
 * ```
 */
export class AvgPool2d extends Pool2d {
  readonly type = 'AvgPool2d';
  forward(x: Tensor): Tensor {
    this.check(x);
    return avgPool2d(x, this.windowSize, { strides: this.strides, padding: this.padding });
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c) =>
    new AvgPool2d(fixedPair(c.intList('windowSize', { min: 1, maxLength: 2 }), 'windowSize'), {
      strides: fixedPair(c.intList('strides', { min: 1, maxLength: 2 }), 'strides'),
      padding: paddingFromJson(c.config.padding),
    });
}

/** The axes a global pooling reduces: height and width of [N, H, W, C], the steps of [N, L, C]. */
function globalAxes(op: string, x: Tensor): number[] {
  if (x.rank !== 4 && x.rank !== 3)
    throw new ShapeError(
      op,
      `argument 'x' expected NHWC [batch, height, width, channels] or [batch, steps, channels], got [${x.shape.join(', ')}]`,
    );
  return x.rank === 4 ? [1, 2] : [1];
}

/**
 * The mean over height and width: [N, H, W, C] → [N, C] (or over the steps: [N, L, C] → [N, C]).
 * @example
 * ```ts
 * new GlobalAvgPool().forward(ones([2, 7, 7, 16])).shape; // [2, 16]
 * new GlobalAvgPool().forward(ones([2, 30, 8])).shape; // [2, 8]
 * ```
 */
export class GlobalAvgPool extends Module {
  readonly type = 'GlobalAvgPool';
  forward(x: Tensor): Tensor {
    return mean(x, globalAxes('GlobalAvgPool.forward', x));
  }
  override config(): JsonObject {
    return {};
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = () => new GlobalAvgPool();
}

/**
 * The maximum over height and width: [N, H, W, C] → [N, C] (or over the steps: [N, L, C] →
 * [N, C]). The gradient goes to the entries that attain the maximum (shared on ties).
 * @example
 * ```ts
 * new GlobalMaxPool().forward(tensor([[[1, 5], [3, 2]]])).toArray(); // [[3, 5]]
 * ```
 */
export class GlobalMaxPool extends Module {
  readonly type = 'GlobalMaxPool';
  forward(x: Tensor): Tensor {
    return max(x, globalAxes('GlobalMaxPool.forward', x));
  }
  override config(): JsonObject {
    return {};
  }
  /** Registry factory. */
  static readonly fromConfig: LayerFactory = () => new GlobalMaxPool();
}

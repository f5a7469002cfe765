/**
 * Conv2d: y = conv2d(x, W) + b per group. Shapes: x NHWC [N, H, W, Cin] → y [N, Ho, Wo, Cout];
 * W [kh, kw, Cin / groups, Cout]; b [Cout]. With groups g the input channels are cut into g
 * groups, each convolved with its own Cout / g filters (g = Cin is a depthwise convolution).
 */
import { type Initializer, type JsonObject, type LayerFactory, Module, type ReceptiveWindow, heUniform, zerosInit } from '@lec/nn';
import { type Padding, ShapeError, type Tensor, ValueError, type Variable, add, concat, conv2d, slice } from '@lec/tensor';
import { type CnnLayerOptions, pairOf, rngOf } from './options.js';

/** Options of `Conv2d`. */
export interface Conv2dLayerOptions extends CnnLayerOptions {
  /** Default 1. */
  strides?: number | readonly [number, number];
  /** Default 1. */
  dilations?: number | readonly [number, number];
  /** 'same', 'valid' (default) or explicit. */
  padding?: Padding;
  /** Default true. */
  bias?: boolean;
  /** Default 1. Both channel counts must be divisible by it. */
  groups?: number;
  /** Default He uniform (suits ReLU). */
  weightInit?: Initializer;
}

/**
 * A 2-D convolution layer over NHWC images.
 * @example
 * ```ts
 * const conv = new Conv2d(1, 6, 5, { padding: 'same', seed: 0 });
 * conv.forward(zeros([2, 28, 28, 1])).shape; // [2, 28, 28, 6]
 * ```
 */
export class Conv2d extends Module {
  readonly type = 'Conv2d';
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly kernelSize: [number, number];
  readonly groups: number;
  readonly #conv: { strides: [number, number]; dilations: [number, number]; padding: Padding };

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dLayerOptions = {},
  ) {
    super();
    this.kernelSize = pairOf('Conv2d', 'kernelSize', kernelSize);
    this.groups = options.groups ?? 1;
    if (!Number.isSafeInteger(this.groups) || this.groups < 1 || inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ValueError(
        'Conv2d',
        `argument 'groups' (${options.groups}) must be a positive integer dividing inChannels (${inChannels}) and outChannels (${outChannels})`,
      );
    }
    this.#conv = {
      strides: pairOf('Conv2d', 'strides', options.strides ?? 1),
      dilations: pairOf('Conv2d', 'dilations', options.dilations ?? 1),
      padding: options.padding ?? 'valid',
    };
    const rng = rngOf(options);
    const dtype = options.dtype ?? 'float32';
    const shape = [...this.kernelSize, inChannels / this.groups, outChannels];
    this.weight = this.addParameter('weight', (options.weightInit ?? heUniform())(shape, { rng, dtype }));
    this.bias = options.bias === false ? null : this.addParameter('bias', zerosInit()([outChannels], { rng, dtype }));
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new ShapeError(
        'Conv2d.forward',
        `argument 'x' expected NHWC [batch, height, width, ${this.inChannels}], got [${x.shape.join(', ')}]`,
      );
    }
    // one op with the bias (fused into the convolution on backends with conv2dBias)
    if (this.groups === 1) return conv2d(x, this.weight.value, { ...this.#conv, bias: this.bias?.value });
    const cin = this.inChannels / this.groups;
    const cout = this.outChannels / this.groups;
    const [kh, kw] = this.kernelSize;
    const parts: Tensor[] = [];
    for (let g = 0; g < this.groups; g++) {
      const xg = slice(x, [0, 0, 0, g * cin], [-1, -1, -1, cin]);
      const wg = slice(this.weight.value, [0, 0, 0, g * cout], [kh, kw, cin, cout]);
      parts.push(conv2d(xg, wg, this.#conv));
    }
    const y = concat(parts, 3);
    return this.bias ? add(y, this.bias.value) : y;
  }

  /**
   * The sliding window, for `summary` and `receptiveField(model)`.
   * @example
   * ```ts
   * new Conv2d(1, 6, 5, { seed: 0 }).receptiveWindow(); // { kernel: [5, 5], stride: [1, 1], dilation: [1, 1] }
   * ```
   */
  receptiveWindow(): ReceptiveWindow {
    return { kernel: [...this.kernelSize], stride: [...this.#conv.strides], dilation: [...this.#conv.dilations] };
  }

  override config(): JsonObject {
    const c: JsonObject = {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: [...this.kernelSize],
      strides: [...this.#conv.strides],
      dilations: [...this.#conv.dilations],
      padding: paddingToJson(this.#conv.padding),
      bias: this.bias !== null,
      groups: this.groups,
    };
    if (this.weight.value.dtype !== 'float32') c.dtype = this.weight.value.dtype;
    return c;
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inChannels = c.int('inChannels', { min: 1 });
    const outChannels = c.int('outChannels', { min: 1 });
    const groups = c.int('groups', { min: 1, fallback: 1 });
    const [kh, kw] = fixedPair(c.intList('kernelSize', { min: 1, maxLength: 2 }), 'kernelSize');
    context.reserve([kh, kw, Math.max(1, Math.floor(inChannels / groups)), outChannels]);
    const bias = c.bool('bias', true);
    if (bias) context.reserve([outChannels]);
    return new Conv2d(inChannels, outChannels, [kh, kw], {
      strides: fixedPair(c.intList('strides', { min: 1, maxLength: 2 }), 'strides'),
      dilations: fixedPair(c.intList('dilations', { min: 1, maxLength: 2 }), 'dilations'),
      padding: paddingFromJson(c.config.padding),
      bias,
      groups,
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}

/** @internal */
export function fixedPair(list: number[], name: string): [number, number] {
  if (list.length !== 2) throw new ValueError('loadModel', `config field '${name}' expected 2 integers, got ${list.length}`);
  return [list[0], list[1]];
}

/** @internal Padding as JSON (a string, a number or [[t, b], [l, r]]). */
export function paddingToJson(p: Padding): JsonObject[string] {
  return typeof p === 'string' || typeof p === 'number'
    ? p
    : [
        [p[0][0], p[0][1]],
        [p[1][0], p[1][1]],
      ];
}

/** @internal Padding from JSON, validated. */
export function paddingFromJson(v: unknown): Padding {
  if (v === 'same' || v === 'valid') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  const ok = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((x) => Number.isSafeInteger(x) && x >= 0);
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
  throw new ValueError(
    'loadModel',
    `config field 'padding' expected 'same', 'valid', an integer or [[top, bottom], [left, right]], got ${JSON.stringify(v)}`,
  );
}

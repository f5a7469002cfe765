/**
 * Conv2dTranspose: the transposed ("fractionally strided") convolution that upsamples, the
 * adjoint of Conv2d in its input. x [N, h, w, Cin] → y [N, H, W, Cout] with H = h·stride for
 * 'same' padding and (h − 1)·stride + kh for 'valid'. W [kh, kw, Cout, Cin] (as TensorFlow); b [Cout].
 */
import { type Initializer, type JsonObject, type LayerFactory, Module, glorotUniform, zerosInit } from '@lec/nn';
import { type Padding, ShapeError, type Tensor, type Variable, add, conv2dTranspose } from '@lec/tensor';
import { fixedPair, paddingFromJson, paddingToJson } from './conv2d.js';
import { type CnnLayerOptions, pairOf, rngOf } from './options.js';

/** Options of `Conv2dTranspose`. */
export interface Conv2dTransposeLayerOptions extends CnnLayerOptions {
  strides?: number | readonly [number, number];
  /** 'same' or 'valid' (default). */
  padding?: 'same' | 'valid';
  bias?: boolean;
  weightInit?: Initializer;
}

/**
 * A transposed convolution layer (decoders, upsampling).
 * @example
 * ```ts
 * const up = new Conv2dTranspose(8, 4, 3, { strides: 2, padding: 'same', seed: 0 });
 * up.forward(zeros([1, 7, 7, 8])).shape; // [1, 14, 14, 4]
 * ```
 */
export class Conv2dTranspose extends Module {
  readonly type = 'Conv2dTranspose';
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dTransposeLayerOptions = {},
  ) {
    super();
    this.kernelSize = pairOf('Conv2dTranspose', 'kernelSize', kernelSize);
    this.strides = pairOf('Conv2dTranspose', 'strides', options.strides ?? 1);
    this.padding = options.padding ?? 'valid';
    const rng = rngOf(options);
    const dtype = options.dtype ?? 'float32';
    this.weight = this.addParameter(
      'weight',
      (options.weightInit ?? glorotUniform())([...this.kernelSize, outChannels, inChannels], { rng, dtype }),
    );
    this.bias = options.bias === false ? null : this.addParameter('bias', zerosInit()([outChannels], { rng, dtype }));
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new ShapeError(
        'Conv2dTranspose.forward',
        `argument 'x' expected NHWC [batch, height, width, ${this.inChannels}], got [${x.shape.join(', ')}]`,
      );
    }
    const y = conv2dTranspose(x, this.weight.value, { strides: this.strides, padding: this.padding as Padding });
    return this.bias ? add(y, this.bias.value) : y;
  }

  override config(): JsonObject {
    const c: JsonObject = {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: paddingToJson(this.padding),
      bias: this.bias !== null,
    };
    if (this.weight.value.dtype !== 'float32') c.dtype = this.weight.value.dtype;
    return c;
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inChannels = c.int('inChannels', { min: 1 });
    const outChannels = c.int('outChannels', { min: 1 });
    const [kh, kw] = fixedPair(c.intList('kernelSize', { min: 1, maxLength: 2 }), 'kernelSize');
    context.reserve([kh, kw, outChannels, inChannels]);
    const bias = c.bool('bias', true);
    if (bias) context.reserve([outChannels]);
    const padding = paddingFromJson(c.config.padding);
    return new Conv2dTranspose(inChannels, outChannels, [kh, kw], {
      strides: fixedPair(c.intList('strides', { min: 1, maxLength: 2 }), 'strides'),
      padding: padding === 'same' ? 'same' : 'valid',
      bias,
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}

/**
 * Conv1d: y[n, l, o] = b[o] + Σ_{k, i} x[n, l·s + k·d − p, i] · W[k, i, o] over sequences.
 * Shapes: x [N, L, Cin] (batch, steps, channels, as the recurrent layers) → y [N, Lo, Cout];
 * W [k, Cin, Cout]; b [Cout]; Lo = ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1. Computed as a 2-D
 * convolution of a height-1 image ([N, 1, L, Cin] with a [1, k, Cin, Cout] filter), so it runs
 * on every backend's conv2d kernels and takes its gradients from them.
 */
import { type Initializer, type JsonObject, type LayerFactory, Module, type ReceptiveWindow, heUniform, zerosInit } from '@lec/nn';
import { ShapeError, type Tensor, ValueError, type Variable, conv2d, reshape } from '@lec/tensor';
import { type CnnLayerOptions, rngOf } from './options.js';

/** Options of `Conv1d`. */
export interface Conv1dLayerOptions extends CnnLayerOptions {
  /** Default 1. */
  stride?: number;
  /** Default 1. */
  dilation?: number;
  /** 'same', 'valid' (default) or the zeros added at each end. */
  padding?: 'same' | 'valid' | number;
  /** Default true. */
  bias?: boolean;
  /** Default He uniform (suits ReLU). */
  weightInit?: Initializer;
}

function positive(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new ValueError('Conv1d', `argument '${name}' expected a positive integer, got ${v}`);
  return v;
}

/**
 * A 1-D convolution layer over sequences [batch, steps, channels].
 * @example
 * ```ts
 * const conv = new Conv1d(3, 8, 5, { padding: 'same', seed: 0 });
 * conv.forward(zeros([2, 20, 3])).shape; // [2, 20, 8]
 * new Conv1d(3, 8, 5, { seed: 0 }).forward(zeros([2, 20, 3])).shape; // [2, 16, 8]
 * ```
 */
export class Conv1d extends Module {
  readonly type = 'Conv1d';
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: 'same' | 'valid' | number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv1dLayerOptions = {},
  ) {
    super();
    positive('inChannels', inChannels);
    positive('outChannels', outChannels);
    positive('kernelSize', kernelSize);
    this.stride = positive('stride', options.stride ?? 1);
    this.dilation = positive('dilation', options.dilation ?? 1);
    this.padding = options.padding ?? 'valid';
    const p = this.padding;
    if (p !== 'same' && p !== 'valid' && !(Number.isSafeInteger(p) && p >= 0))
      throw new ValueError('Conv1d', `argument 'padding' expected 'same', 'valid' or an integer >= 0, got ${JSON.stringify(p)}`);
    const rng = rngOf(options);
    const dtype = options.dtype ?? 'float32';
    this.weight = this.addParameter('weight', (options.weightInit ?? heUniform())([kernelSize, inChannels, outChannels], { rng, dtype }));
    this.bias = options.bias === false ? null : this.addParameter('bias', zerosInit()([outChannels], { rng, dtype }));
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 3 || x.shape[2] !== this.inChannels)
      throw new ShapeError('Conv1d.forward', `argument 'x' expected [batch, steps, ${this.inChannels}], got [${x.shape.join(', ')}]`);
    const [n, steps] = x.shape;
    const p = this.padding;
    const y = conv2d(
      reshape(x, [n, 1, steps, this.inChannels]),
      reshape(this.weight.value, [1, this.kernelSize, this.inChannels, this.outChannels]),
      {
        strides: [1, this.stride],
        dilations: [1, this.dilation],
        padding:
          typeof p === 'number'
            ? [
                [0, 0],
                [p, p],
              ]
            : p,
        bias: this.bias?.value,
      },
    );
    return reshape(y, [n, y.shape[2], this.outChannels]);
  }

  /**
   * The sliding window, for `summary` and `receptiveField(model)`.
   * @example
   * ```ts
   * new Conv1d(1, 4, 3, { seed: 0 }).receptiveWindow(); // { kernel: [1, 3], stride: [1, 1], dilation: [1, 1] }
   * ```
   */
  receptiveWindow(): ReceptiveWindow {
    return { kernel: [1, this.kernelSize], stride: [1, this.stride], dilation: [1, this.dilation] };
  }

  override config(): JsonObject {
    const c: JsonObject = {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.stride,
      dilation: this.dilation,
      padding: this.padding,
      bias: this.bias !== null,
    };
    if (this.weight.value.dtype !== 'float32') c.dtype = this.weight.value.dtype;
    return c;
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c, context) => {
    const inChannels = c.int('inChannels', { min: 1 });
    const outChannels = c.int('outChannels', { min: 1 });
    const kernelSize = c.int('kernelSize', { min: 1 });
    context.reserve([kernelSize, inChannels, outChannels]);
    const bias = c.bool('bias', true);
    if (bias) context.reserve([outChannels]);
    const raw = c.config.padding;
    const padding = raw === 'same' || raw === 'valid' ? raw : c.int('padding', { min: 0, fallback: 0 });
    return new Conv1d(inChannels, outChannels, kernelSize, {
      stride: c.int('stride', { min: 1, fallback: 1 }),
      dilation: c.int('dilation', { min: 1, fallback: 1 }),
      padding,
      bias,
      dtype: c.choice('dtype', ['float32', 'float64'], 'float32'),
    });
  };
}

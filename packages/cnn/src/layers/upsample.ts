/**
 * Upsample: [N, H, W, C] → [N, H·s, W·s, C] by an integer scale s. 'nearest' repeats pixels;
 * 'bilinear' interpolates with half-pixel centres (align_corners = false, edges clamped), as
 * PyTorch and TensorFlow do. Both are gathers plus (for bilinear) fixed weights, so the
 * gradient is exact.
 */
import { type JsonObject, type LayerFactory, Module } from '@lec/nn';
import { checkAllocation, ShapeError, type Tensor, ValueError, add, gather, mul, tensor } from '@lec/tensor';

function axisPlan(size: number, scale: number, mode: 'nearest' | 'bilinear') {
  const out = size * scale;
  const i0 = new Int32Array(out);
  const i1 = new Int32Array(out);
  const w1 = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    if (mode === 'nearest') {
      i0[o] = Math.floor(o / scale);
      continue;
    }
    const src = Math.max((o + 0.5) / scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), size - 1);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, size - 1);
    w1[o] = src - lo;
  }
  return { i0, i1, w1 };
}

/**
 * Upsampling by an integer factor, nearest or bilinear.
 * @example
 * ```ts
 * new Upsample(2).forward(tensor([[[[1], [2]]]])).toArray(); // [[[[1], [1], [2], [2]], [[1], [1], [2], [2]]]]
 * new Upsample(2, 'bilinear').forward(tensor([[[[0], [4]]]])).dataSync(); // Float32Array [0, 1, 3, 4, 0, 1, 3, 4]
 * ```
 */
export class Upsample extends Module {
  readonly type = 'Upsample';
  constructor(
    readonly scale: number,
    readonly mode: 'nearest' | 'bilinear' = 'nearest',
  ) {
    super();
    if (!Number.isSafeInteger(scale) || scale < 1)
      throw new ValueError('Upsample', `argument 'scale' expected a positive integer, got ${scale}`);
    if (mode !== 'nearest' && mode !== 'bilinear')
      throw new ValueError('Upsample', `argument 'mode' expected 'nearest' or 'bilinear', got ${String(mode)}`);
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4)
      throw new ShapeError('Upsample.forward', `argument 'x' expected NHWC [batch, height, width, channels], got [${x.shape.join(', ')}]`);
    const [n, h, w, c] = x.shape;
    // the output size is checked (overflow-safe, against the backend's limit) before the plans are built
    checkAllocation('Upsample.forward', 'x', [n, h * this.scale, w * this.scale, c], x.dtype, x.backend);
    let y = x;
    for (const axis of [1, 2]) {
      const plan = axisPlan(y.shape[axis], this.scale, this.mode);
      const idx0 = tensor(plan.i0, undefined, { backend: y.backend });
      if (this.mode === 'nearest') {
        y = gather(y, idx0, axis);
        continue;
      }
      const shape = axis === 1 ? [1, plan.w1.length, 1, 1] : [1, 1, plan.w1.length, 1];
      const w1 = tensor(plan.w1, shape, { dtype: y.dtype, backend: y.backend });
      const w0 = tensor(
        plan.w1.map((w) => 1 - w),
        shape,
        { dtype: y.dtype, backend: y.backend },
      );
      const idx1 = tensor(plan.i1, undefined, { backend: y.backend });
      y = add(mul(gather(y, idx0, axis), w0), mul(gather(y, idx1, axis), w1));
    }
    return y;
  }

  override config(): JsonObject {
    return { scale: this.scale, mode: this.mode };
  }

  /** Registry factory. */
  static readonly fromConfig: LayerFactory = (c) =>
    new Upsample(c.int('scale', { min: 1, max: 64 }), c.choice('mode', ['nearest', 'bilinear'], 'nearest'));
}

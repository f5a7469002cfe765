/**
 * Data augmentation for NHWC image batches: a random small rotation, scale and shift per
 * image (bilinear, zeros outside), seeded. The batch's values are read, transformed in
 * JavaScript and stored on the batch's backend: cheap next to a training step for MNIST-sized
 * images.
 */
import { Rng, ShapeError, type Tensor, ValueError, tensor } from '@lec/tensor';
import { resampleImage } from './resample.js';

/** Options of `randomAffine`. */
export interface RandomAffineOptions {
  /** Largest rotation in degrees, either way (default 8). */
  rotation?: number;
  /** Largest relative change of scale, either way (default 0.08: 92 %..108 %). */
  scale?: number;
  /** Largest shift in pixels along each axis, either way (default 1.5). */
  shift?: number;
  /** Generator of the random transforms (or `seed`). */
  rng?: Rng;
  seed?: number;
}

function checkRange(name: string, v: number, max: number): void {
  if (!(Number.isFinite(v) && v >= 0 && v <= max))
    throw new ValueError('randomAffine', `argument '${name}' expected a number in [0, ${max}], got ${v}`);
}

/**
 * randomAffine(images, {rotation, scale, shift, rng}): each image of an NHWC batch
 * [N, H, W, C] rotated, scaled (about its centre) and shifted at random within the given
 * bounds, resampled bilinearly with zeros outside. Returns a new tensor of the same shape,
 * dtype and backend. The augmentation of the LeNet-5 MNIST recipe (apps/bench `lenet`).
 * @example
 * ```ts
 * const x = zeros([2, 28, 28, 1]);
 * randomAffine(x, { seed: 0 }).shape; // [2, 28, 28, 1]
 * randomAffine(x, { rotation: 0, scale: 0, shift: 0, seed: 0 }).toArray(); // the batch unchanged
 * ```
 */
export function randomAffine(images: Tensor, options: RandomAffineOptions = {}): Tensor {
  if (images.rank !== 4)
    throw new ShapeError(
      'randomAffine',
      `argument 'images' expected NHWC [batch, height, width, channels], got [${images.shape.join(', ')}]`,
    );
  if (images.dtype === 'int32') throw new ValueError('randomAffine', `argument 'images' expected a float tensor, got int32`);
  const rotation = options.rotation ?? 8;
  const scale = options.scale ?? 0.08;
  const shift = options.shift ?? 1.5;
  checkRange('rotation', rotation, 180);
  checkRange('scale', scale, 0.9);
  checkRange('shift', shift, Number.MAX_SAFE_INTEGER);
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const [n, h, w, c] = images.shape;
  const src = images.dataSync();
  const out = images.dtype === 'float64' ? new Float64Array(src.length) : new Float32Array(src.length);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const u = rng.uniform(4 * n);
  for (let s = 0; s < n; s++) {
    const angle = (2 * u[4 * s] - 1) * ((rotation * Math.PI) / 180);
    const zoom = 1 + (2 * u[4 * s + 1] - 1) * scale;
    const tx = (2 * u[4 * s + 2] - 1) * shift;
    const ty = (2 * u[4 * s + 3] - 1) * shift;
    // output pixel (r, q) samples the source at the inverse transform about the centre
    const cos = Math.cos(angle) / zoom;
    const sin = Math.sin(angle) / zoom;
    resampleImage(src, out, s, [h, w, c], (r, q, at) => {
      const xr = q - cx - tx;
      const yr = r - cy - ty;
      at[0] = -sin * xr + cos * yr + cy;
      at[1] = cos * xr + sin * yr + cx;
    });
  }
  return tensor(out, images.shape, { dtype: images.dtype, backend: images.backend });
}

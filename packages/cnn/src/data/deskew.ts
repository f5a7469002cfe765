/**
 * Deskewing: the classic MNIST preprocessing (LeCun et al.'s table of results lists it for
 * many classifiers). Handwriting slants; a slanted digit is, to first order, an upright one
 * under a horizontal shear. Each image's shear is read off its own second moments and undone,
 * so the network no longer has to learn every slant from examples.
 */
import { ShapeError, type Tensor, ValueError, tensor } from '@lec/tensor';
import { resampleImage } from './resample.js';

/** Options of `deskew`. */
export interface DeskewOptions {
  /**
   * Also move each image so its centre of mass (of pixel intensity) sits at the image's
   * centre. Default true.
   */
  center?: boolean;
}

/**
 * deskew(images, {center}): each image of an NHWC batch [N, H, W, C] straightened. With pixel
 * intensities (summed over channels) as weights, let (x̄, ȳ) be the centre of mass,
 * μ11 = Σ w (x − x̄)(y − ȳ) and μ02 = Σ w (y − ȳ)². The horizontal shear x' = x − α (y − ȳ)
 * with α = μ11 / μ02 makes the cross moment zero: the digit's main axis becomes vertical.
 * With `center` (default) the image is also shifted so its centre of mass is the image centre.
 * Resampled bilinearly with zeros outside; an all-zero image is returned unchanged. Returns a
 * new tensor of the same shape, dtype and backend. Apply it to training and test images alike.
 * @example
 * ```ts
 * const { train, test } = await loadMnist({ trainSize: 100, testSize: 20, seed: 0 });
 * const x = deskew(train.images); // then augment and train on x; deskew test.images too
 * x.shape; // [100, 28, 28, 1]
 * // a stroke leaning right (a column further every two rows: columns 10 to 19) ends upright,
 * // in the middle columns
 * const px = new Float32Array(28 * 28);
 * for (let r = 4; r < 24; r++) px[r * 28 + 8 + Math.floor(r / 2)] = 1;
 * const upright = deskew(tensor(px, [1, 28, 28, 1]));
 * const cols = (argmax(reshape(upright, [28, 28]), 1).toArray() as number[]).slice(4, 24);
 * [Math.min(...cols), Math.max(...cols)]; // [13, 14]
 * ```
 */
export function deskew(images: Tensor, options: DeskewOptions = {}): Tensor {
  if (images.rank !== 4)
    throw new ShapeError('deskew', `argument 'images' expected NHWC [batch, height, width, channels], got [${images.shape.join(', ')}]`);
  if (images.dtype === 'int32') throw new ValueError('deskew', `argument 'images' expected a float tensor, got int32`);
  const center = options.center ?? true;
  const [n, h, w, c] = images.shape;
  const src = images.dataSync();
  const size = h * w * c;
  // The weights must be intensities: reject negative or non-finite pixels before any work.
  for (let i = 0; i < src.length; i++) {
    if (!(src[i] >= 0 && src[i] < Number.POSITIVE_INFINITY)) {
      const s = Math.floor(i / size);
      throw new ValueError(
        'deskew',
        `argument 'images' expected finite intensities ≥ 0 (e.g. pixels in [0, 1]), got ${src[i]} in image ${s}`,
      );
    }
  }
  const out = images.dtype === 'float64' ? new Float64Array(src.length) : new Float32Array(src.length);
  const midY = (h - 1) / 2;
  const midX = (w - 1) / 2;
  const weight = new Float64Array(h * w);
  for (let s = 0; s < n; s++) {
    const base = s * size;
    let mass = 0;
    let sumX = 0;
    let sumY = 0;
    for (let r = 0; r < h; r++)
      for (let q = 0; q < w; q++) {
        let v = 0;
        for (let ch = 0; ch < c; ch++) v += src[base + (r * w + q) * c + ch];
        weight[r * w + q] = v;
        mass += v;
        sumX += v * q;
        sumY += v * r;
      }
    if (mass === 0) {
      out.set(src.subarray(base, base + size), base);
      continue;
    }
    const meanX = sumX / mass;
    const meanY = sumY / mass;
    let mu11 = 0;
    let mu02 = 0;
    for (let r = 0; r < h; r++)
      for (let q = 0; q < w; q++) {
        const v = weight[r * w + q];
        mu11 += v * (q - meanX) * (r - meanY);
        mu02 += v * (r - meanY) * (r - meanY);
      }
    const alpha = mu02 > 0 ? mu11 / mu02 : 0;
    const dy = center ? meanY - midY : 0;
    const dx = center ? meanX - midX : 0;
    // output pixel (r, q) samples the source at the inverse map: row r + dy, column
    // q + dx + α (row − ȳ)
    resampleImage(src, out, s, [h, w, c], (r, q, at) => {
      at[0] = r + dy;
      at[1] = q + dx + alpha * (at[0] - meanY);
    });
  }
  return tensor(out, images.shape, { dtype: images.dtype, backend: images.backend });
}

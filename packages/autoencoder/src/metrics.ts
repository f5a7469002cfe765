/**
 * Reconstruction quality: mean squared error and peak signal-to-noise ratio
 * PSNR = 10·log10(MAX² / MSE) in dB (MAX = 1 for pixels in [0, 1]). Both over all entries
 * of the batch together (one MSE for the whole set). Computed in float64 on the host.
 */
import { ShapeError, type Tensor, ValueError } from '@lec/tensor';

/**
 * mean((a − b)²) over all entries.
 * @example
 * ```ts
 * mse(tensor([[0, 1]]), tensor([[0, 0.5]])); // 0.125
 * ```
 */
export function mse(a: Tensor, b: Tensor): number {
  if (a.size !== b.size || a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError('mse', `arguments 'a' [${a.shape.join(', ')}] and 'b' [${b.shape.join(', ')}] must have the same shape`);
  }
  const x = a.dataSync();
  const y = b.dataSync();
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const e = x[i] - y[i];
    s += e * e;
  }
  return x.length > 0 ? s / x.length : 0;
}

/**
 * Peak signal-to-noise ratio of `estimate` against `reference`, in dB (∞ when equal).
 * @example
 * ```ts
 * psnr(tensor([[0, 1]]), tensor([[0, 0.9]])); // 23.0103
 * psnr(tensor([2]), tensor([1]), { maxValue: 2 }); // 6.0206
 * ```
 */
export function psnr(reference: Tensor, estimate: Tensor, options: { maxValue?: number } = {}): number {
  const max = options.maxValue ?? 1;
  if (!(max > 0)) throw new ValueError('psnr', `option 'maxValue' expected a positive number, got ${max}`);
  const e = mse(reference, estimate);
  return 10 * Math.log10((max * max) / e);
}

/**
 * Layout conversions on plain typed arrays (row-major): axis permutations and the
 * NHWC ↔ NCHW order of a flattened feature vector.
 */
import type { TypedArray } from '@lec/tensor';

/**
 * Transposes a row-major array of `shape` by `perm` (out.shape[i] = shape[perm[i]]).
 * @example
 * ```ts
 * Array.from(permute(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0])); // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function permute(data: TypedArray, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const strides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i] * strides[perm[i]];
    out[o] = data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

/** The shape after `permute`. */
export function permutedShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => shape[p]);
}

/**
 * For a feature vector flattened from a [h, w, c] image: `order[j]` is the NCHW (channel-major,
 * PyTorch's `flatten`) position of the NHWC (lec's `Flatten`) position j.
 * @example
 * ```ts
 * Array.from(nhwcToNchwOrder(1, 2, 3)); // [0, 2, 4, 1, 3, 5]
 * ```
 */
export function nhwcToNchwOrder(h: number, w: number, c: number): Int32Array {
  const order = new Int32Array(h * w * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) order[(y * w + x) * c + ch] = ch * h * w + y * w + x;
  return order;
}

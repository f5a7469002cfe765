/**
 * The resampling step shared by `randomAffine` and `deskew`: one image of an NHWC batch
 * warped through an inverse map, with bilinear interpolation and zeros outside the image.
 */

/** Where output pixel (row, column) reads the source: writes [source row, source column] into `at`. */
export type InverseMap = (row: number, column: number, at: Float64Array) => void;

/**
 * @internal Writes image `s` of `out` ([N, h, w, c], the layout of `src`): output pixel (r, q)
 * takes, in every channel, the source value at `map(r, q)` interpolated bilinearly from its four
 * neighbours, each neighbour outside the image counting as 0.
 */
export function resampleImage(
  src: ArrayLike<number>,
  out: Float32Array | Float64Array,
  s: number,
  [h, w, c]: readonly [number, number, number],
  map: InverseMap,
): void {
  const base = s * h * w * c;
  const at = (r: number, q: number, ch: number) => (r >= 0 && r < h && q >= 0 && q < w ? src[base + (r * w + q) * c + ch] : 0);
  const p = new Float64Array(2);
  for (let r = 0; r < h; r++) {
    for (let q = 0; q < w; q++) {
      map(r, q, p);
      const y0 = Math.floor(p[0]);
      const x0 = Math.floor(p[1]);
      const fy = p[0] - y0;
      const fx = p[1] - x0;
      for (let ch = 0; ch < c; ch++) {
        out[base + (r * w + q) * c + ch] =
          (1 - fy) * ((1 - fx) * at(y0, x0, ch) + fx * at(y0, x0 + 1, ch)) +
          fy * ((1 - fx) * at(y0 + 1, x0, ch) + fx * at(y0 + 1, x0 + 1, ch));
      }
    }
  }
}

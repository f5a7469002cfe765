import { ShapeError, ValueError, tensor, zeros } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { deskew } from './deskew.js';

const H = 21;
const W = 21;

/** Centre of mass and the cross/row second moments of one single-channel image. */
function moments(px: ArrayLike<number>) {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let r = 0; r < H; r++)
    for (let q = 0; q < W; q++) {
      m += px[r * W + q];
      sx += px[r * W + q] * q;
      sy += px[r * W + q] * r;
    }
  const x = sx / m;
  const y = sy / m;
  let mu11 = 0;
  let mu02 = 0;
  for (let r = 0; r < H; r++)
    for (let q = 0; q < W; q++) {
      mu11 += px[r * W + q] * (q - x) * (r - y);
      mu02 += px[r * W + q] * (r - y) ** 2;
    }
  return { m, x, y, mu11, mu02 };
}

/** A 3-pixel-wide stroke through (row 10, column c0) slanting `slope` columns per row. */
function stroke(c0: number, slope: number): Float32Array {
  const px = new Float32Array(H * W);
  for (let r = 4; r <= 16; r++) {
    const q = Math.round(c0 + slope * (r - 10));
    for (const d of [-1, 0, 1]) px[r * W + q + d] = 1;
  }
  return px;
}

describe('deskew', () => {
  it('makes a slanted stroke upright and centred', () => {
    const px = stroke(12, 0.5);
    const before = moments(px);
    expect(Math.abs(before.mu11 / before.mu02)).toBeGreaterThan(0.4);
    const after = moments(deskew(tensor(px, [1, H, W, 1])).dataSync());
    expect(Math.abs(after.mu11 / after.mu02)).toBeLessThan(0.02); // the slant is gone
    expect(after.x).toBeCloseTo(10, 1); // and the centre of mass is the image centre
    expect(after.y).toBeCloseTo(10, 1);
    expect(after.m).toBeCloseTo(before.m, 0); // bilinear resampling keeps the ink
  });

  it('leaves an upright, centred image exactly as it was', () => {
    const px = stroke(10, 0);
    expect(Array.from(deskew(tensor(px, [1, H, W, 1])).dataSync())).toEqual(Array.from(px));
  });

  it('with center: false straightens without moving the centre of mass', () => {
    const px = stroke(6, -0.4);
    const before = moments(px);
    const after = moments(deskew(tensor(px, [1, H, W, 1]), { center: false }).dataSync());
    expect(Math.abs(after.mu11 / after.mu02)).toBeLessThan(0.02);
    expect(after.x).toBeCloseTo(before.x, 1);
    expect(after.y).toBeCloseTo(before.y, 1);
    expect(Math.abs(before.x - 10)).toBeGreaterThan(3);
  });

  it('transforms each image on its own, all channels alike, and keeps dtype', () => {
    const a = stroke(12, 0.5);
    const b = stroke(9, -0.3);
    const batch = new Float64Array(3 * H * W * 2);
    [a, b, new Float32Array(H * W)].forEach((img, s) => {
      for (let i = 0; i < H * W; i++) {
        batch[(s * H * W + i) * 2] = img[i];
        batch[(s * H * W + i) * 2 + 1] = 2 * img[i];
      }
    });
    const out = deskew(tensor(batch, [3, H, W, 2], { dtype: 'float64' }));
    expect(out.dtype).toBe('float64');
    expect(out.shape).toEqual([3, H, W, 2]);
    const y = out.dataSync();
    const single = deskew(tensor(b, [1, H, W, 1])).dataSync();
    for (let i = 0; i < H * W; i++) {
      expect(y[(H * W + i) * 2]).toBeCloseTo(single[i], 5); // image 1 as if alone
      expect(y[(H * W + i) * 2 + 1]).toBeCloseTo(2 * y[(H * W + i) * 2], 12);
      expect(y[(2 * H * W + i) * 2]).toBe(0); // an empty image stays empty
    }
  });

  it('rejects bad input with typed errors', () => {
    expect(() => deskew(zeros([28, 28, 1]))).toThrow(ShapeError);
    expect(() => deskew(zeros([1, 4, 4, 1], { dtype: 'int32' }))).toThrow(ValueError);
    const neg = new Float32Array(2 * 16);
    neg[20] = -0.5;
    expect(() => deskew(tensor(neg, [2, 4, 4, 1]))).toThrow(/deskew: argument 'images' expected finite intensities ≥ 0.*-0\.5 in image 1/);
    neg[20] = Number.NaN;
    expect(() => deskew(tensor(neg, [2, 4, 4, 1]))).toThrow(ValueError);
  });
});

import { ShapeError, ValueError, arange, reshape, tensor, zeros } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { randomAffine } from './augment.js';

describe('randomAffine', () => {
  const img = reshape(arange(0, 2 * 6 * 5 * 2), [2, 6, 5, 2]);

  it('is the identity with zero bounds, and seeded otherwise', () => {
    const same = randomAffine(img, { rotation: 0, scale: 0, shift: 0, seed: 3 });
    expect(Array.from(same.dataSync())).toEqual(Array.from(img.dataSync()));
    const a = randomAffine(img, { seed: 1 });
    const b = randomAffine(img, { seed: 1 });
    const c = randomAffine(img, { seed: 2 });
    expect(a.shape).toEqual(img.shape);
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
  });

  it('shifts a single bright pixel by at most the bound (bilinear mass stays near it)', () => {
    const x = new Float32Array(11 * 11);
    x[5 * 11 + 5] = 1;
    const y = randomAffine(tensor(x, [1, 11, 11, 1]), { rotation: 0, scale: 0, shift: 1, seed: 7 }).dataSync();
    let mass = 0;
    let far = 0;
    for (let r = 0; r < 11; r++)
      for (let q = 0; q < 11; q++) {
        mass += y[r * 11 + q];
        if (Math.abs(r - 5) > 2 || Math.abs(q - 5) > 2) far += y[r * 11 + q];
      }
    expect(mass).toBeCloseTo(1, 5); // a pure shift splits the pixel over its neighbours
    expect(far).toBe(0);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => randomAffine(zeros([28, 28, 1]))).toThrow(ShapeError);
    expect(() => randomAffine(zeros([1, 4, 4, 1]), { rotation: -1 })).toThrow(ValueError);
    expect(() => randomAffine(zeros([1, 4, 4, 1]), { scale: 2 })).toThrow(/randomAffine: argument 'scale'/);
  });
});

import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from './creation.js';
import { ValueError } from './errors.js';
import { reshape } from './ops/index.js';

describe('Tensor', () => {
  it('toString shows dtype, shape and values', () => {
    expect(String(tensor([1, 2]))).toBe('Tensor(float32, [2]) [1, 2]');
    expect(String(tensor(3.5))).toBe('Tensor(float32, []) 3.500');
    expect(String(tensor([1, 2], undefined, { dtype: 'int32' }))).toBe('Tensor(int32, [2]) [1, 2]');
    expect(
      String(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe('Tensor(float32, [2, 2]) [[1, 2],\n [3, 4]]');
    expect(String(tensor([0.1, NaN, -Infinity], undefined, { dtype: 'float64' }))).toBe('Tensor(float64, [3]) [0.1000, NaN, -Infinity]');
    expect(String(zeros([0]))).toBe('Tensor(float32, [0]) []');
  });

  it('toString elides long dimensions', () => {
    expect(String(arange(0, 20))).toBe('Tensor(float32, [20]) [0, 1, 2, ..., 17, 18, 19]');
    const s = String(reshape(arange(0, 40), [10, 4]));
    expect(s.split('\n')).toHaveLength(7);
    expect(s).toContain('...');
  });

  it('toArray, item and dataSync', () => {
    expect(reshape(arange(0, 6), [2, 3]).toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(tensor(7).toArray()).toBe(7);
    expect(tensor([[5]]).item()).toBe(5);
    expect(() => tensor([1, 2]).item()).toThrow(ValueError);
    const t = tensor([1, 2]);
    const copy = t.dataSync();
    copy[0] = 99;
    expect(t.dataSync()[0]).toBe(1);
  });

  it('shape is frozen and ids are unique', () => {
    const a = tensor([1]);
    const b = tensor([1]);
    expect(Object.isFrozen(a.shape)).toBe(true);
    expect(a.id).not.toBe(b.id);
    expect(a.rank).toBe(1);
    expect(a.size).toBe(1);
  });
});

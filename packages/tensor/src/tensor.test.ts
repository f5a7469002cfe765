import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from './creation.js';
import { ValueError } from './errors.js';
import { reshape } from './ops/index.js';

describe('Tensor', () => {
  it('toString shows the values numpy-style, then shape, dtype and backend', () => {
    expect(String(tensor([1, 2]))).toBe('tensor([1, 2], shape=[2], dtype=float32, backend=js)');
    expect(String(tensor(3.5))).toBe('tensor(3.5000, shape=[], dtype=float32, backend=js)');
    expect(String(tensor([1, 2], undefined, { dtype: 'int32' }))).toBe('tensor([1, 2], shape=[2], dtype=int32, backend=js)');
    expect(
      String(
        tensor([
          [1, 20],
          [3, 4],
        ]),
      ),
    ).toBe('tensor([[ 1, 20],\n        [ 3,  4]], shape=[2, 2], dtype=float32, backend=js)');
    expect(String(tensor([0.1, NaN, -Infinity], undefined, { dtype: 'float64' }))).toBe(
      'tensor([0.1000,    nan,   -inf], shape=[3], dtype=float64, backend=js)',
    );
    expect(String(tensor([1e-6, 1]))).toBe('tensor([1.0000e-6, 1.0000e+0], shape=[2], dtype=float32, backend=js)');
    expect(String(zeros([0]))).toBe('tensor([], shape=[0], dtype=float32, backend=js)');
    // 3-D: a blank line between matrices, as numpy prints them
    expect(String(reshape(arange(0, 8), [2, 2, 2]))).toBe(
      'tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]], shape=[2, 2, 2], dtype=float32, backend=js)',
    );
  });

  it('console.log (util.inspect) prints the same as toString', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(inspect(t)).toBe(String(t));
    expect(inspect({ t: tensor([1]) })).toContain('tensor([1], shape=[1]');
  });

  it('toString elides dimensions only beyond 1000 elements', () => {
    expect(String(arange(0, 20))).toBe(
      `tensor([${Array.from({ length: 20 }, (_, i) => String(i).padStart(2)).join(', ')}], shape=[20], dtype=float32, backend=js)`,
    );
    expect(String(arange(0, 2000))).toBe('tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000], dtype=float32, backend=js)');
    const s = String(reshape(arange(0, 4000), [1000, 4]));
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

import { describe, expect, it } from 'vitest';
import { arange, eye, full, linspace, tensor } from './creation.js';
import { DTypeError, ShapeError, ValueError } from './errors.js';
import type { NestedArray } from './tensor.js';

describe('tensor()', () => {
  it('rejects ragged nested arrays with a ShapeError naming the argument', () => {
    const ragged: unknown[] = [
      [[1, 2], [3]],
      [[1, 2], 3],
      [1, [2, 3]],
      [
        [[1], [2]],
        [[3], [4, 5]],
      ],
      [[1, 2], []],
    ];
    for (const values of ragged) {
      expect(() => tensor(values as NestedArray)).toThrow(ShapeError);
      expect(() => tensor(values as NestedArray)).toThrow(/^tensor: argument 'values' is ragged/);
    }
  });

  it('rejects values that are not numbers, and shapes that do not fit', () => {
    expect(() => tensor(['a', 1] as unknown as NestedArray)).toThrow(/tensor: argument 'values'/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => tensor(new Float32Array(3), [2, 2])).toThrow(/argument 'shape'/);
    expect(() => tensor([1], [-1])).toThrow(ShapeError);
  });

  it('infers shapes and dtypes', () => {
    expect(tensor(3).shape).toEqual([]);
    expect(tensor([[1, 2, 3]]).shape).toEqual([1, 3]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tensor([1.5, 2]).dtype).toBe('float32');
    expect(tensor([1.5], undefined, { dtype: 'float64' }).dataSync()).toBeInstanceOf(Float64Array);
    expect([...tensor([2, -2], undefined, { dtype: 'int32' }).dataSync()]).toEqual([2, -2]);
  });

  it('creation functions check their arguments', () => {
    expect(() => full([2, 1.5], 0)).toThrow(ShapeError);
    expect(() => arange(0, 1, 0)).toThrow(ValueError);
    expect(() => linspace(0, 1, 2.5)).toThrow(ValueError);
    expect(() => eye(-1)).toThrow(ShapeError);
    expect(arange(0, 1, 0.1).size).toBe(10);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('a backend without the dtype gives a DTypeError', async () => {
    const { jsBackend } = await import('./backend/cpu-backend.js');
    const narrow = Object.assign(Object.create(jsBackend()), { dtypes: ['float32'] });
    expect(() => tensor([1], undefined, { dtype: 'float64', backend: narrow })).toThrow(DTypeError);
  });
});

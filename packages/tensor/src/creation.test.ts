import { describe, expect, it } from 'vitest';
import { arange, eye, full, linspace, tensor } from './creation.js';
import { DTypeError, ShapeError, ValueError } from './errors.js';
import type { NestedArray } from './tensor.js';
import { jsBackend } from './backend/cpu-backend.js';

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

  it('transfer: true hands a matching typed array to the js backend without a copy, copies otherwise', () => {
    const js = jsBackend();
    const data = new Float32Array([1, 2, 3, 4]);
    const t = tensor(data, [2, 2], { transfer: true, backend: js });
    data[0] = 9; // (the caller promised not to: this shows the storage is shared)
    expect([...t.dataSync()]).toEqual([9, 2, 3, 4]);
    const copied = new Float32Array([1, 2]);
    const c = tensor(copied, [2], { backend: js });
    copied[0] = 9;
    expect([...c.dataSync()]).toEqual([1, 2]);
    // a Uint8Array is never adopted as int32 storage; float64 data for float32 is converted
    const bytes = new Uint8Array([1, 2]);
    const i = tensor(bytes, [2], { dtype: 'int32', transfer: true, backend: js });
    bytes[0] = 7;
    expect([...i.dataSync()]).toEqual([1, 2]);
    const f = tensor(new Float64Array([0.1]), [1], { dtype: 'float32', transfer: true, backend: js });
    expect(f.dataSync()).toBeInstanceOf(Float32Array);
    expect(() => tensor(new Float32Array(1), [1], { transfer: 1 as unknown as boolean })).toThrow(/option 'transfer'/);
    for (const x of [t, c, i, f]) x.dispose();
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

import {
  CsrMatrix,
  DTypeError,
  type Tensor,
  f64Backend,
  matmul,
  mul,
  softmax,
  spmm,
  split,
  sum,
  tanh,
  tensor,
  withBackend,
} from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { gradCheck } from './grad-check.js';

const f64 = (values: number[], shape?: number[]) => tensor(values, shape, { dtype: 'float64' });

describe('gradCheck', () => {
  it('passes correct gradients: any output shape, several inputs, several outputs', () => {
    expect(gradCheck((a, b) => matmul(a, b), [f64([1, 2, 3, 4, 5, 6], [2, 3]), f64([0.5, -1, 2], [3, 1])]).ok).toBe(true);
    expect(gradCheck((x) => softmax(x), [f64([0.1, -0.3, 2], [1, 3])]).ok).toBe(true);
    expect(gradCheck((x) => split(tanh(x), [1, 2]), [f64([0.2, -0.4, 0.9])]).ok).toBe(true);
  });

  it('works on another backend and passes int32 inputs through', () => {
    withBackend(f64Backend(), () => {
      const a = CsrMatrix.fromCoo(2, 3, [0, 1, 1], [2, 0, 1], [1, 2, 3]);
      const r = gradCheck((x) => spmm(a, x), [f64([1, 2, 3, 4, 5, 6], [3, 2])]);
      expect(r.ok).toBe(true);
      expect(r.checked).toBe(6);
      a.dispose();
      a.transpose().dispose();
    });
  });

  it('catches a wrong gradient and says where', () => {
    // a "square" whose recorded gradient is x instead of 2x: built from mul(x, stop) with a constant copy
    const wrong = (x: Tensor) => mul(x, tensor(x.dataSync(), x.shape, { dtype: 'float64' }));
    const r = gradCheck(wrong, [f64([1, 2])], { raise: false });
    expect(r.ok).toBe(false);
    expect(r.mismatches.map((m) => m.index)).toEqual([0, 1]);
    expect(r.message).toMatch(/2 of 2 derivatives differ/);
    expect(() => gradCheck(wrong, [f64([1, 2])])).toThrow(/input 0 \[0\]: analytic/);
  });

  it('needs float64 inputs', () => {
    expect(() => gradCheck((x) => sum(x), [tensor([1, 2])])).toThrow(DTypeError);
  });
});

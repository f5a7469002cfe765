import { type Tensor, Variable, ShapeError, log, sigmoid, softmax, tensor } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  gaussianKlDivergence,
  meanAbsoluteError,
  meanSquaredError,
  negativeLogLikelihood,
  softmaxCrossEntropyWithLogits,
} from '../src/index.js';
import { gradCheck, onF64, randVar } from './gradcheck.js';

const i32 = (v: number[]) => tensor(v, undefined, { dtype: 'int32' });
const f64t = (v: number[] | number[][]) => tensor(v, undefined, { dtype: 'float64' });

function check(f: () => Tensor, vars: Variable[]) {
  const r = gradCheck(f, vars);
  expect(r.ok, JSON.stringify(r.worst)).toBe(true);
}

describe('loss values', () => {
  it('MSE and MAE, with reductions', () => {
    expect(meanSquaredError(tensor([1, 2]), tensor([1, 4])).item()).toBe(2);
    expect(meanSquaredError(tensor([1, 2]), tensor([1, 4]), { reduction: 'sum' }).item()).toBe(4);
    expect(meanSquaredError(tensor([1, 2]), tensor([1, 4]), { reduction: 'none' }).toArray()).toEqual([0, 4]);
    expect(meanAbsoluteError(tensor([1, 2]), tensor([1, 4])).item()).toBe(1);
    expect(() => meanSquaredError(tensor([1, 2]), tensor([1]))).toThrow(ShapeError);
  });

  it('binary cross-entropy on probabilities and on logits agree, and logits stay finite for huge inputs', () => {
    const z = tensor([-3, 0, 2.5]);
    const y = tensor([0, 1, 1]);
    expect(binaryCrossEntropyWithLogits(z, y).item()).toBeCloseTo(binaryCrossEntropy(sigmoid(z), y).item(), 5);
    expect(binaryCrossEntropyWithLogits(tensor([1000, -1000]), tensor([1, 0])).item()).toBe(0);
    expect(binaryCrossEntropyWithLogits(tensor([1000, -1000]), tensor([0, 1])).item()).toBe(1000);
    expect(Number.isFinite(binaryCrossEntropy(tensor([0, 1]), tensor([1, 0])).item())).toBe(true);
  });

  it('softmax cross-entropy from int labels and one-hot agree, and equals the textbook formula', () => {
    const z = tensor([
      [1, 2, 3],
      [1, 0, -1],
    ]);
    const a = softmaxCrossEntropyWithLogits(z, i32([2, 0])).item();
    const b = softmaxCrossEntropyWithLogits(
      z,
      tensor([
        [0, 0, 1],
        [1, 0, 0],
      ]),
    ).item();
    const p = softmax(z).toArray() as number[][];
    expect(a).toBeCloseTo(-(Math.log(p[0][2]) + Math.log(p[1][0])) / 2, 5);
    expect(b).toBeCloseTo(a, 5);
    expect(softmaxCrossEntropyWithLogits(z, i32([2, 0]), { reduction: 'none' }).shape).toEqual([2]);
    expect(softmaxCrossEntropyWithLogits(z, i32([2, 0]), { reduction: 'sum' }).item()).toBeCloseTo(2 * a, 5);
    expect(softmaxCrossEntropyWithLogits(tensor([[1e4, -1e4]]), i32([1])).item()).toBeCloseTo(2e4, 0);
  });

  it('negative log-likelihood of log-softmax equals softmax cross-entropy', () => {
    const z = tensor([
      [1, 2, 3],
      [1, 0, -1],
    ]);
    expect(negativeLogLikelihood(log(softmax(z)), i32([1, 2])).item()).toBeCloseTo(softmaxCrossEntropyWithLogits(z, i32([1, 2])).item(), 5);
    expect(() => negativeLogLikelihood(tensor([1, 2]), i32([0]))).toThrow(/rank 2/);
  });

  it('Gaussian KL is 0 at the prior and matches the closed form', () => {
    expect(gaussianKlDivergence(tensor([[0, 0]]), tensor([[0, 0]])).item()).toBe(0);
    const mu = 0.5;
    const lv = Math.log(2);
    const expected = 0.5 * (mu * mu + 2 - lv - 1);
    expect(gaussianKlDivergence(tensor([[mu]]), tensor([[lv]])).item()).toBeCloseTo(expected, 6);
    expect(
      gaussianKlDivergence(
        tensor([
          [mu, mu],
          [0, 0],
        ]),
        tensor([
          [lv, lv],
          [0, 0],
        ]),
        { reduction: 'none' },
      ).toArray() as number[],
    ).toEqual([expect.closeTo(2 * expected, 6), 0]);
  });
});

describe('loss gradient checks (float64)', () => {
  it('MSE, MAE', () =>
    onF64(() => {
      const p = randVar([3, 2], 1);
      const t = randVar([3, 2], 2).value;
      check(() => meanSquaredError(p.value, t), [p]);
      check(() => meanAbsoluteError(p.value, t), [p]);
    }));
  it('BCE on probabilities and on logits', () =>
    onF64(() => {
      const z = randVar([4], 3);
      const y = f64t([0, 1, 1, 0]);
      check(() => binaryCrossEntropyWithLogits(z.value, y), [z]);
      const p = new Variable(f64t([0.2, 0.7, 0.4, 0.9]), { name: 'p' });
      check(() => binaryCrossEntropy(p.value, y), [p]);
    }));
  it('softmax cross-entropy (int and one-hot targets, none reduction), NLL', () =>
    onF64(() => {
      const z = randVar([3, 4], 4);
      check(() => softmaxCrossEntropyWithLogits(z.value, i32([0, 3, 1])), [z]);
      check(
        () =>
          softmaxCrossEntropyWithLogits(
            z.value,
            f64t([
              [0.5, 0.5, 0, 0],
              [0, 0, 0, 1],
              [0.1, 0.2, 0.3, 0.4],
            ]),
          ),
        [z],
      );
      check(() => softmaxCrossEntropyWithLogits(z.value, i32([0, 3, 1]), { reduction: 'sum' }), [z]);
      check(() => negativeLogLikelihood(z.value, i32([2, 2, 0])), [z]);
    }));
  it('Gaussian KL', () =>
    onF64(() => {
      const mu = randVar([2, 3], 5, 'mu');
      const lv = randVar([2, 3], 6, 'logvar');
      check(() => gaussianKlDivergence(mu.value, lv.value), [mu, lv]);
    }));
});

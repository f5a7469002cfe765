import { describe, expect, it } from 'vitest';
import { Rng, type Tensor, f64Backend, isFinite, mul, sum, tensor, valueAndGrad, where, withBackend } from '@lec/tensor';
import { gradCheck } from '@lec/backend-tests';
import { convolvePdf, convolvePmf } from './convolve-pmf.js';
import { logConvolve, logConvolvePmf } from './log-convolve.js';

const die = new Array(6).fill(1 / 6);

function binomial(n: number, p: number): number[] {
  const out: number[] = [];
  let c = 1;
  for (let k = 0; k <= n; k++) {
    out.push(c * p ** k * (1 - p) ** (n - k));
    c = (c * (n - k)) / (k + 1);
  }
  return out;
}

describe('convolvePmf', () => {
  it('two fair dice give the triangular distribution on 2..12', () => {
    const pmf = convolvePmf(die, die);
    expect(pmf.length).toBe(11);
    for (let s = 2; s <= 12; s++) expect(pmf[s - 2]).toBeCloseTo((6 - Math.abs(s - 7)) / 36, 14);
  });

  it('n Bernoulli(p) give Binomial(n, p), direct and by FFT', () => {
    const bern = [0.7, 0.3];
    let direct: ArrayLike<number> = [1];
    let viaFft: ArrayLike<number> = [1];
    for (let i = 0; i < 40; i++) {
      direct = convolvePmf(direct, bern, 'direct');
      viaFft = convolvePmf(viaFft, bern, 'fft');
    }
    const expected = binomial(40, 0.3);
    for (let k = 0; k <= 40; k++) {
      expect(direct[k]).toBeCloseTo(expected[k], 12);
      expect(viaFft[k]).toBeCloseTo(expected[k], 12);
    }
  });

  it('FFT equals direct on long random inputs', () => {
    const rng = new Rng(3);
    const p = rng.uniform(300);
    const q = rng.uniform(257);
    const a = convolvePmf(p, q, 'direct');
    const b = convolvePmf(p, q, 'fft');
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-10);
  });

  it('rejects non-finite input with a typed error naming the argument', () => {
    expect(() => convolvePmf([0.5, Number.NaN], [1])).toThrow(/convolvePmf: argument 'p'/);
    expect(convolvePmf([], [1]).length).toBe(0);
  });

  it('convolvePdf: Uniform(0,1) + Uniform(0,1) is triangular with total mass 1', () => {
    const n = 1000;
    const u = { start: 0, step: 1 / n, values: new Float64Array(n).fill(1) };
    const tri = convolvePdf(u, u);
    const mass = tri.values.reduce((s, v) => s + v, 0) * tri.step;
    expect(mass).toBeCloseTo(1, 6);
    expect(tri.values[n - 1]).toBeCloseTo(1, 2);
    expect(() => convolvePdf(u, { ...u, step: 0.5 })).toThrow(/same grid step/);
  });
});

function directLogConvolve2d(x: number[][], y: number[][]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + y.length <= x.length; i++) {
    const row: number[] = [];
    for (let j = 0; j + y[0].length <= x[0].length; j++) {
      let s = 0;
      for (let m = 0; m < y.length; m++) for (let n = 0; n < y[0].length; n++) s += Math.exp(x[i + m][j + n] + y[m][n]);
      row.push(Math.log(s));
    }
    out.push(row);
  }
  return out;
}

describe('logConvolve', () => {
  it('equals log(convolve(exp X, exp Y)) where representable (2-D)', () => {
    const rng = new Rng(1);
    const x = Array.from({ length: 5 }, () => Array.from(rng.normal(6)));
    const y = Array.from({ length: 2 }, () => Array.from(rng.normal(3)));
    const got = withBackend(f64Backend(), () =>
      logConvolve(tensor(x, undefined, { dtype: 'float64' }), tensor(y, undefined, { dtype: 'float64' })).toArray(),
    ) as number[][];
    const expected = directLogConvolve2d(x, y);
    expect(got.length).toBe(4);
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 10)));
  });

  it('stays finite where exp underflows (inputs near -1000)', () => {
    const z = logConvolve(
      tensor([
        [-1000, -1001],
        [-1002, -1003],
      ]),
      tensor([[0]]),
    ).dataSync();
    expect(Array.from(z)).toEqual([-1000, -1001, -1002, -1003]);
    const w = logConvolve(tensor([-1000, -1000, -1000]), tensor([0, 0])).dataSync();
    for (const v of w) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeCloseTo(-1000 + Math.log(2), 3);
    }
  });

  it('log-space PMF convolution of two dice gives 6/36 at 7', () => {
    const logDie = tensor(die.map(Math.log), undefined, { dtype: 'float64' });
    const pmf = Array.from(logConvolvePmf(logDie, logDie).dataSync(), Math.exp);
    expect(pmf.length).toBe(11);
    expect(pmf[5]).toBeCloseTo(6 / 36, 12);
    const direct = convolvePmf(die, die);
    pmf.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 12));
  });

  it('passes a float64 gradient check in X and Y', () => {
    withBackend(f64Backend(), () => {
      const rng = new Rng(7);
      const x0 = rng.normal(12);
      const y0 = rng.normal(4);
      const weights = rng.normal(6);
      const loss = (x: Tensor, y: Tensor) => {
        const z = logConvolve(x, y);
        return sum(mulW(z, weights));
      };
      const make = (a: Float64Array, shape: number[]) => tensor(a, shape, { dtype: 'float64' });
      const { grads } = valueAndGrad(loss)(make(x0, [3, 4]), make(y0, [2, 2]));
      const eps = 1e-6;
      const numeric = (which: 0 | 1, i: number) => {
        const plus = [Float64Array.from(x0), Float64Array.from(y0)];
        const minus = [Float64Array.from(x0), Float64Array.from(y0)];
        plus[which][i] += eps;
        minus[which][i] -= eps;
        const fp = loss(make(plus[0], [3, 4]), make(plus[1], [2, 2])).item();
        const fm = loss(make(minus[0], [3, 4]), make(minus[1], [2, 2])).item();
        return (fp - fm) / (2 * eps);
      };
      for (const which of [0, 1] as const) {
        const g = grads[which].dataSync();
        for (let i = 0; i < g.length; i++) {
          const n = numeric(which, i);
          expect(Math.abs(g[i] - n)).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(n));
        }
      }
    });
  });

  it('has finite gradients, 0 where a window has no mass, for PMFs with zero-probability outcomes', () => {
    withBackend(f64Backend(), () => {
      // P(X = 1) = P(X = 2) = 0 and P(Y = 1) = 0: log 0 = −∞ entries; X + Y can be neither 1
      // nor 4 (p ∗ q = [0.125, 0, 0.375, 0.125, 0, 0.375]), so those windows have no mass
      const logP = tensor([0.5, 0, 0, 0.5].map(Math.log), undefined, { dtype: 'float64' });
      const logQ = tensor([0.25, 0, 0.75].map(Math.log), undefined, { dtype: 'float64' });
      const z = logConvolvePmf(logP, logQ).dataSync();
      expect(Array.from(z).some((v) => v === -Infinity)).toBe(true);
      const total = (p: Tensor, q: Tensor) => {
        const out = logConvolvePmf(p, q);
        return sum(where(isFinite(out), out, 0));
      };
      const { grads } = valueAndGrad(total)(logP, logQ);
      for (const g of grads) for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
      // gradient check with −∞ entries (finite differences at −∞ are 0, as the gradient must be)
      const masked = (p: Tensor, q: Tensor) => {
        const out = logConvolve(p, q, { mode: 'full' });
        return where(isFinite(out), out, 0);
      };
      expect(gradCheck(masked, [logP, logQ]).ok).toBe(true);
      expect(
        gradCheck(masked, [
          tensor(
            [
              [0.1, -Infinity, 0.3],
              [-Infinity, -Infinity, -Infinity],
            ],
            undefined,
            { dtype: 'float64' },
          ),
          tensor(
            [
              [0.2, -Infinity],
              [-0.5, 0.4],
            ],
            undefined,
            { dtype: 'float64' },
          ),
        ]).ok,
      ).toBe(true);
    });
  });

  it('rejects mismatched ranks and oversized filters', () => {
    expect(() => logConvolve(tensor([1, 2]), tensor([[1]]))).toThrow(/logConvolve: arguments 'x' and 'y'/);
    expect(() => logConvolve(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/larger than 'x'/);
  });
});

function mulW(z: Tensor, w: Float64Array): Tensor {
  return mul(z, tensor(w.subarray(0, z.size), z.shape, { dtype: 'float64' }));
}

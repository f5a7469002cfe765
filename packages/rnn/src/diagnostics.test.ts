import { describe, expect, it } from 'vitest';
import { eye, f64Backend, mul, sum, tensor, withBackend, zeros } from '@lec/tensor';
import { hiddenGradientNorms, spectralNorm } from './diagnostics.js';
import { RNN } from './layers/recurrent.js';

describe('spectralNorm', () => {
  it('gives the largest singular value', () => {
    expect(
      spectralNorm(
        tensor([
          [3, 0],
          [0, 1],
        ]),
      ),
    ).toBeCloseTo(3, 5);
    expect(
      spectralNorm(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          undefined,
          { dtype: 'float64' },
        ),
      ),
    ).toBeCloseTo(5.464985704219043, 9);
    expect(() => spectralNorm(tensor([1, 2]))).toThrow(/spectralNorm: argument 'w'/);
  });
});

describe('hiddenGradientNorms: vanishing and exploding, exactly', () => {
  // With zero inputs, zero bias and a zero initial state, h_t stays 0, tanh'(0) = 1, and
  // ∂L/∂h_t = W_hhᵀ^(T−1−t) ∂L/∂h_T: for W_hh = s·I the norm is exactly s^(T−1−t)·‖∂L/∂h_T‖.
  for (const s of [0.5, 1.5]) {
    it(`W_hh = ${s}·I gives norms ${s}^(T−1−t)·√(B·H)`, () => {
      withBackend(f64Backend(), () => {
        const rnn = new RNN(2, 4, { seed: 0, dtype: 'float64' });
        const cell = rnn.cells[0] as unknown as { weightHh: { assign(t: unknown): void } };
        cell.weightHh.assign(mul(eye(4, 4, { dtype: 'float64' }), s));
        const T = 12;
        const norms = hiddenGradientNorms(rnn, zeros([3, T, 2], { dtype: 'float64' }), (r) => sum(r.last));
        expect(norms.length).toBe(T);
        norms.forEach((n, t) => expect(n).toBeCloseTo(s ** (T - 1 - t) * Math.sqrt(12), 9));
      });
    });
  }
});

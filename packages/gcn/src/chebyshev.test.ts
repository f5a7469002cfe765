import { ValueError } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { chebyshevCoefficients, chebyshevFilter } from './chebyshev.js';
import { gridGraph, ringGraph } from './generators.js';
import { laplacian } from './laplacian.js';
import { SpectralBasis, heatKernel } from './spectral.js';

/** The modified Bessel function I_k(a) by its power series (a small). */
function besselI(k: number, a: number): number {
  let term = (a / 2) ** k;
  for (let j = 1; j <= k; j++) term /= j;
  let s = 0;
  for (let m = 0; m < 60; m++) {
    s += term;
    term *= (a / 2) ** 2 / ((m + 1) * (m + k + 1));
  }
  return s;
}

describe('chebyshevCoefficients', () => {
  it('matches the closed form of the heat kernel: θ_k = e^{−a}(2 − [k = 0])(−1)^k I_k(a), a = tλ_max/2', () => {
    const t = 1.5;
    const lambdaMax = 2;
    const a = (t * lambdaMax) / 2;
    const fit = chebyshevCoefficients(heatKernel(t), 8, lambdaMax);
    fit.coefficients.forEach((theta, k) => expect(theta).toBeCloseTo(Math.exp(-a) * (k === 0 ? 1 : 2) * (-1) ** k * besselI(k, a), 12));
  });

  it('is exact for a polynomial of degree <= K, and the error shrinks as K grows', () => {
    const fit = chebyshevCoefficients((l) => 3 - 2 * l + 0.5 * l * l, 2, 4);
    expect(fit.maxError).toBeLessThan(1e-12);
    expect(fit.evaluate(1.7)).toBeCloseTo(3 - 3.4 + 0.5 * 1.7 * 1.7, 12);
    const errors = [2, 5, 10].map((K) => chebyshevCoefficients(heatKernel(3), K, 2).maxError);
    expect(errors[0]).toBeGreaterThan(errors[1]);
    expect(errors[1]).toBeGreaterThan(errors[2]);
    expect(errors[0]).toBeGreaterThan(1e-2);
    expect(errors[2]).toBeLessThan(1e-5);
  });

  it('refuses bad input before computing anything', () => {
    expect(() => chebyshevCoefficients(heatKernel(1), -1, 2)).toThrow(/chebyshevCoefficients: argument 'K'/);
    expect(() => chebyshevCoefficients(heatKernel(1), 2.5, 2)).toThrow(ValueError);
    expect(() => chebyshevCoefficients(heatKernel(1), 3, 0)).toThrow(/argument 'lambdaMax' expected a finite number > 0, got 0/);
    expect(() => chebyshevCoefficients(heatKernel(1), 3, Number.NaN)).toThrow(/lambdaMax/);
    expect(() => chebyshevCoefficients(() => Number.NaN, 3, 2)).toThrow(/argument 'g' returned NaN/);
    expect(() => chebyshevCoefficients(1 as never, 3, 2)).toThrow(/argument 'g' expected a function/);
    expect(() => chebyshevCoefficients(heatKernel(1), 10, 2, { nodes: 5 })).toThrow(/argument 'nodes'/);
  });
});

describe('chebyshevFilter', () => {
  it('approximates the exact filter U g(Λ) Uᵀ x within the fit’s error, ‖y − y_exact‖₂ <= maxError·‖x‖₂', () => {
    const graph = gridGraph(5, 6);
    const basis = SpectralBasis.fromGraph(graph);
    const lambdaMax = basis.values[basis.k - 1];
    const x = Float64Array.from({ length: 30 * 2 }, (_, i) => Math.sin(1.3 * i) + (i % 7) / 7);
    const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, e) => s + e * e, 0));
    for (const K of [2, 5, 10, 30]) {
      const fit = chebyshevCoefficients(heatKernel(0.8), K, lambdaMax);
      const y = chebyshevFilter(laplacian(graph), fit, x);
      const exact = basis.filter(heatKernel(0.8), x);
      const diff = norm(y.map((v, i) => v - exact[i]));
      expect(diff).toBeLessThanOrEqual(fit.maxError * norm(x) * (1 + 1e-9) + 1e-12);
      if (K === 30) expect(diff).toBeLessThan(1e-10);
      if (K === 2) expect(diff).toBeGreaterThan(1e-3);
    }
  });

  it('refuses a signal of the wrong length and a non-square matrix', () => {
    const fit = chebyshevCoefficients(heatKernel(1), 3, 4);
    expect(() => chebyshevFilter(laplacian(ringGraph(5)), fit, new Float64Array(7))).toThrow(
      /chebyshevFilter: argument 'x' expected 5 or a multiple of 5 values/,
    );
  });
});

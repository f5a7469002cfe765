import { describe, expect, it } from 'vitest';
import { bitIdentical, compareArrays, unravel } from './compare.js';
import { DEFAULT_TOLERANCES, reductionRtol, resolveTolerance } from './tolerances.js';

const tol = { rtol: 1e-5, atol: 1e-6 };

describe('compareArrays', () => {
  it('NaN matches only NaN; infinities only the same infinity', () => {
    expect(compareArrays([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity], tol).ok).toBe(true);
    expect(compareArrays([Infinity], [NaN], tol).ok).toBe(false);
    expect(compareArrays([NaN], [Infinity], tol).ok).toBe(false);
    expect(compareArrays([-Infinity], [Infinity], tol).ok).toBe(false);
    expect(compareArrays([NaN], [1], tol).ok).toBe(false);
    expect(compareArrays([3.4e38], [Infinity], tol).ok).toBe(false);
    expect(compareArrays([Infinity], [3.4e38], tol).ok).toBe(false);
  });

  it('uses atol + rtol·|e|', () => {
    expect(compareArrays([1 + 1.05e-5], [1], tol).ok).toBe(true);
    expect(compareArrays([1 + 1.2e-5], [1], tol).ok).toBe(false);
    expect(compareArrays([9e-7], [0], tol).ok).toBe(true);
    expect(compareArrays([1.1e-6], [0], tol).ok).toBe(false);
  });

  it('normwise: a cancelled sum is judged against the size of the output', () => {
    const normwise = { ...tol, normwise: true };
    expect(compareArrays([1e-4, 100], [0, 100], tol).ok).toBe(false);
    expect(compareArrays([1e-4, 100], [0, 100], normwise).ok).toBe(true);
    expect(compareArrays([1, 100], [0, 100], normwise).ok).toBe(false);
  });

  it('signed zeros only when asked', () => {
    expect(compareArrays([0], [-0], tol).ok).toBe(true);
    expect(compareArrays([0], [-0], { ...tol, signedZeros: true }).ok).toBe(false);
    expect(compareArrays([-0], [-0], { ...tol, signedZeros: true }).ok).toBe(true);
  });

  it('the message counts mismatches and names the largest differences and where', () => {
    const c = compareArrays([1, 2, 3.5, 4, NaN, 6], [1, 2, 3, 4, 5, 6.001], tol, [2, 3]);
    expect(c.ok).toBe(false);
    expect(c.mismatches).toBe(3);
    expect(c.message).toMatch(/^3 of 6 values differ/);
    expect(c.message).toContain('largest abs diff Infinity at index 4 [1, 1] (got NaN, expected 5)');
    expect(c.message).toContain('largest rel diff');
    expect(c.message).toContain('index 2 [0, 2] (got 3.5, expected 3)');
    expect(compareArrays([1, 2], [1], tol).message).toMatch(/length differs/);
  });

  it('unravel and bitIdentical', () => {
    expect(unravel(5, [2, 3])).toEqual([1, 2]);
    expect(unravel(5)).toEqual([5]);
    expect(bitIdentical(new Float32Array([1, NaN]), new Float32Array([1, NaN])).ok).toBe(true);
    expect(bitIdentical(new Float32Array([0]), new Float32Array([-0]))).toEqual({ ok: false, index: 0 });
    expect(bitIdentical(new Float32Array([1, 2, 3]), new Float32Array([1, 2, 4])).index).toBe(2);
  });
});

describe('tolerance rows', () => {
  it('reductions: rtol = max(1e-5, 4·sqrt(K)·2^-24)', () => {
    expect(reductionRtol(1)).toBe(1e-5);
    expect(reductionRtol(4096)).toBeCloseTo(4 * 64 * 2 ** -24, 12);
    expect(resolveTolerance({ reduction: 4096 }, DEFAULT_TOLERANCES)).toEqual({ rtol: reductionRtol(4096), atol: 1e-6, normwise: true });
    expect(resolveTolerance('elementwise', DEFAULT_TOLERANCES)).toEqual({ rtol: 1e-5, atol: 1e-6 });
    expect(resolveTolerance('move', DEFAULT_TOLERANCES)).toEqual({ rtol: 0, atol: 0, signedZeros: true });
  });
});

/**
 * NaN and ±∞ through every fast path and its gradient, per op, merged into the op table's
 * forward cases (so every backend runs them against the f64 reference). The rule: a fast path
 * gives what the f64 reference (the composite definition in float64, rounded to the dtype)
 * gives, NaN for NaN (matched exactly), infinities with their sign, and exactly 0 or 1 where
 * the reference saturates (σ(±1000), tanh(±∞)): those cases use the `exact` tolerance.
 */
import * as lec from '@lec/tensor';
import type { Tensor } from '@lec/tensor';
import { SPECIAL_VALUES, cycle, f, uniformIn } from '../inputs.js';
import type { ForwardCase } from './types.js';

const INF = Number.POSITIVE_INFINITY;
/** Inputs where σ and tanh are exactly 0, 1 or ±1 in float32 (and NaN). */
const SATURATING = [1000, -1000, INF, -INF, 200, -200, Number.NaN, 20, -20];

const sumOfSquaresOfMaxPool = (x: Tensor, window: number, strides?: number) =>
  lec.grad((t: Tensor) => lec.sum(lec.square(lec.maxPool2d(t, window, strides === undefined ? {} : { strides }))))(x);

/** d/dx of sum(act(x)·w): the activation's gradient with dy = w (activationBackward where a backend fuses it). */
const activationGradient = (act: (t: Tensor) => Tensor) => (x: Tensor, w: Tensor) =>
  lec.grad((t: Tensor) => lec.sum(lec.mul(act(t), w)))(x)[0];

/** Special values in x and in dy, 14 × 13 pairs (the lengths are coprime, so every pair meets). */
const specialPairs = () => [f([14 * 13], cycle(SPECIAL_VALUES)), f([14 * 13], cycle(SPECIAL_VALUES.slice(0, 13)))];

export const NON_FINITE_CASES: Readonly<Record<string, readonly ForwardCase[]>> = {
  relu: [
    {
      name: 'gradient with NaN, ±∞, ±0 in x and dy (0·∞ = NaN; step(NaN) = NaN)',
      inputs: specialPairs(),
      fn: ([x, w]) => activationGradient(lec.relu)(x, w),
      tol: 'exact',
    },
  ],
  sigmoid: [
    {
      name: 'saturates to exactly 0 and 1 (±200, ±1000, ±∞; NaN)',
      inputs: [f([9], cycle(SATURATING))],
      fn: ([x]) => lec.sigmoid(x),
      tol: 'exact',
    },
    {
      name: 'gradient with NaN, ±∞, ±0 in x and dy',
      inputs: specialPairs(),
      fn: ([x, w]) => activationGradient(lec.sigmoid)(x, w),
    },
  ],
  tanh: [
    { name: 'saturates to exactly ±1 (±20, ±1000, ±∞; NaN)', inputs: [f([9], cycle(SATURATING))], fn: ([x]) => lec.tanh(x), tol: 'exact' },
    {
      name: 'gradient with NaN, ±∞, ±0 in x and dy',
      inputs: specialPairs(),
      fn: ([x, w]) => activationGradient(lec.tanh)(x, w),
    },
  ],
  maxPool2d: [
    {
      name: 'gradient with a NaN in the window (sum of squares: NaN dy spreads)',
      inputs: [f([1, 2, 2, 1], cycle([1, Number.NaN, 3, 2]))],
      fn: ([x]) => sumOfSquaresOfMaxPool(x, 2),
      tol: 'exact',
    },
    {
      name: 'gradient with special values, 5 channels, overlapping windows',
      inputs: [f([1, 4, 4, 5], cycle(SPECIAL_VALUES))],
      fn: ([x]) => sumOfSquaresOfMaxPool(x, 2, 1),
      tol: 'exact',
    },
    {
      name: 'gradient of the sum with a NaN input (finite dy goes to the first NaN)',
      inputs: [f([1, 4, 4, 4], cycle([1, Number.NaN, 3, 2, -INF, 0.5, INF]))],
      fn: ([x]) => lec.grad((t: Tensor) => lec.sum(lec.maxPool2d(t, 2)))(x),
      tol: 'exact',
    },
  ],
  lstmCell: [
    {
      name: 'gates at ±200, ±1000, ±∞ and |c| >= 999: exactly 0, 1, ±1, NaN for 0·∞',
      inputs: [
        // z_f of row 1, unit 1 is 1000 where the cycle gives −∞: with f = 0 that unit's c was
        // 0·1000 + 1·1 = 1 and h = tanh(1), no saturated value (a GPU's tanh is an ulp off there)
        f([2, 16], (rng, n) => {
          const z = Array.from(cycle([1000, -1000, INF, -INF, 200, -200, -1000, 1000, INF])(rng, n));
          z[21] = 1000;
          return z;
        }),
        f([2, 4], cycle([1000, -1000, INF, -INF, Number.NaN])),
      ],
      fn: ([z, c]) => lec.lstmCell(z, c),
      tol: 'exact',
    },
  ],
  lstmSequence: [
    {
      name: '−∞ recurrent weight with h0 = 0 (0·∞ is NaN)',
      inputs: [f([2, 3, 8], uniformIn(-1, 1)), f([2, 8], cycle([-INF, 0.1, 0.2, -0.3])), f([2, 2], cycle([0])), f([2, 2])],
      fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c),
    },
    {
      name: 'gates at ±1000 and ±∞, zero recurrent weight: exactly 0, 1, ±1',
      inputs: [
        // per row [i0, i1, f0, f1, g0, g1, o0, o1]: forget gates 1, so c = c0 ± 1 stays saturated
        f([2, 2, 8], cycle([1000, -INF, 1000, INF, -1000, INF, -INF, 1000])),
        f([2, 8], cycle([0])),
        f([2, 2], cycle([0])),
        f([2, 2], cycle([1000, -1000, 5000])),
      ],
      fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c),
      tol: 'exact',
    },
    {
      // σ(−200) is 1.4e-87, 0 in float32: a float32 product gives 0·∞ = NaN where the value is ∞
      name: 'forget gate σ(−200) on c0 = ±∞, output gate 1: c stays ±∞, h = ±1',
      inputs: [
        f([1, 2, 8], cycle([-200, -200, -200, -200, 0, 0, 1000, 1000])),
        f([2, 8], cycle([0])),
        f([1, 2], cycle([0])),
        f([1, 2], cycle([INF, -INF])),
      ],
      fn: ([p, w, h, c]) => lec.lstmSequence(p, w, h, c),
      tol: 'exact',
    },
    {
      name: 'gradient with a +∞ recurrent weight',
      inputs: [f([1, 2, 4], uniformIn(-1, 1)), f([1, 4], cycle([INF, 0.1, -0.2, 0.3])), f([1, 1]), f([1, 1])],
      fn: ([p, w, h, c]) => lec.grad((a: Tensor, b: Tensor) => lec.sum(lec.lstmSequence(a, b, h, c)[0]))(p, w),
    },
  ],
};

/**
 * A small float64 gradient check (until @lec/backend-tests exports the shared one): central
 * differences with eps 1e-6 against `grad`, |analytic − numeric| ≤ atol + rtol·|numeric| with
 * atol 1e-5, rtol 1e-3 (the PyTorch defaults). Inputs must be float64 tensors.
 */
import { type Tensor, grad, noGrad, tensor } from '@lec/tensor';

export interface GradCheckResult {
  ok: boolean;
  checked: number;
  worst: { input: number; index: number; analytic: number; numeric: number; diff: number } | null;
}

export function gradCheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: { eps?: number; atol?: number; rtol?: number } = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  for (const x of inputs) if (x.dtype !== 'float64') throw new Error(`gradCheck: inputs must be float64, got ${x.dtype}`);
  const analytic = grad(f)(...inputs).map((g) => g.dataSync());
  let ok = true;
  let checked = 0;
  let worst: GradCheckResult['worst'] = null;
  inputs.forEach((x, which) => {
    const base = Float64Array.from(x.dataSync());
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number) => {
        const v = base.slice();
        v[i] += delta;
        const xs = inputs.slice();
        xs[which] = tensor(v, x.shape, { dtype: 'float64', backend: x.backend });
        return noGrad(() => f(...xs).item());
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const a = analytic[which][i];
      const diff = Math.abs(a - numeric);
      checked++;
      if (!(diff <= atol + rtol * Math.abs(numeric))) ok = false;
      if (!worst || diff > worst.diff) worst = { input: which, index: i, analytic: a, numeric, diff };
    }
  });
  return { ok, checked, worst };
}

/**
 * Makes `variables[i].value` read `values[i]` while `fn` runs (test-only: lets a gradient
 * check differentiate a layer with respect to its parameters without assign/dispose).
 */
export function withValues<T>(variables: { value: Tensor }[], values: Tensor[], fn: () => T): T {
  variables.forEach((v, i) => Object.defineProperty(v, 'value', { get: () => values[i], configurable: true }));
  try {
    return fn();
  } finally {
    for (const v of variables) delete (v as { value?: Tensor }).value;
  }
}

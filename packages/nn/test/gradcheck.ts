/**
 * A small local gradient check (to be replaced by @lec/backend-tests' shared gradCheck):
 * compares autograd gradients of a scalar function of Variables with central finite
 * differences in float64 (eps 1e-6, atol 1e-5, rtol 1e-3: the PyTorch defaults).
 */
import { type Tensor, Variable, f64Backend, mul, randn, sum, tensor, variableGrads, withBackend } from '@lec/tensor';

export interface GradCheckResult {
  ok: boolean;
  mismatches: number;
  worst: { variable: string; index: number; analytic: number; numeric: number } | null;
}

export function gradCheck(
  f: () => Tensor,
  variables: readonly Variable[],
  options: { eps?: number; atol?: number; rtol?: number } = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const { grads } = variableGrads(f, variables);
  let mismatches = 0;
  let worst: GradCheckResult['worst'] = null;
  let worstExcess = -Infinity;
  variables.forEach((v, k) => {
    const analytic = grads[k].dataSync();
    const base = Float64Array.from(v.value.dataSync());
    const shape = [...v.shape];
    const original = v.value;
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number) => {
        const p = Float64Array.from(base);
        p[i] += delta;
        v.assign(tensor(p, shape, { dtype: 'float64' }));
        return f().item();
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const excess = Math.abs(analytic[i] - numeric) - (atol + rtol * Math.abs(numeric));
      if (excess > 0) mismatches++;
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { variable: v.name, index: i, analytic: analytic[i], numeric };
      }
    }
    v.assign(tensor(base, shape, { dtype: 'float64' }));
    void original;
  });
  return { ok: mismatches === 0, mismatches, worst };
}

/** Runs `fn` on the f64 reference backend. */
export function onF64<T>(fn: () => T): T {
  return withBackend(f64Backend(), fn);
}

/** A float64 Variable of normal random values. */
export function randVar(shape: number[], seed: number, name = 'x'): Variable {
  return new Variable(randn(shape, { seed, dtype: 'float64' }), { name });
}

/** sum(out · R) for a fixed random R: a scalar whose gradient exercises every output. */
export function project(out: Tensor, seed = 99): Tensor {
  return sum(mul(out, randn([...out.shape], { seed, dtype: 'float64' })));
}

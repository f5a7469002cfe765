/**
 * Float64 gradient check against central finite differences (eps 1e-6, atol 1e-5,
 * rtol 1e-3: the PyTorch defaults). Run inside withBackend(f64Backend(), ...).
 */
import { type Tensor, type Variable, tensor, tidy, variableGrads } from '@lec/tensor';

export interface GradcheckReport {
  checked: number;
  mismatches: string[];
}

/**
 * Compares d f / d v for every variable against (f(v + eps) − f(v − eps)) / 2eps, on up to
 * `perVariable` entries per variable (spread evenly; all when smaller).
 */
export function gradcheck(
  f: () => Tensor,
  variables: readonly Variable[],
  { eps = 1e-6, atol = 1e-5, rtol = 1e-3, perVariable = 12 } = {},
): GradcheckReport {
  const analytic = tidy(() => variableGrads(f, variables).grads.map((g) => Float64Array.from(g.dataSync())));
  const mismatches: string[] = [];
  let checked = 0;
  variables.forEach((v, vi) => {
    if (v.value.dtype !== 'float64')
      throw new Error(`gradcheck: variable '${v.name}' is ${v.value.dtype}; build the model with dtype float64`);
    const base = Float64Array.from(v.value.dataSync());
    const shape = [...v.shape];
    const count = Math.min(perVariable, base.length);
    for (let c = 0; c < count; c++) {
      const i = Math.floor((c * base.length) / count);
      const at = (delta: number) => {
        const data = base.slice();
        data[i] += delta;
        v.assign(tensor(data, shape, { dtype: 'float64' }));
        return tidy(() => f().item());
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tensor(base.slice(), shape, { dtype: 'float64' }));
      const a = analytic[vi][i];
      checked++;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric)))
        mismatches.push(`${v.name}[${i}]: analytic ${a}, numeric ${numeric}`);
    }
  });
  return { checked, mismatches };
}

import { type Tensor, type Variable, tensor, variableGrads } from '@lec/tensor';

/**
 * Float64 gradient check of a module's parameters: variableGrads against central finite
 * differences (eps 1e-6, atol 1e-5, rtol 1e-3) for every element of every parameter.
 * The module must be float64; `loss` must return a scalar. Each element is perturbed by
 * assigning a new value to its Variable, and the original is restored at the end.
 * @example
 * ```ts
 * const w = new Variable(tensor([1, 2], undefined, { dtype: 'float64' }));
 * paramGradCheck({ parameters: () => [w] }, () => sum(square(w.value))).failures; // []
 * ```
 */
export function paramGradCheck(
  module: { parameters(): Variable[] },
  loss: () => Tensor,
  options: { eps?: number; atol?: number; rtol?: number } = {},
): { checked: number; worst: number; failures: string[] } {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const params = module.parameters();
  const { grads } = variableGrads(loss, params);
  const failures: string[] = [];
  let worst = 0;
  let checked = 0;
  params.forEach((v, p) => {
    const original = Float64Array.from(v.value.dataSync());
    const analytic = grads[p].dataSync();
    const shape = [...v.shape];
    for (let i = 0; i < original.length; i++) {
      const at = (delta: number) => {
        const data = Float64Array.from(original);
        data[i] += delta;
        v.assign(tensor(data, shape, { dtype: 'float64' }));
        return loss().item();
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const err = Math.abs(analytic[i] - numeric);
      worst = Math.max(worst, err / (atol + rtol * Math.abs(numeric)));
      if (err > atol + rtol * Math.abs(numeric)) failures.push(`${v.name}[${i}]: analytic ${analytic[i]} numeric ${numeric}`);
      checked++;
    }
    v.assign(tensor(original, shape, { dtype: 'float64' }));
  });
  return { checked, worst, failures };
}

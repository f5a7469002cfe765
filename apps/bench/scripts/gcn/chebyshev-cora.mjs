#!/usr/bin/env node
// The Chebyshev approximation of a spectral filter on Cora (Hammond et al. 2011): the heat kernel
// g(λ) = exp(−tλ) of Cora's symmetric normalised Laplacian fitted by chebyshevCoefficients with
// K = 2, 5, 10 on [0, λ_max], reported three ways:
//   - maxError: sup |g(λ) − p_K(λ)| over [0, λ_max] (1,001 points), what chebyshevCoefficients reports;
//   - at Cora's eigenvalues: max_i |g(λ_i) − p_K(λ_i)| over the 2,708 eigenvalues (dense eigh, float64);
//   - on a signal: ‖p_K(L)x − U g(Λ) Uᵀ x‖₂ / ‖U g(Λ) Uᵀ x‖₂ for x = the one-hot class labels
//     (7 channels: diffusing them is label propagation), the exact filter through the eigenbasis,
//     p_K(L)x by K sparse products.
// λ_max is Cora's largest eigenvalue (from the same eigh). Build first (pnpm exec turbo run build --filter @lec/bench...).
//   node apps/bench/scripts/gcn/chebyshev-cora.mjs [--data ../shared/datasets] [--source original|text] [--t 1,5]
import * as api from '@lec/gcn';
import { arg, planetoidFromArgs } from './common.mjs';

const { SpectralBasis, chebyshevCoefficients, chebyshevFilter, heatKernel, laplacian } = api;
const times = arg('t', '1,5').split(',').map(Number);
const d = await planetoidFromArgs(api, 'cora');
const n = d.graph.numNodes;
let t0 = performance.now();
const basis = SpectralBasis.fromGraph(d.graph, { laplacian: 'symmetric' });
console.log(`eigh of the ${n}×${n} symmetric Laplacian: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const lambdaMax = basis.values[n - 1];
console.log(`λ_min ${basis.values[0].toExponential(2)}, λ_max ${lambdaMax.toFixed(6)}`);
// the one-hot labels as a float64 [n, classes] signal
const c = Math.max(...d.labels) + 1;
const x = new Float64Array(n * c);
d.labels.forEach((label, r) => {
  x[r * c + label] = 1;
});
const norm = (v) => Math.sqrt(v.reduce((s, e) => s + e * e, 0));
const L = laplacian(d.graph, 'symmetric');
for (const t of times) {
  const g = heatKernel(t);
  t0 = performance.now();
  const exact = basis.filter(g, x);
  const exactMs = performance.now() - t0;
  console.log(`\nheat kernel exp(−${t}λ): exact filter through the eigenbasis ${(exactMs / 1000).toFixed(1)} s`);
  console.log('K | maxError on [0, λ_max] | max error at the eigenvalues | relative error of the filtered labels | time');
  for (const K of [2, 5, 10]) {
    const fit = chebyshevCoefficients(g, K, lambdaMax);
    let atEigen = 0;
    for (const lambda of basis.values) atEigen = Math.max(atEigen, Math.abs(g(lambda) - fit.evaluate(lambda)));
    t0 = performance.now();
    const y = chebyshevFilter(L, fit, x);
    const ms = performance.now() - t0;
    const rel = norm(y.map((v, i) => v - exact[i])) / norm(exact);
    console.log(`${K} | ${fit.maxError.toExponential(3)} | ${atEigen.toExponential(3)} | ${rel.toExponential(3)} | ${ms.toFixed(0)} ms`);
  }
}

#!/usr/bin/env node
// The Chebyshev approximation of a spectral filter on Cora (Hammond et al. 2011): the heat kernel
// g(λ) = exp(−tλ) of Cora's symmetric normalised Laplacian fitted by chebyshevCoefficients with
// K = 2, 5, 10 on [0, λ_max] (λ_max by Lanczos), reported as:
//   - maxError: sup |g(λ) − p_K(λ)| over [0, λ_max] (1,001 points), what chebyshevCoefficients reports;
//     it bounds the error at every eigenvalue of L, so ‖p_K(L)x − g(L)x‖₂ <= maxError·‖x‖₂;
//   - on a signal: ‖p_K(L)x − g(L)x‖₂ / ‖g(L)x‖₂ for x = the one-hot class labels (7 channels:
//     diffusing them is label propagation). The reference g(L)x is exact through the eigenbasis
//     with --exact eigh (a dense 2,708 × 2,708 eigendecomposition: minutes), else the order-60
//     Chebyshev filter, whose own maxError (printed, ~1e-16) bounds its distance from g(L)x.
// Build first (pnpm exec turbo run build --filter @lec/bench...).
//   node apps/bench/scripts/gcn/chebyshev-cora.mjs [--data ../shared/datasets] [--source original|text] [--t 1,5] [--exact eigh]
import * as api from '@lec/gcn';
import { arg, planetoidFromArgs } from './common.mjs';

const { SpectralBasis, chebyshevCoefficients, chebyshevFilter, heatKernel, lanczos, laplacian } = api;
const times = arg('t', '1,5').split(',').map(Number);
const d = await planetoidFromArgs(api, 'cora');
const n = d.graph.numNodes;
const L = laplacian(d.graph, 'symmetric');
let t0 = performance.now();
const basis = arg('exact', '') === 'eigh' ? SpectralBasis.fromGraph(d.graph, { laplacian: 'symmetric' }) : null;
const lambdaMax = basis ? basis.values[n - 1] : lanczos(L, 1, { which: 'largest' }).values[0];
console.log(`λ_max ${lambdaMax.toFixed(6)} by ${basis ? 'dense eigh' : 'Lanczos'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const c = Math.max(...d.labels) + 1;
const x = new Float64Array(n * c);
d.labels.forEach((label, r) => {
  x[r * c + label] = 1;
});
const norm = (v) => Math.sqrt(v.reduce((s, e) => s + e * e, 0));
for (const t of times) {
  const g = heatKernel(t);
  let exact;
  if (basis) exact = basis.filter(g, x);
  else {
    const reference = chebyshevCoefficients(g, 60, lambdaMax);
    exact = chebyshevFilter(L, reference, x);
    console.log(`\nheat kernel exp(−${t}λ): reference = order-60 Chebyshev filter (its maxError ${reference.maxError.toExponential(2)})`);
  }
  if (basis) console.log(`\nheat kernel exp(−${t}λ): reference = U g(Λ) Uᵀ x through the eigenbasis`);
  console.log('K | maxError on [0, λ_max] | relative error of the filtered labels | time of p_K(L)x');
  for (const K of [2, 5, 10]) {
    const fit = chebyshevCoefficients(g, K, lambdaMax);
    t0 = performance.now();
    const y = chebyshevFilter(L, fit, x);
    const ms = performance.now() - t0;
    const rel = norm(y.map((v, i) => v - exact[i])) / norm(exact);
    console.log(`${K} | ${fit.maxError.toExponential(3)} | ${rel.toExponential(3)} | ${ms.toFixed(0)} ms`);
  }
}

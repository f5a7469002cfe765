/**
 * Gradient clipping. By global norm (Pascanu, Mikolov & Bengio 2013): when
 * ‖g‖ = √(Σ_i ‖g_i‖²) over all gradients exceeds maxNorm, every gradient is scaled by
 * maxNorm/‖g‖ (the direction is kept). By value: each entry clipped to [−c, c].
 */
import { type Tensor, ValueError, abs, div, max, mul, square, sum, tidy, clip } from '@lec/tensor';

/**
 * The global L2 norm of a list of tensors, computed as m·√(Σ (g/m)²) with m = max |g| so
 * that squares of large finite gradients do not overflow float32. NaN/Infinity propagate.
 * @example
 * ```ts
 * globalNorm([tensor([3]), tensor([4])]); // 5
 * ```
 */
export function globalNorm(tensors: readonly Tensor[]): number {
  if (tensors.length === 0) return 0;
  let m = 0;
  for (const t of tensors) {
    if (t.size === 0) continue;
    const v = tidy(() => max(abs(t)).item());
    if (Number.isNaN(v)) return NaN;
    m = Math.max(m, v);
  }
  if (m === 0) return 0;
  if (!Number.isFinite(m)) return Infinity;
  let total = 0;
  for (const t of tensors) if (t.size > 0) total += tidy(() => sum(square(div(t, m))).item());
  return m * Math.sqrt(total);
}

/**
 * Clips gradients by their global norm. Returns the (possibly scaled) gradients and the norm
 * before clipping. Gradients under the limit are returned as they are. With a NaN or infinite
 * norm (a gradient has a NaN or infinite entry) it is a no-op: the gradients come back
 * unchanged with that norm, and `Optimizer.step` (hence `trainStep` and `fit`) refuses them with
 * a NonFiniteError naming the parameter, so they never reach the parameters.
 * @example
 * ```ts
 * const { grads, norm } = clipGradNorm([tensor([3]), tensor([4])], 1);
 * norm; // 5
 * grads[1].toArray(); // [0.8]
 * ```
 */
export function clipGradNorm(grads: readonly Tensor[], maxNorm: number): { grads: Tensor[]; norm: number } {
  if (!(maxNorm > 0)) throw new ValueError('clipGradNorm', `argument 'maxNorm' expected a number > 0, got ${maxNorm}`);
  const norm = globalNorm(grads);
  if (!(norm > maxNorm) || !Number.isFinite(norm)) return { grads: [...grads], norm };
  const scale = maxNorm / norm;
  return { grads: grads.map((g) => mul(g, scale)), norm };
}

/**
 * Clips every gradient entry to [−clipValue, clipValue].
 * @example
 * ```ts
 * clipGradValue([tensor([-3, 0.5])], 1)[0].toArray(); // [-1, 0.5]
 * ```
 */
export function clipGradValue(grads: readonly Tensor[], clipValue: number): Tensor[] {
  if (!(clipValue > 0)) throw new ValueError('clipGradValue', `argument 'clipValue' expected a number > 0, got ${clipValue}`);
  return grads.map((g) => clip(g, -clipValue, clipValue));
}

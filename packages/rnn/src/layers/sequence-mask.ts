import { Rng, type Tensor, ValueError, tensor } from '@lec/tensor';

/**
 * @internal Per-step masks for variable-length batches: masks[t] is [batch, 1] with 1 where
 * t < lengths[b] and 0 on padded steps.
 */
export function stepMasks(lengths: ArrayLike<number>, steps: number, like: Tensor): Tensor[] {
  const batch = lengths.length;
  for (let b = 0; b < batch; b++) {
    if (!Number.isSafeInteger(lengths[b]) || lengths[b] < 0 || lengths[b] > steps) {
      throw new ValueError('recurrent', `argument 'lengths' expected integers in [0, ${steps}], got ${lengths[b]} at batch index ${b}`);
    }
  }
  return Array.from({ length: steps }, (_, t) => {
    const m = new Float64Array(batch);
    for (let b = 0; b < batch; b++) m[b] = t < lengths[b] ? 1 : 0;
    return tensor(m, [batch, 1], { dtype: like.dtype, backend: like.backend });
  });
}

/**
 * @internal Flat row indices that reverse each sequence within its own length (padding stays
 * in place): for x [B, T, F] reshaped to [B·T, F], gather rows by these indices. The map is
 * its own inverse.
 */
export function reverseIndices(lengths: ArrayLike<number> | undefined, batch: number, steps: number, like: Tensor): Tensor {
  const idx = new Int32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    const len = lengths ? lengths[b] : steps;
    for (let t = 0; t < steps; t++) idx[b * steps + t] = b * steps + (t < len ? len - 1 - t : t);
  }
  return tensor(idx, [batch * steps], { backend: like.backend });
}

/** @internal A fresh generator for layer dropout. */
export function dropoutRng(seed: number | undefined): Rng {
  return new Rng(seed ?? 0);
}

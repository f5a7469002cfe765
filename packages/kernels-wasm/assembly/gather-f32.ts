/**
 * Gather and scatter-add along one axis, x viewed as [outer, dim, inner]: gather copies rows of
 * `inner` 32-bit elements (any 32-bit dtype), scatter-add accumulates float32 updates in f64
 * (in `work`) so repeated indices round once, as the reference does. Indices are checked by
 * the host.
 */

/** out[o, i, :] = x[o, indices[i], :] for out [outer, indexCount, inner]. */
export function gather_32(x: usize, indices: usize, out: usize, outer: i32, dim: i32, indexCount: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>dim * rowBytes;
    const dst = out + <usize>o * <usize>indexCount * rowBytes;
    for (let i = 0; i < indexCount; i++) {
      const k = load<i32>(indices + (<usize>i << 2));
      memory.copy(dst + <usize>i * rowBytes, src + <usize>k * rowBytes, rowBytes);
    }
  }
}

/** Bytes of `work` scatter_add_f32 needs for an output of `size` floats. */
export function scatter_add_f32_workspace_bytes(size: i32): usize {
  return <usize>size << 3;
}

/** out [outer, dim, inner] = zeros, then out[o, indices[i], :] += updates[o, i, :]. */
export function scatter_add_f32(updates: usize, indices: usize, out: usize, outer: i32, dim: i32, indexCount: i32, inner: i32, work: usize): void {
  const size = <usize>outer * <usize>dim * <usize>inner;
  memory.fill(work, 0, size << 3);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < indexCount; i++) {
      const k = load<i32>(indices + (<usize>i << 2));
      const dst = work + ((<usize>o * <usize>dim + <usize>k) * <usize>inner << 3);
      const src = updates + ((<usize>o * <usize>indexCount + <usize>i) * <usize>inner << 2);
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 2 <= inner; j += 2) {
          const a = dst + (<usize>j << 3);
          v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v128.load64_zero(src + (<usize>j << 2)))));
        }
      }
      for (; j < inner; j++) {
        const a = dst + (<usize>j << 3);
        store<f64>(a, load<f64>(a) + <f64>load<f32>(src + (<usize>j << 2)));
      }
    }
  }
  for (let p: usize = 0; p < size; p++) store<f32>(out + (p << 2), <f32>load<f64>(work + (p << 3)));
}

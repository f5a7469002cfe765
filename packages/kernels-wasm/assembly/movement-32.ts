/**
 * Data movement of 32-bit elements (float32 or int32): one strided copy that serves
 * transpose, concat and slices. The host coalesces the dimensions and passes an i32 block at
 * `dims`: shape[rank], the source strides, the destination strides (elements), then `rank`
 * counters the kernel uses as scratch. A row whose source and destination are both
 * contiguous is one memory.copy; other rows move element by element.
 */

/** Copies shape-many elements from src (strided) to dst (strided). rank ≥ 1. */
export function strided_copy_32(src: usize, dst: usize, rank: i32, dims: usize): void {
  const shape = dims;
  const strideS = dims + (<usize>rank << 2);
  const strideD = dims + (<usize>rank << 3);
  const count = dims + (<usize>(rank * 3) << 2);
  const last = rank - 1;
  const lastOffset = <usize>last << 2;
  const n = load<i32>(shape + lastOffset);
  const ss = load<i32>(strideS + lastOffset);
  const ds = load<i32>(strideD + lastOffset);
  for (let d = 0; d < last; d++) {
    if (load<i32>(shape + (<usize>d << 2)) == 0) return;
    store<i32>(count + (<usize>d << 2), 0);
  }
  if (n == 0) return;
  let ps = src;
  let pd = dst;
  for (;;) {
    if (ss == 1 && ds == 1) {
      memory.copy(pd, ps, <usize>n << 2);
    } else if (ds == 1) {
      let i = 0;
      const step = <usize>ss << 2;
      let q = ps;
      for (; i + 4 <= n; i += 4) {
        const o = pd + (<usize>i << 2);
        store<i32>(o, load<i32>(q));
        store<i32>(o, load<i32>(q + step), 4);
        store<i32>(o, load<i32>(q + 2 * step), 8);
        store<i32>(o, load<i32>(q + 3 * step), 12);
        q += 4 * step;
      }
      for (; i < n; i++) {
        store<i32>(pd + (<usize>i << 2), load<i32>(q));
        q += step;
      }
    } else {
      for (let i = 0; i < n; i++) store<i32>(pd + (<usize>(i * ds) << 2), load<i32>(ps + (<usize>(i * ss) << 2)));
    }
    let d = last - 1;
    while (d >= 0) {
      const dd = <usize>d << 2;
      const k = load<i32>(count + dd) + 1;
      const size = load<i32>(shape + dd);
      const ts = load<i32>(strideS + dd);
      const td = load<i32>(strideD + dd);
      if (k < size) {
        store<i32>(count + dd, k);
        ps += <usize>ts << 2;
        pd += <usize>td << 2;
        break;
      }
      store<i32>(count + dd, 0);
      ps -= <usize>(ts * (size - 1)) << 2;
      pd -= <usize>(td * (size - 1)) << 2;
      d--;
    }
    if (d < 0) return;
  }
}

/**
 * Sparse × dense, f32: out[rows, n] = A · dense, A in CSR form (rowPtr[rows+1], colIdx[nnz]
 * as i32, values[nnz] as f32), dense [cols, n] row-major. The host checks the CSR structure
 * (indices in range) first.
 *
 * Each output row is built a column block at a time (16, 8 or 4 columns in f32x4 registers,
 * then single columns) over the row's entries in order, and stored once: no load and store
 * of the output per entry, so the loop body is little more than the gathers of the dense
 * rows, and many of those (the cache misses of a large graph) can be in flight at once.
 * Every output element is the same sum in the same order as an entry-by-entry accumulation
 * into a zeroed row.
 */
import { maddF32x4 } from './simd-helpers';

export function spmm_f32(rowPtr: usize, colIdx: usize, values: usize, rows: i32, dense: usize, n: i32, out: usize): void {
  const rowBytes = <usize>n * 4;
  for (let i = 0; i < rows; i++) {
    const o = out + <usize>i * rowBytes;
    const p0 = load<i32>(rowPtr + (<usize>i << 2));
    const p1 = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 16 <= n; j += 16) {
        const col = dense + (<usize>j << 2);
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        let a2 = f32x4.splat(0);
        let a3 = f32x4.splat(0);
        for (let p = p0; p < p1; p++) {
          const vv = f32x4.splat(load<f32>(values + (<usize>p << 2)));
          const src = col + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes;
          a0 = maddF32x4(vv, v128.load(src), a0);
          a1 = maddF32x4(vv, v128.load(src, 16), a1);
          a2 = maddF32x4(vv, v128.load(src, 32), a2);
          a3 = maddF32x4(vv, v128.load(src, 48), a3);
        }
        const dst = o + (<usize>j << 2);
        v128.store(dst, a0);
        v128.store(dst, a1, 16);
        v128.store(dst, a2, 32);
        v128.store(dst, a3, 48);
      }
      if (j + 8 <= n) {
        const col = dense + (<usize>j << 2);
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        for (let p = p0; p < p1; p++) {
          const vv = f32x4.splat(load<f32>(values + (<usize>p << 2)));
          const src = col + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes;
          a0 = maddF32x4(vv, v128.load(src), a0);
          a1 = maddF32x4(vv, v128.load(src, 16), a1);
        }
        const dst = o + (<usize>j << 2);
        v128.store(dst, a0);
        v128.store(dst, a1, 16);
        j += 8;
      }
      if (j + 4 <= n) {
        const col = dense + (<usize>j << 2);
        let a0 = f32x4.splat(0);
        for (let p = p0; p < p1; p++) {
          const vv = f32x4.splat(load<f32>(values + (<usize>p << 2)));
          a0 = maddF32x4(vv, v128.load(col + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes), a0);
        }
        v128.store(o + (<usize>j << 2), a0);
        j += 4;
      }
    }
    for (; j < n; j++) {
      const col = dense + (<usize>j << 2);
      let acc: f32 = 0;
      for (let p = p0; p < p1; p++) {
        acc += load<f32>(values + (<usize>p << 2)) * load<f32>(col + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes);
      }
      store<f32>(o + (<usize>j << 2), acc);
    }
  }
}

/**
 * Sparse × dense, f32: out[rows, n] = A · dense, A in CSR form (rowPtr[rows+1], colIdx[nnz]
 * as i32, values[nnz] as f32), dense [cols, n] row-major. Each output row is accumulated in
 * place, four columns per f32x4. The host checks the CSR structure (indices in range) first.
 */
import { maddF32x4 } from './simd-helpers';

export function spmm_f32(rowPtr: usize, colIdx: usize, values: usize, rows: i32, dense: usize, n: i32, out: usize): void {
  const rowBytes = <usize>n * 4;
  memory.fill(out, 0, <usize>rows * rowBytes);
  for (let i = 0; i < rows; i++) {
    const o = out + <usize>i * rowBytes;
    const p1 = load<i32>(rowPtr + (<usize>(i + 1) << 2));
    for (let p = load<i32>(rowPtr + (<usize>i << 2)); p < p1; p++) {
      const v = load<f32>(values + (<usize>p << 2));
      const src = dense + <usize>load<i32>(colIdx + (<usize>p << 2)) * rowBytes;
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        const vv = f32x4.splat(v);
        for (; j + 4 <= n; j += 4) {
          const off = <usize>j << 2;
          v128.store(o + off, maddF32x4(vv, v128.load(src + off), v128.load(o + off)));
        }
      }
      for (; j < n; j++) {
        const off = <usize>j << 2;
        store<f32>(o + off, load<f32>(o + off) + v * load<f32>(src + off));
      }
    }
  }
}

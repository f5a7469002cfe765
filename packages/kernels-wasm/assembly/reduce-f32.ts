/**
 * Float32 reductions (sum, max, min) of x viewed as [outer, r, inner] over its middle
 * dimension: out[o, j] = op over k of x[o, k, j]. The host coalesces any set of reduced axes
 * into one or more such calls. inner = 1 is a contiguous row (16 lanes of partial results,
 * combined at the end); inner > 1 runs down the columns four at a time. max/min propagate NaN
 * (any NaN in a slice gives NaN, as the reference does); r must be ≥ 1 for max/min (the host
 * checks), a sum over r = 0 is 0.
 *
 * Sums accumulate in f32 in blocks of 256 terms whose results are added in f64, so the error
 * grows like 256·ε plus the f64 sum of blocks rather than r·ε.
 */
const SUM = 0;
const MAX = 1;

const BLOCK = 256;

// @ts-ignore: decorator
@inline function combine(op: i32, a: v128, b: v128): v128 {
  if (op == SUM) return f32x4.add(a, b);
  if (op == MAX) return f32x4.max(a, b);
  return f32x4.min(a, b);
}

// @ts-ignore: decorator
@inline function combineScalar(op: i32, a: f32, b: f32): f32 {
  if (op == SUM) return a + b;
  if (a != a || b != b) return NaN;
  if (op == MAX) return a > b ? a : b;
  return a < b ? a : b;
}

/** op over n contiguous floats at p (n ≥ 1 unless SUM). */
// @ts-ignore: decorator
@inline function reduceRow(op: i32, p: usize, n: i32): f32 {
  if (op == SUM) {
    let total: f64 = 0;
    for (let start = 0; start < n; start += BLOCK) {
      const end = min(start + BLOCK, n);
      let i = start;
      let s: f32 = 0;
      if (ASC_FEATURE_SIMD) {
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        let a2 = f32x4.splat(0);
        let a3 = f32x4.splat(0);
        for (; i + 16 <= end; i += 16) {
          const q = p + (<usize>i << 2);
          a0 = f32x4.add(a0, v128.load(q));
          a1 = f32x4.add(a1, v128.load(q, 16));
          a2 = f32x4.add(a2, v128.load(q, 32));
          a3 = f32x4.add(a3, v128.load(q, 48));
        }
        for (; i + 4 <= end; i += 4) a0 = f32x4.add(a0, v128.load(p + (<usize>i << 2)));
        const v = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
        s = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
      }
      for (; i < end; i++) s += load<f32>(p + (<usize>i << 2));
      total += <f64>s;
    }
    return <f32>total;
  }
  let i = 0;
  let acc = load<f32>(p);
  if (ASC_FEATURE_SIMD && n >= 4) {
    let v = v128.load(p);
    for (i = 4; i + 4 <= n; i += 4) v = combine(op, v, v128.load(p + (<usize>i << 2)));
    acc = combineScalar(op, combineScalar(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), combineScalar(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  } else {
    i = 1;
  }
  for (; i < n; i++) acc = combineScalar(op, acc, load<f32>(p + (<usize>i << 2)));
  return acc;
}

/**
 * Sum of columns for an inner size dividing 16 or 12 (the channel sums of NHWC gradients with 2,
 * 3, 4, 6, 8, 12 or 16 channels: conv bias gradients): the rows are read as one run of 16 (or 12)
 * floats at a time into four (three) f32x4 accumulators, so lane l sums column l mod inner; each
 * block of BLOCK rows (a whole number of runs) is then folded per column and added in f64 into
 * `work` (inner f64, then 16 floats of scratch).
 */
function sumNarrowColumns(x: usize, out: usize, r: i32, inner: i32, work: usize): void {
  const run = 16 % inner == 0 ? 16 : 12;
  const rowsPerRun = run / inner;
  const scratch = work + (<usize>inner << 3);
  for (let j = 0; j < inner; j++) store<f64>(work + (<usize>j << 3), 0);
  for (let start = 0; start < r; start += BLOCK) {
    const end = min(start + BLOCK, r);
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let row = start;
    let p = x + <usize>(start * inner) * 4;
    if (run == 16) {
      for (; row + rowsPerRun <= end; row += rowsPerRun) {
        a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16));
        a2 = f32x4.add(a2, v128.load(p, 32)); a3 = f32x4.add(a3, v128.load(p, 48));
        p += 64;
      }
    } else {
      for (; row + rowsPerRun <= end; row += rowsPerRun) {
        a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p, 16)); a2 = f32x4.add(a2, v128.load(p, 32));
        p += 48;
      }
    }
    v128.store(scratch, a0); v128.store(scratch, a1, 16); v128.store(scratch, a2, 32); v128.store(scratch, a3, 48);
    for (let j = 0; j < inner; j++) {
      let s: f32 = 0;
      for (let i = 0; i < rowsPerRun; i++) s += load<f32>(scratch + (<usize>(i * inner + j) << 2));
      // the last block's rows past its last whole run
      for (let k = row; k < end; k++) s += load<f32>(x + (<usize>(k * inner + j) << 2));
      const w = work + (<usize>j << 3);
      store<f64>(w, load<f64>(w) + <f64>s);
    }
  }
  for (let j = 0; j < inner; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(work + (<usize>j << 3)));
}

/** out[j] = op over k < r of x[k·inner + j], j < inner (inner > 1); `work` holds inner f64 for sums. */
// @ts-ignore: decorator
@inline function reduceColumns(op: i32, x: usize, out: usize, r: i32, inner: i32, work: usize): void {
  if (ASC_FEATURE_SIMD) {
    if (op == SUM && (16 % inner == 0 || 12 % inner == 0)) {
      sumNarrowColumns(x, out, r, inner, work);
      return;
    }
  }
  const rowBytes = <usize>inner << 2;
  if (op == SUM) for (let j = 0; j < inner; j++) store<f64>(work + (<usize>j << 3), 0);
  for (let start = 0; start < r; start += BLOCK) {
    const end = min(start + BLOCK, r);
    // the block's first row, then the others combined into it
    memory.copy(out, x + <usize>start * rowBytes, rowBytes);
    for (let k = start + 1; k < end; k++) {
      const row = x + <usize>k * rowBytes;
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 4 <= inner; j += 4) {
          const o = <usize>j << 2;
          v128.store(out + o, combine(op, v128.load(out + o), v128.load(row + o)));
        }
      }
      for (; j < inner; j++) {
        const o = <usize>j << 2;
        store<f32>(out + o, combineScalar(op, load<f32>(out + o), load<f32>(row + o)));
      }
    }
    if (op == SUM) {
      for (let j = 0; j < inner; j++) {
        const w = work + (<usize>j << 3);
        store<f64>(w, load<f64>(w) + <f64>load<f32>(out + (<usize>j << 2)));
      }
    } else if (start > 0) {
      // fold this block into the running result kept in work (as f32 bits)
      for (let j = 0; j < inner; j++) {
        const o = <usize>j << 2;
        store<f32>(out + o, combineScalar(op, load<f32>(work + o), load<f32>(out + o)));
      }
    }
    if (op != SUM && end < r) memory.copy(work, out, rowBytes);
  }
  if (op == SUM) {
    if (r == 0) {
      memory.fill(out, 0, rowBytes);
      return;
    }
    for (let j = 0; j < inner; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(work + (<usize>j << 3)));
  }
}

// @ts-ignore: decorator
@inline function reduceAll(op: i32, x: usize, out: usize, outer: i32, r: i32, inner: i32, work: usize): void {
  const slice = <usize>r * (<usize>inner << 2);
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * slice;
    if (inner == 1) store<f32>(out + (<usize>o << 2), reduceRow(op, src, r));
    else reduceColumns(op, src, out + (<usize>(o * inner) << 2), r, inner, work);
  }
}

/** Bytes of `work` reduce_f32 needs for a call with this inner size. */
export function reduce_f32_workspace_bytes(inner: i32): usize {
  return (<usize>inner << 3) + 64;
}

/**
 * out[o, j] = op(x[o, 0, j], …, x[o, r − 1, j]) for x [outer, r, inner] (op 0 sum, 1 max,
 * 2 min); `work` holds reduce_f32_workspace_bytes(inner) bytes.
 */
export function reduce_f32(op: i32, x: usize, out: usize, outer: i32, r: i32, inner: i32, work: usize): void {
  if (op == SUM) reduceAll(SUM, x, out, outer, r, inner, work);
  else if (op == MAX) reduceAll(MAX, x, out, outer, r, inner, work);
  else reduceAll(2, x, out, outer, r, inner, work);
}

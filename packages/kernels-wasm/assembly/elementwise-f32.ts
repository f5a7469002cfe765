/**
 * Elementwise float32 kernels: the unary ops, binary arithmetic and comparisons with numpy
 * broadcasting, and `where`. Four lanes at a time in the SIMD builds (transcendentals from
 * math-f32.ts; sin, cos and pow stay scalar, through the f64 libm); the scalar build computes
 * every transcendental in f64 and rounds once, like the JavaScript reference.
 *
 * Broadcasting: the host coalesces the operands to `rank` dimensions (rank ≥ 1, the output
 * contiguous) and passes a block of i32 at `dims`: shape[rank], then one stride row per operand
 * (elements; 0 on a broadcast dimension), then `rank` counters the kernel uses as scratch. The
 * last dimension runs as a row: unit or zero strides take the vector loop (same-shape,
 * scalar-broadcast and row-broadcast forms), other strides the scalar one.
 *
 * Op codes (the host's tables in src/kernels/elementwise.ts follow this order):
 * unary: neg abs sign exp expm1 log log1p sqrt square reciprocal tanh sigmoid relu step floor
 * ceil round sin cos; binary: add sub mul div pow maximum minimum equal notEqual less lessEqual
 * greater greaterEqual (comparisons write int32 0/1).
 */
import { expF32x4, expm1F32x4, log1pF32x4, logF32x4, sigmoidF32x4, tanhF32x4 } from './math-f32';

const NEG = 0;
const ABS = 1;
const SIGN = 2;
const EXP = 3;
const EXPM1 = 4;
const LOG = 5;
const LOG1P = 6;
const SQRT = 7;
const SQUARE = 8;
const RECIPROCAL = 9;
const TANH = 10;
const SIGMOID = 11;
const RELU = 12;
const STEP = 13;
const FLOOR = 14;
const CEIL = 15;
const ROUND = 16;
const SIN = 17;
const COS = 18;

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const POW = 4;
const MAXIMUM = 5;
const MINIMUM = 6;
const EQUAL = 7;
const NOT_EQUAL = 8;
const LESS = 9;
const LESS_EQUAL = 10;
const GREATER = 11;
const GREATER_EQUAL = 12;

// ---- unary ----

// @ts-ignore: decorator
@inline function unaryScalar(op: i32, v: f32): f32 {
  const x = <f64>v;
  if (op == NEG) return -v;
  if (op == ABS) return abs<f32>(v);
  if (op == SIGN) return v > 0 ? 1 : v < 0 ? -1 : v;
  if (op == EXP) return <f32>Math.exp(x);
  if (op == EXPM1) return <f32>Math.expm1(x);
  if (op == LOG) return <f32>Math.log(x);
  if (op == LOG1P) return <f32>Math.log1p(x);
  if (op == SQRT) return sqrt<f32>(v);
  if (op == SQUARE) return v * v;
  if (op == RECIPROCAL) return f32(1) / v;
  if (op == TANH) return <f32>Math.tanh(x);
  if (op == SIGMOID) {
    if (x >= 0) return <f32>(1 / (1 + Math.exp(-x)));
    const e = Math.exp(x);
    return <f32>(e / (1 + e));
  }
  if (op == RELU) return v <= 0 ? 0 : v;
  if (op == STEP) return v > 0 ? 1 : v != v ? v : 0;
  if (op == FLOOR) return floor<f32>(v);
  if (op == CEIL) return ceil<f32>(v);
  if (op == ROUND) return nearest<f32>(v);
  if (op == SIN) return <f32>Math.sin(x);
  return <f32>Math.cos(x);
}

// @ts-ignore: decorator
@inline function unaryVector(op: i32, v: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  if (op == NEG) return f32x4.neg(v);
  if (op == ABS) return f32x4.abs(v);
  if (op == SIGN) return v128.bitselect(one, v128.bitselect(f32x4.splat(-1), v, f32x4.lt(v, zero)), f32x4.gt(v, zero));
  if (op == EXP) return expF32x4(v);
  if (op == EXPM1) return expm1F32x4(v);
  if (op == LOG) return logF32x4(v);
  if (op == LOG1P) return log1pF32x4(v);
  if (op == SQRT) return f32x4.sqrt(v);
  if (op == SQUARE) return f32x4.mul(v, v);
  if (op == RECIPROCAL) return f32x4.div(one, v);
  if (op == TANH) return tanhF32x4(v);
  if (op == SIGMOID) return sigmoidF32x4(v);
  if (op == RELU) return v128.andnot(v, f32x4.le(v, zero)); // NaN fails ≤ and stays
  if (op == STEP) return v128.bitselect(v, v128.and(f32x4.gt(v, zero), one), f32x4.ne(v, v));
  if (op == FLOOR) return f32x4.floor(v);
  if (op == CEIL) return f32x4.ceil(v);
  return f32x4.nearest(v); // ROUND: ties to even
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && op != SIN && op != COS) {
    for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), unaryVector(op, v128.load(x + (<usize>i << 2))));
    const rest = n - i;
    if (rest > 0) {
      // the last 1-3 values through the vector formula too, so every lane agrees
      const p = x + (<usize>i << 2);
      const q = out + (<usize>i << 2);
      let v = f32x4.splat(1);
      v = f32x4.replace_lane(v, 0, load<f32>(p));
      if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
      if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
      const r = unaryVector(op, v);
      store<f32>(q, f32x4.extract_lane(r, 0));
      if (rest > 1) store<f32>(q, f32x4.extract_lane(r, 1), 4);
      if (rest > 2) store<f32>(q, f32x4.extract_lane(r, 2), 8);
    }
    return;
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), unaryScalar(op, load<f32>(x + (<usize>i << 2))));
}

/** out[i] = op(x[i]) for n floats (out may be x). */
export function unary_f32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryLoop(NEG, x, out, n); break;
    case ABS: unaryLoop(ABS, x, out, n); break;
    case SIGN: unaryLoop(SIGN, x, out, n); break;
    case EXP: unaryLoop(EXP, x, out, n); break;
    case EXPM1: unaryLoop(EXPM1, x, out, n); break;
    case LOG: unaryLoop(LOG, x, out, n); break;
    case LOG1P: unaryLoop(LOG1P, x, out, n); break;
    case SQRT: unaryLoop(SQRT, x, out, n); break;
    case SQUARE: unaryLoop(SQUARE, x, out, n); break;
    case RECIPROCAL: unaryLoop(RECIPROCAL, x, out, n); break;
    case TANH: unaryLoop(TANH, x, out, n); break;
    case SIGMOID: unaryLoop(SIGMOID, x, out, n); break;
    case RELU: unaryLoop(RELU, x, out, n); break;
    case STEP: unaryLoop(STEP, x, out, n); break;
    case FLOOR: unaryLoop(FLOOR, x, out, n); break;
    case CEIL: unaryLoop(CEIL, x, out, n); break;
    case ROUND: unaryLoop(ROUND, x, out, n); break;
    case SIN: unaryLoop(SIN, x, out, n); break;
    default: unaryLoop(COS, x, out, n);
  }
}

// ---- binary ----

/** The result's bits: an f32 for arithmetic, int32 0/1 for comparisons. */
// @ts-ignore: decorator
@inline function binaryScalar(op: i32, x: f32, y: f32): i32 {
  if (op == ADD) return reinterpret<i32>(x + y);
  if (op == SUB) return reinterpret<i32>(x - y);
  if (op == MUL) return reinterpret<i32>(x * y);
  if (op == DIV) return reinterpret<i32>(x / y);
  if (op == POW) return reinterpret<i32>(<f32>Math.pow(<f64>x, <f64>y));
  if (op == MAXIMUM) return reinterpret<i32>(x != x || y != y ? NaN : x > y ? x : y);
  if (op == MINIMUM) return reinterpret<i32>(x != x || y != y ? NaN : x < y ? x : y);
  if (op == EQUAL) return i32(x == y);
  if (op == NOT_EQUAL) return i32(x != y);
  if (op == LESS) return i32(x < y);
  if (op == LESS_EQUAL) return i32(x <= y);
  if (op == GREATER) return i32(x > y);
  return i32(x >= y);
}

// @ts-ignore: decorator
@inline function binaryVector(op: i32, a: v128, b: v128): v128 {
  const one = i32x4.splat(1);
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  if (op == MAXIMUM) return f32x4.max(a, b); // NaN propagates
  if (op == MINIMUM) return f32x4.min(a, b);
  if (op == EQUAL) return v128.and(f32x4.eq(a, b), one);
  if (op == NOT_EQUAL) return v128.and(f32x4.ne(a, b), one);
  if (op == LESS) return v128.and(f32x4.lt(a, b), one);
  if (op == LESS_EQUAL) return v128.and(f32x4.le(a, b), one);
  if (op == GREATER) return v128.and(f32x4.gt(a, b), one);
  return v128.and(f32x4.ge(a, b), one);
}

/** One output row of n values: a and b step by sa and sb elements. */
// @ts-ignore: decorator
@inline function binaryRow(op: i32, a: usize, b: usize, out: usize, n: i32, sa: i32, sb: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && op != POW) {
    if (sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, binaryVector(op, v128.load(a + o), v128.load(b + o)));
      }
    } else if (sa == 1 && sb == 0) {
      const vb = v128.load32_splat(b);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, binaryVector(op, v128.load(a + o), vb));
      }
    } else if (sa == 0 && sb == 1) {
      const va = v128.load32_splat(a);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(out + o, binaryVector(op, va, v128.load(b + o)));
      }
    }
  }
  for (; i < n; i++) {
    store<i32>(out + (<usize>i << 2), binaryScalar(op, load<f32>(a + ((<usize>(i * sa)) << 2)), load<f32>(b + ((<usize>(i * sb)) << 2))));
  }
}

// @ts-ignore: decorator
@inline function binaryAll(op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize): void {
  const shape = dims;
  const strideA = dims + (<usize>rank << 2);
  const strideB = dims + (<usize>rank << 3);
  const count = dims + (<usize>(rank * 3) << 2);
  const last = rank - 1;
  const n = load<i32>(shape + (<usize>last << 2));
  const sa = load<i32>(strideA + (<usize>last << 2));
  const sb = load<i32>(strideB + (<usize>last << 2));
  for (let d = 0; d < last; d++) {
    if (load<i32>(shape + (<usize>d << 2)) == 0) return;
    store<i32>(count + (<usize>d << 2), 0);
  }
  if (n == 0) return;
  let pa = a;
  let pb = b;
  let po = out;
  for (;;) {
    binaryRow(op, pa, pb, po, n, sa, sb);
    po += <usize>n << 2;
    // odometer over the outer dimensions
    let d = last - 1;
    while (d >= 0) {
      const dd = <usize>d << 2;
      const c = load<i32>(count + dd) + 1;
      const size = load<i32>(shape + dd);
      const ta = load<i32>(strideA + dd);
      const tb = load<i32>(strideB + dd);
      if (c < size) {
        store<i32>(count + dd, c);
        pa += <usize>ta << 2;
        pb += <usize>tb << 2;
        break;
      }
      store<i32>(count + dd, 0);
      pa -= <usize>(ta * (size - 1)) << 2;
      pb -= <usize>(tb * (size - 1)) << 2;
      d--;
    }
    if (d < 0) return;
  }
}

/**
 * out = a op b broadcast over `rank` dimensions described at `dims` (see the file comment);
 * out is contiguous, float32 for arithmetic and int32 0/1 for comparisons.
 */
export function binary_f32(op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize): void {
  switch (op) {
    case ADD: binaryAll(ADD, a, b, out, rank, dims); break;
    case SUB: binaryAll(SUB, a, b, out, rank, dims); break;
    case MUL: binaryAll(MUL, a, b, out, rank, dims); break;
    case DIV: binaryAll(DIV, a, b, out, rank, dims); break;
    case POW: binaryAll(POW, a, b, out, rank, dims); break;
    case MAXIMUM: binaryAll(MAXIMUM, a, b, out, rank, dims); break;
    case MINIMUM: binaryAll(MINIMUM, a, b, out, rank, dims); break;
    case EQUAL: binaryAll(EQUAL, a, b, out, rank, dims); break;
    case NOT_EQUAL: binaryAll(NOT_EQUAL, a, b, out, rank, dims); break;
    case LESS: binaryAll(LESS, a, b, out, rank, dims); break;
    case LESS_EQUAL: binaryAll(LESS_EQUAL, a, b, out, rank, dims); break;
    case GREATER: binaryAll(GREATER, a, b, out, rank, dims); break;
    default: binaryAll(GREATER_EQUAL, a, b, out, rank, dims);
  }
}

// ---- where ----

/**
 * out = cond != 0 ? a : b (cond int32, a, b and out float32), broadcast over `rank` dimensions:
 * the block at `dims` holds shape, then the stride rows of cond, a and b, then `rank` counters.
 */
export function where_f32(cond: usize, a: usize, b: usize, out: usize, rank: i32, dims: usize): void {
  const shape = dims;
  const strideC = dims + (<usize>rank << 2);
  const strideA = dims + (<usize>rank << 3);
  const strideB = dims + (<usize>(rank * 3) << 2);
  const count = dims + (<usize>(rank * 4) << 2);
  const last = rank - 1;
  const lastOffset = <usize>last << 2;
  const n = load<i32>(shape + lastOffset);
  const sc = load<i32>(strideC + lastOffset);
  const sa = load<i32>(strideA + lastOffset);
  const sb = load<i32>(strideB + lastOffset);
  for (let d = 0; d < last; d++) {
    if (load<i32>(shape + (<usize>d << 2)) == 0) return;
    store<i32>(count + (<usize>d << 2), 0);
  }
  if (n == 0) return;
  let pc = cond;
  let pa = a;
  let pb = b;
  let po = out;
  for (;;) {
    let i = 0;
    if (ASC_FEATURE_SIMD && sc == 1 && sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        const keep = i32x4.ne(v128.load(pc + o), i32x4.splat(0));
        v128.store(po + o, v128.bitselect(v128.load(pa + o), v128.load(pb + o), keep));
      }
    }
    for (; i < n; i++) {
      const c = load<i32>(pc + (<usize>(i * sc) << 2));
      const v = c != 0 ? load<i32>(pa + (<usize>(i * sa) << 2)) : load<i32>(pb + (<usize>(i * sb) << 2));
      store<i32>(po + (<usize>i << 2), v);
    }
    po += <usize>n << 2;
    let d = last - 1;
    while (d >= 0) {
      const dd = <usize>d << 2;
      const k = load<i32>(count + dd) + 1;
      const size = load<i32>(shape + dd);
      const tc = load<i32>(strideC + dd);
      const ta = load<i32>(strideA + dd);
      const tb = load<i32>(strideB + dd);
      if (k < size) {
        store<i32>(count + dd, k);
        pc += <usize>tc << 2;
        pa += <usize>ta << 2;
        pb += <usize>tb << 2;
        break;
      }
      store<i32>(count + dd, 0);
      pc -= <usize>(tc * (size - 1)) << 2;
      pa -= <usize>(ta * (size - 1)) << 2;
      pb -= <usize>(tb * (size - 1)) << 2;
      d--;
    }
    if (d < 0) return;
  }
}

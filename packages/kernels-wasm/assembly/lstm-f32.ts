/**
 * The elementwise half of an LSTM step, f32, forward and backward (the products with the
 * recurrent weights are gemm_f32 calls made by the host between these kernels).
 *
 * Forward, per sample b and unit j, from the gate pre-activations z (blocks i, f, C̃, o):
 *   i = σ(z_i), f = σ(z_f), C̃ = tanh(z_C̃), o = σ(z_o),  c = f·c_prev + i·C̃,  h = o·tanh(c)
 * Backward, from dh (the step's output gradient plus the recurrent one) and dc:
 *   dc_t = dc + dh·o·(1 − tanh²c),  dz_i = dc_t·C̃·i(1−i),  dz_f = dc_t·c_prev·f(1−f),
 *   dz_C̃ = dc_t·i·(1−C̃²),  dz_o = dh·tanh(c)·o(1−o),  dc_prev = dc_t·f
 *
 * σ and tanh come from one exponential: exp(x) = 2ⁿ·exp(r) with n = round(x·log₂e),
 * r = x − n·ln2 (|r| ≤ ln2/2, ln2 split in two parts so r is exact) and exp(r) by its Taylor
 * polynomial to degree 7 (truncation error < 1e-8 relative); exp saturates like the f64
 * reference rounded to f32: +∞ above 88, exactly 0 below −87, NaN stays NaN, so σ(±1000) and
 * σ(±∞) are exactly 1 and 0 and tanh(±∞) exactly ±1. tanh(x) for |x| < 0.2 uses its
 * own Taylor series (to x⁹) because (1 − e^−2|x|)/(1 + e^−2|x|) loses digits near 0.
 * Four lanes at a time in the SIMD builds; the scalar tail and the scalar build use the same
 * formulas, so every lane gets the same answer.
 *
 * Rows may be strided (ld* arguments, in elements): the host keeps z and dz inside
 * [batch, steps, 4H] sequences and steps through them without copies.
 */
import { maddF32x4 } from './simd-helpers';

const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693145751953125; // ln 2 rounded to 12 significant bits, so n·LN2_HI is exact
const LN2_LO: f32 = 1.42860682030941723212e-6; // ln 2 − LN2_HI
const EXP_MAX: f32 = 88.0;
const EXP_MIN: f32 = -87.0;
const C2: f32 = 1.0 / 2.0;
const C3: f32 = 1.0 / 6.0;
const C4: f32 = 1.0 / 24.0;
const C5: f32 = 1.0 / 120.0;
const C6: f32 = 1.0 / 720.0;
const C7: f32 = 1.0 / 5040.0;
// tanh x = x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − …
const T3: f32 = -1.0 / 3.0;
const T5: f32 = 2.0 / 15.0;
const T7: f32 = -17.0 / 315.0;
const T9: f32 = 62.0 / 2835.0;
const TANH_SMALL: f32 = 0.2;

// ---- scalar ----

// @ts-ignore: decorator
@inline function expf(x: f32): f32 {
  const y = min<f32>(max<f32>(x, EXP_MIN), EXP_MAX);
  const n = nearest<f32>(y * LOG2E);
  const r = y - n * LN2_HI - n * LN2_LO;
  const p = f32(1) + r * (f32(1) + r * (C2 + r * (C3 + r * (C4 + r * (C5 + r * (C6 + r * C7))))));
  const e = p * reinterpret<f32>((<i32>n + 127) << 23);
  // saturate outside the polynomial's range (a NaN fails both tests and stays NaN)
  return x > EXP_MAX ? f32(Infinity) : x < EXP_MIN ? f32(0) : e;
}

// @ts-ignore: decorator
@inline function sigmoidf(x: f32): f32 {
  return f32(1) / (f32(1) + expf(-x));
}

// @ts-ignore: decorator
@inline function tanhf(x: f32): f32 {
  const a = abs<f32>(x);
  if (a < TANH_SMALL) {
    const x2 = x * x;
    return x + x * x2 * (T3 + x2 * (T5 + x2 * (T7 + x2 * T9)));
  }
  const e = expf(f32(-2) * a);
  const t = (f32(1) - e) / (f32(1) + e);
  return x < 0 ? -t : t;
}

// ---- f32x4 ----

// @ts-ignore: decorator
@inline function expF32x4(input: v128): v128 {
  const x = f32x4.min(f32x4.max(input, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = maddF32x4(r, f32x4.splat(C7), f32x4.splat(C6));
  p = maddF32x4(r, p, f32x4.splat(C5));
  p = maddF32x4(r, p, f32x4.splat(C4));
  p = maddF32x4(r, p, f32x4.splat(C3));
  p = maddF32x4(r, p, f32x4.splat(C2));
  p = maddF32x4(r, p, f32x4.splat(1));
  p = maddF32x4(r, p, f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const e = f32x4.mul(p, scale);
  // saturate as the scalar expf does: +∞ above EXP_MAX, exactly 0 below EXP_MIN, NaN stays NaN
  const over = f32x4.gt(input, f32x4.splat(EXP_MAX));
  const under = f32x4.lt(input, f32x4.splat(EXP_MIN));
  return v128.andnot(v128.bitselect(f32x4.splat(Infinity), e, over), under);
}

// @ts-ignore: decorator
@inline function sigmoidF32x4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expF32x4(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline function tanhF32x4(x: v128): v128 {
  const one = f32x4.splat(1);
  const a = f32x4.abs(x);
  const e = expF32x4(f32x4.mul(f32x4.splat(-2), a));
  const big = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  const x2 = f32x4.mul(x, x);
  let q = maddF32x4(x2, f32x4.splat(T9), f32x4.splat(T7));
  q = maddF32x4(x2, q, f32x4.splat(T5));
  q = maddF32x4(x2, q, f32x4.splat(T3));
  const small = maddF32x4(f32x4.mul(x, x2), q, x);
  // sign of x on the large branch (|result| from `big`)
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(TANH_SMALL)));
}

/**
 * One forward step for `batch` samples of `hidden` units. z rows (stride ldz) hold the
 * pre-activations and are overwritten with the activations i, f, C̃, o; c, tanhC and h are
 * [batch, hidden] contiguous; h is also written to hOut (row stride ldh) when hOut ≠ 0.
 */
export function lstm_step_forward_f32(
  batch: i32,
  hidden: i32,
  z: usize,
  ldz: i32,
  cPrev: usize,
  c: usize,
  tanhC: usize,
  h: usize,
  hOut: usize,
  ldh: i32,
): void {
  const gateBytes = <usize>hidden << 2;
  for (let b = 0; b < batch; b++) {
    const zi = z + ((<usize>b * <usize>ldz) << 2);
    const zf = zi + gateBytes;
    const zg = zf + gateBytes;
    const zo = zg + gateBytes;
    const row = (<usize>b * <usize>hidden) << 2;
    const out = hOut === 0 ? 0 : hOut + ((<usize>b * <usize>ldh) << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= hidden; j += 4) {
        const o4 = <usize>j << 2;
        const i = sigmoidF32x4(v128.load(zi + o4));
        const f = sigmoidF32x4(v128.load(zf + o4));
        const g = tanhF32x4(v128.load(zg + o4));
        const o = sigmoidF32x4(v128.load(zo + o4));
        const cv = maddF32x4(f, v128.load(cPrev + row + o4), f32x4.mul(i, g));
        const tc = tanhF32x4(cv);
        const hv = f32x4.mul(o, tc);
        v128.store(zi + o4, i);
        v128.store(zf + o4, f);
        v128.store(zg + o4, g);
        v128.store(zo + o4, o);
        v128.store(c + row + o4, cv);
        v128.store(tanhC + row + o4, tc);
        v128.store(h + row + o4, hv);
        if (out !== 0) v128.store(out + o4, hv);
      }
    }
    for (; j < hidden; j++) {
      const o4 = <usize>j << 2;
      const i = sigmoidf(load<f32>(zi + o4));
      const f = sigmoidf(load<f32>(zf + o4));
      const g = tanhf(load<f32>(zg + o4));
      const o = sigmoidf(load<f32>(zo + o4));
      const cv = f * load<f32>(cPrev + row + o4) + i * g;
      const tc = tanhf(cv);
      const hv = o * tc;
      store<f32>(zi + o4, i);
      store<f32>(zf + o4, f);
      store<f32>(zg + o4, g);
      store<f32>(zo + o4, o);
      store<f32>(c + row + o4, cv);
      store<f32>(tanhC + row + o4, tc);
      store<f32>(h + row + o4, hv);
      if (out !== 0) store<f32>(out + o4, hv);
    }
  }
}

/**
 * One backward step. acts rows (stride ldActs) hold i, f, C̃, o of the step; tanhC and cPrev
 * are [batch, hidden]; dh [batch, hidden] is the recurrent gradient, to which dSeq's row
 * (stride ldSeq; 0 for none) is added; dc [batch, hidden] comes in as ∂L/∂c_t and leaves as
 * ∂L/∂c_{t−1}. dz [batch, 4·hidden] receives the gate gradients, and dzOut's rows (stride
 * ldOut) a copy of them when dzOut ≠ 0.
 * Returns 1 when every gate gradient written is finite, else 0 (from 0·(di+df+dg+do), which is
 * NaN exactly when a term is ±∞ or NaN or their sum overflows, so 0 may also mean a finite
 * overflowing sum): the caller need not read dz again to check it.
 */
export function lstm_step_backward_f32(
  batch: i32,
  hidden: i32,
  acts: usize,
  ldActs: i32,
  tanhC: usize,
  cPrev: usize,
  dh: usize,
  dSeq: usize,
  ldSeq: i32,
  dc: usize,
  dz: usize,
  dzOut: usize,
  ldOut: i32,
): i32 {
  const gateBytes = <usize>hidden << 2;
  let finite: i32 = 1;
  let bad: f32 = 0; // 0·(sum of the four gradients): NaN once one was not finite
  for (let b = 0; b < batch; b++) {
    const ai = acts + ((<usize>b * <usize>ldActs) << 2);
    const af = ai + gateBytes;
    const ag = af + gateBytes;
    const ao = ag + gateBytes;
    const row = (<usize>b * <usize>hidden) << 2;
    const seq = dSeq === 0 ? 0 : dSeq + ((<usize>b * <usize>ldSeq) << 2);
    const di = dz + (row << 2);
    const df = di + gateBytes;
    const dg = df + gateBytes;
    const dO = dg + gateBytes;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const one = f32x4.splat(1);
      const zero = f32x4.splat(0);
      let badv = zero;
      for (; j + 4 <= hidden; j += 4) {
        const o4 = <usize>j << 2;
        const i = v128.load(ai + o4);
        const f = v128.load(af + o4);
        const g = v128.load(ag + o4);
        const o = v128.load(ao + o4);
        const tc = v128.load(tanhC + row + o4);
        let dhv = v128.load(dh + row + o4);
        if (seq !== 0) dhv = f32x4.add(dhv, v128.load(seq + o4));
        const dct = maddF32x4(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc)), v128.load(dc + row + o4));
        const vi = f32x4.mul(f32x4.mul(dct, g), f32x4.mul(i, f32x4.sub(one, i)));
        const vf = f32x4.mul(f32x4.mul(dct, v128.load(cPrev + row + o4)), f32x4.mul(f, f32x4.sub(one, f)));
        const vg = f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(g, g)));
        const vo = f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(o, f32x4.sub(one, o)));
        v128.store(di + o4, vi);
        v128.store(df + o4, vf);
        v128.store(dg + o4, vg);
        v128.store(dO + o4, vo);
        v128.store(dc + row + o4, f32x4.mul(dct, f));
        badv = f32x4.add(badv, f32x4.mul(f32x4.add(f32x4.add(vi, vf), f32x4.add(vg, vo)), zero));
      }
      if (!i32x4.all_true(f32x4.eq(badv, zero))) finite = 0;
    }
    for (; j < hidden; j++) {
      const o4 = <usize>j << 2;
      const i = load<f32>(ai + o4);
      const f = load<f32>(af + o4);
      const g = load<f32>(ag + o4);
      const o = load<f32>(ao + o4);
      const tc = load<f32>(tanhC + row + o4);
      let dhv = load<f32>(dh + row + o4);
      if (seq !== 0) dhv += load<f32>(seq + o4);
      const dct = load<f32>(dc + row + o4) + dhv * o * (f32(1) - tc * tc);
      const vi = dct * g * (i * (f32(1) - i));
      const vf = dct * load<f32>(cPrev + row + o4) * (f * (f32(1) - f));
      const vg = dct * i * (f32(1) - g * g);
      const vo = dhv * tc * (o * (f32(1) - o));
      store<f32>(di + o4, vi);
      store<f32>(df + o4, vf);
      store<f32>(dg + o4, vg);
      store<f32>(dO + o4, vo);
      store<f32>(dc + row + o4, dct * f);
      bad += (vi + vf + (vg + vo)) * f32(0);
    }
    if (dzOut !== 0) memory.copy(dzOut + ((<usize>b * <usize>ldOut) << 2), di, gateBytes << 2);
  }
  // finite ⇔ still 0 (NaN ≠ 0)
  return bad == 0 ? finite : 0;
}

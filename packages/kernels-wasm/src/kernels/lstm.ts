/**
 * The LSTM family of the host side (assembly/lstm-f32.ts): a whole recurrence and its
 * backpropagation through time, the per-step products on the GEMM family and the gates in
 * wasm. The saved buffer has the layout of @lec/tensor's `lstmSequenceLayout`.
 * `lstmForwardAt` and `lstmBackwardAt` are the one implementation of the recurrence, on
 * pointers: the kernels API below runs them on copies of plain arrays, and the wasm backend
 * (backend/lstm.ts) on the tensors' own blocks of linear memory.
 */
import type { WasmKernels } from '../wasm-kernels.js';
import { expectLength } from './shared.js';
import { gemmPointers } from './gemm.js';
import { lstmSequenceLayout } from '@lec/tensor';

/** op(B) [k, n] packed into arena scratch (gemm_f32_pack_b) for the steps' products. */
function packOnce(kernels: WasmKernels, b: number, k: number, n: number, ldb: number, transB: boolean): number {
  const dst = kernels.arena.allocF32(kernels.exports.gemm_f32_packed_b_floats(k, n));
  kernels.exports.gemm_f32_pack_b(k, n, b, ldb, +transB, dst);
  return dst;
}

/**
 * The forward recurrence on pointers (byte addresses): `saved` (lstmSequenceLayout(B, T, H).size
 * floats) holds the projected inputs [B, T, 4H], h0 at `hs` and c0 at `cs` on entry, and all of
 * its layout on return; each step's h is also written to `sequence` [B, T, H]. W_hh [H, 4H] is
 * packed once (arena scratch: call inside an arena mark or a context.run) for all T products.
 */
export function lstmForwardAt(
  kernels: WasmKernels,
  B: number,
  T: number,
  H: number,
  saved: number,
  weightHh: number,
  sequence: number,
): void {
  const G = 4 * H;
  const L = lstmSequenceLayout(B, T, H);
  const e = kernels.exports;
  const pw = packOnce(kernels, weightHh, H, G, G, false);
  for (let t = 0; t < T; t++) {
    const z = saved + t * G * 4;
    const hPrev = saved + (L.hs + t * B * H) * 4;
    const cPrev = saved + (L.cs + t * B * H) * 4;
    gemmPointers(kernels, B, G, H, hPrev, H, false, pw, 0, false, z, T * G, 0, 0, true, true);
    e.lstm_step_forward_f32(
      B,
      H,
      z,
      T * G,
      cPrev,
      cPrev + B * H * 4,
      saved + (L.tanhC + t * B * H) * 4,
      hPrev + B * H * 4,
      sequence + t * H * 4,
      T * H,
    );
  }
}

/**
 * Backpropagation through time on pointers, from `lstmForwardAt`'s `saved`: `dSequence`
 * [B, T, H] (0 for none); `dh` and `dc` [B, H] come in as the gradients of the last h and c
 * and leave as dh0 and dc0; writes dProjected [B, T, 4H] and dWeightHh [H, 4H] (one product
 * Hᵀ·dZ over all steps). W_hhᵀ is packed once and the time-major dZ is arena scratch. Returns
 * whether every gate gradient (so all of dProjected) is finite, as the step kernels report it.
 */
export function lstmBackwardAt(
  kernels: WasmKernels,
  B: number,
  T: number,
  H: number,
  saved: number,
  weightHh: number,
  dSequence: number,
  dh: number,
  dc: number,
  dProjected: number,
  dWeightHh: number,
): boolean {
  const G = 4 * H;
  const L = lstmSequenceLayout(B, T, H);
  const e = kernels.exports;
  const pwT = packOnce(kernels, weightHh, G, H, G, true); // op(B) = W_hhᵀ [4H, H]
  const pdz = kernels.arena.allocF32(T * B * G); // time-major, for the weight gradient
  let finite = true;
  for (let t = T - 1; t >= 0; t--) {
    const dz = pdz + t * B * G * 4;
    const seq = dSequence === 0 ? 0 : dSequence + t * H * 4;
    const tc = saved + (L.tanhC + t * B * H) * 4;
    const cPrev = saved + (L.cs + t * B * H) * 4;
    if (e.lstm_step_backward_f32(B, H, saved + t * G * 4, T * G, tc, cPrev, dh, seq, T * H, dc, dz, dProjected + t * G * 4, T * G) !== 1)
      finite = false;
    gemmPointers(kernels, B, H, G, dz, G, false, pwT, 0, false, dh, H, 0, 0, false, true);
  }
  gemmPointers(kernels, H, G, T * B, saved + L.hs * 4, H, true, pdz, G, false, dWeightHh, G, 0, 0, false);
  return finite;
}

/** The algorithm of `WasmKernels.lstmSequence` (see there). */
export function lstmSequence(
  kernels: WasmKernels,
  projected: Float32Array,
  weightHh: Float32Array,
  h0: Float32Array,
  c0: Float32Array,
  batch: number,
  steps: number,
  hidden: number,
): { sequence: Float32Array; h: Float32Array; c: Float32Array; saved: Float32Array } {
  const [B, T, H, G] = [batch, steps, hidden, 4 * hidden];
  expectLength('lstmSequence', 'projected', projected, B * T * G, `[${B}, ${T}, ${G}]`);
  expectLength('lstmSequence', 'weightHh', weightHh, H * G, `[${H}, ${G}]`);
  expectLength('lstmSequence', 'h0', h0, B * H, `[${B}, ${H}]`);
  expectLength('lstmSequence', 'c0', c0, B * H, `[${B}, ${H}]`);
  const L = lstmSequenceLayout(B, T, H);
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const ps = arena.allocF32(L.size);
    arena.f32(ps, B * T * G).set(projected);
    arena.f32(ps + L.hs * 4, B * H).set(h0);
    arena.f32(ps + L.cs * 4, B * H).set(c0);
    const pseq = arena.allocF32(B * T * H);
    lstmForwardAt(kernels, B, T, H, ps, arena.operandF32(weightHh), pseq);
    const saved = arena.f32(ps, L.size).slice();
    return {
      sequence: arena.f32(pseq, B * T * H).slice(),
      h: saved.slice(L.hs + T * B * H, L.hs + (T + 1) * B * H),
      c: saved.slice(L.cs + T * B * H, L.cs + (T + 1) * B * H),
      saved,
    };
  } finally {
    arena.release(mark);
  }
}

/** The algorithm of `WasmKernels.lstmSequenceBackward` (see there). */
export function lstmSequenceBackward(
  kernels: WasmKernels,
  saved: Float32Array,
  weightHh: Float32Array,
  dSequence: Float32Array | null,
  dh: Float32Array | null,
  dc: Float32Array | null,
  batch: number,
  steps: number,
  hidden: number,
): { dProjected: Float32Array; dWeightHh: Float32Array; dh0: Float32Array; dc0: Float32Array } {
  const [B, T, H, G] = [batch, steps, hidden, 4 * hidden];
  const L = lstmSequenceLayout(B, T, H);
  expectLength('lstmSequenceBackward', 'saved', saved, L.size, `${L.size} values`);
  expectLength('lstmSequenceBackward', 'weightHh', weightHh, H * G, `[${H}, ${G}]`);
  if (dSequence !== null) expectLength('lstmSequenceBackward', 'dSequence', dSequence, B * T * H, `[${B}, ${T}, ${H}]`);
  if (dh !== null) expectLength('lstmSequenceBackward', 'dh', dh, B * H, `[${B}, ${H}]`);
  if (dc !== null) expectLength('lstmSequenceBackward', 'dc', dc, B * H, `[${B}, ${H}]`);
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const ps = arena.allocF32(L.size, saved);
    const pw = arena.operandF32(weightHh);
    const pseq = dSequence === null ? 0 : arena.allocF32(B * T * H, dSequence);
    const pdh = arena.allocF32(B * H);
    const pdc = arena.allocF32(B * H);
    if (dh === null) arena.f32(pdh, B * H).fill(0);
    else arena.f32(pdh, B * H).set(dh);
    if (dc === null) arena.f32(pdc, B * H).fill(0);
    else arena.f32(pdc, B * H).set(dc);
    const pdp = arena.allocF32(B * T * G);
    const pdw = arena.allocF32(H * G);
    lstmBackwardAt(kernels, B, T, H, ps, pw, pseq, pdh, pdc, pdp, pdw);
    return {
      dProjected: arena.f32(pdp, B * T * G).slice(),
      dWeightHh: arena.f32(pdw, H * G).slice(),
      dh0: arena.f32(pdh, B * H).slice(),
      dc0: arena.f32(pdc, B * H).slice(),
    };
  } finally {
    arena.release(mark);
  }
}

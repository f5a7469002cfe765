/**
 * The LSTM family of the host side (assembly/lstm-f32.ts): a whole recurrence and its
 * backpropagation through time, the per-step products on the GEMM family and the gates in
 * wasm. The saved buffer has the layout of @lec/tensor's `lstmSequenceLayout`.
 */
import type { WasmKernels } from '../wasm-kernels.js';
import { expectLength } from './shared.js';
import { gemmPointers } from './gemm.js';
import { lstmSequenceLayout } from '@lec/tensor';

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
    const pw = arena.operandF32(weightHh);
    const pseq = arena.allocF32(B * T * H);
    const e = kernels.exports;
    for (let t = 0; t < T; t++) {
      const z = ps + t * G * 4;
      const hPrev = ps + (L.hs + t * B * H) * 4;
      const cPrev = ps + (L.cs + t * B * H) * 4;
      gemmPointers(kernels, B, G, H, hPrev, H, false, pw, G, false, z, T * G, 0, 0, true);
      e.lstm_step_forward_f32(
        B,
        H,
        z,
        T * G,
        cPrev,
        cPrev + B * H * 4,
        ps + (L.tanhC + t * B * H) * 4,
        hPrev + B * H * 4,
        pseq + t * H * 4,
        T * H,
      );
    }
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
    const pdz = arena.allocF32(T * B * G); // time-major, for the weight gradient
    const pdp = arena.allocF32(B * T * G);
    const pdw = arena.allocF32(H * G);
    const e = kernels.exports;
    for (let t = T - 1; t >= 0; t--) {
      const dz = pdz + t * B * G * 4;
      e.lstm_step_backward_f32(
        B,
        H,
        ps + t * G * 4,
        T * G,
        ps + (L.tanhC + t * B * H) * 4,
        ps + (L.cs + t * B * H) * 4,
        pdh,
        pseq === 0 ? 0 : pseq + t * H * 4,
        T * H,
        pdc,
        dz,
        pdp + t * G * 4,
        T * G,
      );
      gemmPointers(kernels, B, H, G, dz, G, false, pw, G, true, pdh, H, 0, 0, false);
    }
    gemmPointers(kernels, H, G, T * B, ps + L.hs * 4, H, true, pdz, G, false, pdw, G, 0, 0, false);
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

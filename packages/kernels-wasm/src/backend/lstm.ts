/**
 * The wasm backend's LSTM recurrence: `lstmSequence` (forward and backward, one entry) in wasm
 * for float32, in place on the tensors' blocks of linear memory: the forward pass writes its
 * `saved` buffer (layout in @lec/tensor's `lstmSequenceLayout`), sequence, h and c straight
 * into their output blocks, and the backward pass reads `saved` where it lies and writes
 * dProjected, dWeightHh, dh0 and dc0 into theirs (only the time-major gate gradients are
 * scratch). The recurrence itself is kernels/lstm.ts's `lstmForwardAt`/`lstmBackwardAt` (the
 * kernels API runs the same functions on copies of plain arrays): each step one gemm and one
 * lstm_step_*_f32, the recurrent weights (W_hh forward, W_hhᵀ backward) packed once per call.
 * `lstmCell` (one step, forward and backward) runs the same step kernels; its `saved` is the
 * activations i, f, C̃, o [batch, 4H] then tanh(c) [batch, H]. A step with a non-finite input
 * (z, cPrev, dh or dc: checked by all_finite_f32) runs the JavaScript step instead, whose
 * float64 gates keep the reference's answers at the extremes (σ(−200)·∞ is ∞ there, NaN in
 * float32) and its exact saturation. `lstmSequence` checks its results instead (the cell
 * states, or the four gradients): where one is not finite, the call is run again by the
 * JavaScript pass (a forward that fell back has a float64 `saved`, so its backward falls back
 * too). Other dtypes run the JavaScript pairs they override.
 */
import { type CpuHandle, type FastPaths, type LstmSequenceDims, lstmSequenceLayout } from '@lec/tensor';
import { lstmBackwardAt, lstmForwardAt } from '../kernels/lstm.js';
import { expectLength } from '../kernels/shared.js';
import { type WasmContext, f32 } from './context.js';

/** `{ lstmSequence }` of the wasm backend. */
export function wasmLstm(context: WasmContext): Pick<FastPaths<CpuHandle>, 'lstmCell' | 'lstmSequence'> {
  const { kernels, js } = context;
  const fallback = js.lstmSequence!;
  const cellFallback = js.lstmCell!;
  /** Copies `n` floats inside linear memory (byte addresses). */
  const move = (to: number, from: number, n: number) => context.view(to, n).set(context.view(from, n));
  const check = (op: string, name: string, h: CpuHandle, n: number, shape: string) => expectLength(op, name, f32(context, h), n, shape);
  /** A [batch, H] operand's pointer, or a zeroed scratch block for null. */
  const orZeros = (h: CpuHandle | null, n: number) => {
    if (h !== null) return context.pointerOf(h);
    const p = kernels.arena.allocF32(n);
    context.view(p, n).fill(0);
    return p;
  };
  /** Whether every value of the (non-null) float32 handles is finite. */
  const finite = (...hs: (CpuHandle | null)[]) =>
    context.run(() =>
      hs.every((h) => {
        if (h === null || context.knownFinite.has(h)) return true;
        const n = f32(context, h).length;
        return n === 0 || context.exports.all_finite_f32(context.pointerOf(h), n) === 1;
      }),
    );
  return {
    lstmCell: {
      forward(z, cPrev, batch, hidden, dtype) {
        if (dtype !== 'float32') return cellFallback.forward(z, cPrev, batch, hidden, dtype);
        const [B, H] = [batch, hidden];
        check('lstmCell', 'z', z, B * 4 * H, `[${B}, ${4 * H}]`);
        check('lstmCell', 'cPrev', cPrev, B * H, `[${B}, ${H}]`);
        if (!finite(z, cPrev)) return cellFallback.forward(z, cPrev, batch, hidden, dtype);
        return context.run(() => {
          // saved: the activations i, f, C̃, o [batch, 4H] (z, overwritten by the kernel), then tanh(c) [batch, H]
          const saved = context.allocF32(B * 5 * H);
          const h = context.allocF32(B * H);
          const c = context.allocF32(B * H);
          move(saved.ptr, context.pointerOf(z), B * 4 * H);
          const tanhC = saved.ptr + B * 4 * H * 4;
          context.exports.lstm_step_forward_f32(B, H, saved.ptr, 4 * H, context.pointerOf(cPrev), c.ptr, tanhC, h.ptr, 0, 0);
          return { h: h.handle, c: c.handle, saved: saved.handle, savedSize: B * 5 * H };
        });
      },
      backward(saved, cPrev, dh, dc, batch, hidden, dtype) {
        // a JavaScript forward (float64 saved) has the JavaScript backward
        if (dtype !== 'float32' || !(context.store.get(saved) instanceof Float32Array) || !finite(dh, dc)) {
          return cellFallback.backward(saved, cPrev, dh, dc, batch, hidden, dtype);
        }
        const [B, H] = [batch, hidden];
        const op = 'lstmCellBackward';
        check(op, 'saved', saved, B * 5 * H, `${B * 5 * H} values`);
        check(op, 'cPrev', cPrev, B * H, `[${B}, ${H}]`);
        if (dh !== null) check(op, 'dh', dh, B * H, `[${B}, ${H}]`);
        if (dc !== null) check(op, 'dc', dc, B * H, `[${B}, ${H}]`);
        return context.run(() => {
          const dz = context.allocF32(B * 4 * H);
          const dcPrev = context.allocF32(B * H); // comes in as dc, leaves as dcPrev
          if (dc === null) context.view(dcPrev.ptr, B * H).fill(0);
          else move(dcPrev.ptr, context.pointerOf(dc), B * H);
          const ps = context.pointerOf(saved);
          const pdh = orZeros(dh, B * H);
          context.exports.lstm_step_backward_f32(
            B,
            H,
            ps,
            4 * H,
            ps + B * 4 * H * 4,
            context.pointerOf(cPrev),
            pdh,
            0,
            0,
            dcPrev.ptr,
            dz.ptr,
            0,
            0,
          );
          return { dz: dz.handle, dcPrev: dcPrev.handle };
        });
      },
    },
    lstmSequence: {
      forward(projected, weightHh, h0, c0, dims, dtype) {
        if (dtype !== 'float32') return fallback.forward(projected, weightHh, h0, c0, dims, dtype);
        const out = wasmForward(projected, weightHh, h0, c0, dims);
        // σ(z)·∞ needs an infinite cell state, and a NaN anywhere upstream of c reaches c, so the
        // cell states c_0..c_T (a seventh of saved) decide: all finite, the float32 pass is exact
        const { B, T, H } = sizes(dims);
        const cs = lstmSequenceLayout(B, T, H).cs;
        if (context.run(() => context.exports.all_finite_f32(context.pointerOf(out.saved) + cs * 4, B * (T + 1) * H) === 1)) return out;
        // a non-finite cell state (from the inputs, or an overflow on the way): the JavaScript
        // pass, whose float64 gates keep σ(z)·∞ = ∞ where float32 rounds σ(z) to 0 and gives NaN
        for (const h of [out.sequence, out.h, out.c, out.saved]) context.store.dispose(h);
        return fallback.forward(projected, weightHh, h0, c0, dims, dtype);
      },
      backward(saved, weightHh, dSequence, dh, dc, dims, dtype) {
        // a JavaScript forward (float64 saved) has the JavaScript backward
        if (dtype !== 'float32' || !(context.store.get(saved) instanceof Float32Array)) {
          return fallback.backward(saved, weightHh, dSequence, dh, dc, dims, dtype);
        }
        const { gatesFinite, ...out } = wasmBackward(saved, weightHh, dSequence, dh, dc, dims);
        // dProjected is the gate gradients, which the step kernels checked as they wrote them
        if (gatesFinite && finite(out.dWeightHh, out.dh0, out.dc0)) return out;
        for (const h of [out.dProjected, out.dWeightHh, out.dh0, out.dc0]) context.store.dispose(h);
        return fallback.backward(saved, weightHh, dSequence, dh, dc, dims, dtype);
      },
    },
  };

  function wasmForward(projected: CpuHandle, weightHh: CpuHandle, h0: CpuHandle, c0: CpuHandle, dims: LstmSequenceDims) {
    const { B, T, H, G } = sizes(dims);
    check('lstmSequence', 'projected', projected, B * T * G, `[${B}, ${T}, ${G}]`);
    check('lstmSequence', 'weightHh', weightHh, H * G, `[${H}, ${G}]`);
    check('lstmSequence', 'h0', h0, B * H, `[${B}, ${H}]`);
    check('lstmSequence', 'c0', c0, B * H, `[${B}, ${H}]`);
    const L = lstmSequenceLayout(B, T, H);
    return context.run(() => {
      const saved = context.allocF32(L.size);
      const sequence = context.allocF32(B * T * H);
      const h = context.allocF32(B * H);
      const c = context.allocF32(B * H);
      const ps = saved.ptr;
      move(ps, context.pointerOf(projected), B * T * G);
      move(ps + L.hs * 4, context.pointerOf(h0), B * H);
      move(ps + L.cs * 4, context.pointerOf(c0), B * H);
      lstmForwardAt(kernels, B, T, H, ps, context.pointerOf(weightHh), sequence.ptr);
      move(h.ptr, ps + (L.hs + T * B * H) * 4, B * H);
      move(c.ptr, ps + (L.cs + T * B * H) * 4, B * H);
      return { sequence: sequence.handle, h: h.handle, c: c.handle, saved: saved.handle, savedSize: L.size };
    });
  }

  function wasmBackward(
    saved: CpuHandle,
    weightHh: CpuHandle,
    dSequence: CpuHandle | null,
    dh: CpuHandle | null,
    dc: CpuHandle | null,
    dims: LstmSequenceDims,
  ) {
    const { B, T, H, G } = sizes(dims);
    const L = lstmSequenceLayout(B, T, H);
    const op = 'lstmSequenceBackward';
    check(op, 'saved', saved, L.size, `${L.size} values`);
    check(op, 'weightHh', weightHh, H * G, `[${H}, ${G}]`);
    if (dSequence !== null) check(op, 'dSequence', dSequence, B * T * H, `[${B}, ${T}, ${H}]`);
    if (dh !== null) check(op, 'dh', dh, B * H, `[${B}, ${H}]`);
    if (dc !== null) check(op, 'dc', dc, B * H, `[${B}, ${H}]`);
    return context.run(() => {
      const dProjected = context.allocF32(B * T * G);
      const dWeightHh = context.allocF32(H * G);
      const dh0 = context.allocF32(B * H);
      const dc0 = context.allocF32(B * H);
      const pseq = dSequence === null ? 0 : context.pointerOf(dSequence);
      if (dh === null) context.view(dh0.ptr, B * H).fill(0);
      else move(dh0.ptr, context.pointerOf(dh), B * H);
      if (dc === null) context.view(dc0.ptr, B * H).fill(0);
      else move(dc0.ptr, context.pointerOf(dc), B * H);
      const ps = context.pointerOf(saved);
      const gatesFinite = lstmBackwardAt(
        kernels,
        B,
        T,
        H,
        ps,
        context.pointerOf(weightHh),
        pseq,
        dh0.ptr,
        dc0.ptr,
        dProjected.ptr,
        dWeightHh.ptr,
      );
      return { dProjected: dProjected.handle, dWeightHh: dWeightHh.handle, dh0: dh0.handle, dc0: dc0.handle, gatesFinite };
    });
  }
}

function sizes(dims: LstmSequenceDims): { B: number; T: number; H: number; G: number } {
  return { B: dims.batch, T: dims.steps, H: dims.hidden, G: 4 * dims.hidden };
}

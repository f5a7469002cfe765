/**
 * The wasm backend's LSTM recurrence: `lstmSequence` (forward and backward, one entry) in wasm
 * for float32; other dtypes run the JavaScript pair it overrides. The single step
 * (`lstmCell`) stays the JavaScript one.
 */
import type { CpuHandle, FastPaths } from '@lec/tensor';
import { type WasmContext, f32 } from './context.js';

/** `{ lstmSequence }` of the wasm backend. */
export function wasmLstm(context: WasmContext): Pick<FastPaths<CpuHandle>, 'lstmSequence'> {
  const { store, kernels, js } = context;
  const fallback = js.lstmSequence!;
  const f = (h: CpuHandle | null) => (h === null ? null : f32(context, h));
  return {
    lstmSequence: {
      forward(projected, weightHh, h0, c0, dims, dtype) {
        if (dtype !== 'float32') return fallback.forward(projected, weightHh, h0, c0, dims, dtype);
        const r = kernels.lstmSequence(
          f32(context, projected),
          f32(context, weightHh),
          f32(context, h0),
          f32(context, c0),
          dims.batch,
          dims.steps,
          dims.hidden,
        );
        return {
          sequence: store.make(r.sequence),
          h: store.make(r.h),
          c: store.make(r.c),
          saved: store.make(r.saved),
          savedSize: r.saved.length,
        };
      },
      backward(saved, weightHh, dSequence, dh, dc, dims, dtype) {
        if (dtype !== 'float32') return fallback.backward(saved, weightHh, dSequence, dh, dc, dims, dtype);
        const r = kernels.lstmSequenceBackward(
          f32(context, saved),
          f32(context, weightHh),
          f(dSequence),
          f(dh),
          f(dc),
          dims.batch,
          dims.steps,
          dims.hidden,
        );
        return { dProjected: store.make(r.dProjected), dWeightHh: store.make(r.dWeightHh), dh0: store.make(r.dh0), dc0: store.make(r.dc0) };
      },
    },
  };
}

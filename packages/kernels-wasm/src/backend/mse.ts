/**
 * The wasm backend's `meanSquaredError` fast path: the loss and its gradient in one SIMD pass
 * over prediction and target (assembly/mse-f32.ts) for float32, in place on the tensors'
 * blocks (the sum of squares in f64). Float64 runs the js backend's loop.
 */
import { BackendError, type CpuHandle, type FastPaths } from '@lec/tensor';
import type { WasmContext } from './context.js';

/** `{ meanSquaredError }` of the wasm backend. */
export function wasmMse(context: WasmContext): Pick<FastPaths<CpuHandle>, 'meanSquaredError'> {
  const { store } = context;
  const fallback = context.js.meanSquaredError!;
  return {
    meanSquaredError(prediction, target, size, dtype) {
      if (store.get(prediction).length !== size || store.get(target).length !== size)
        throw new BackendError('wasm', `meanSquaredError: prediction and target must hold ${size} values`);
      if (dtype === 'int32') throw new BackendError('wasm', `meanSquaredError: dtype 'int32' is not supported`);
      if (dtype !== 'float32') return fallback(prediction, target, size, dtype);
      return context.run(() => {
        const dp = context.allocF32(size);
        const loss = context.allocF32(1);
        const total = context.exports.mse_f32(
          context.pointerOf(prediction),
          context.pointerOf(target),
          dp.ptr,
          size,
          Math.fround(2 / size),
        );
        context.view(loss.ptr, 1)[0] = total / size;
        return { loss: loss.handle, dprediction: dp.handle };
      });
    },
  };
}

/**
 * The wasm backend's `biasActivationBackward` fast path: a dense layer's activation gradient
 * from its saved output and the bias gradient in one SIMD pass over dy
 * (assembly/bias-activation-f32.ts) for float32, in place on the tensors' blocks. Float64 runs
 * the js backend's loop.
 */
import { BackendError, type CpuHandle, type FastPaths } from '@lec/tensor';
import type { WasmContext } from './context.js';

const CODES = { relu: 1, sigmoid: 2, tanh: 3 } as const;

/** `{ biasActivationBackward }` of the wasm backend. */
export function wasmBiasActivation(context: WasmContext): Pick<FastPaths<CpuHandle>, 'biasActivationBackward'> {
  const { store } = context;
  const fallback = context.js.biasActivationBackward!;
  return {
    biasActivationBackward(activation, dy, y, m, n, bias, dtype) {
      const code = CODES[activation];
      if (code === undefined) throw new BackendError('wasm', `biasActivationBackward: unknown activation '${String(activation)}'`);
      if (store.get(dy).length !== m * n || store.get(y).length !== m * n)
        throw new BackendError('wasm', `biasActivationBackward: dy and y must hold ${m}·${n} values`);
      if (dtype === 'int32') throw new BackendError('wasm', `biasActivationBackward: dtype 'int32' is not supported`);
      if (dtype !== 'float32') return fallback(activation, dy, y, m, n, bias, dtype);
      return context.run(() => {
        const dz = context.allocF32(m * n);
        const dbias = bias ? context.allocF32(n) : null;
        if (dbias !== null && m === 0) context.view(dbias.ptr, n).fill(0);
        context.exports.bias_activation_backward_f32(code, context.pointerOf(dy), context.pointerOf(y), dz.ptr, dbias?.ptr ?? 0, m, n);
        return { dz: dz.handle, dbias: dbias?.handle ?? null };
      });
    },
  };
}

/**
 * The wasm backend's `activationBackward` fast path: the gradient of relu, sigmoid or tanh in
 * one SIMD pass (assembly/activation-f32.ts) for float32, in place on the tensors' blocks; the
 * composite's bit for bit. Float64 runs the same formulas in JavaScript, rounding as its ops do.
 */
import { BackendError, type CpuHandle, type FastPaths } from '@lec/tensor';
import { type WasmContext, runJs } from './context.js';

const CODES = { relu: 1, sigmoid: 2, tanh: 3 } as const;
/** Work per element in flop-equivalents (~0.2 ns on one thread, scratch elem-cost.mjs), for `splitRange`. */
const ACTIVATION_BACKWARD_COST = 10;

/** `{ activationBackward }` of the wasm backend. */
export function wasmActivation(context: WasmContext): Pick<FastPaths<CpuHandle>, 'activationBackward'> {
  const { store } = context;
  return {
    activationBackward(activation, dy, saved, size, dtype) {
      const code = CODES[activation];
      if (code === undefined) throw new BackendError('wasm', `activationBackward: unknown activation '${String(activation)}'`);
      if (store.get(dy).length !== size || store.get(saved).length !== size)
        throw new BackendError('wasm', `activationBackward: dy and saved must hold ${size} values`);
      if (dtype === 'float32')
        return context.run(() => {
          const out = context.allocF32(size);
          const [pdy, psaved] = [context.pointerOf(dy), context.pointerOf(saved)];
          // ranges over the threads when large (each element's gradient reads that element only)
          context.kernels.splitRange(size, ACTIVATION_BACKWARD_COST, (begin, count) => ({
            kernel: 'activation_backward_f32',
            args: [code, pdy + begin * 4, psaved + begin * 4, out.ptr + begin * 4, count],
          }));
          return out.handle;
        });
      return runJs(context, dtype, size, (out) => activationBackwardJs(code, store.get(dy), store.get(saved), out));
    },
  };
}

/** Float64: the composite's operations in its order (each exact in float64 but for rounding, as its ops). */
function activationBackwardJs(
  code: number,
  dy: ArrayLike<number>,
  saved: ArrayLike<number>,
  out: Float64Array | Float32Array | Int32Array,
): void {
  for (let i = 0; i < out.length; i++) {
    const g = dy[i];
    const s = saved[i];
    out[i] = code === 1 ? g * (s > 0 ? 1 : s !== s ? s : 0) : code === 2 ? g * (s * (1 - s)) : g * (1 - s * s);
  }
}

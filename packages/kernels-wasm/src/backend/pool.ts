/**
 * The wasm backend's pooling fast paths: max and average pooling and their gradients, in wasm
 * for float32 and JavaScript loops for float64. NHWC; average pooling excludes padding.
 */
import type { CpuHandle, FastPaths } from '@lec/tensor';
import { avgPool2dBackwardJs, avgPool2dJs, maxPool2dBackwardJs, maxPool2dJs } from '../js-kernels.js';
import { type WasmContext, f32, runJs } from './context.js';

/** `{ maxPool2d: { forward, backward }, avgPool2d: { forward, backward } }` of the wasm backend. */
export function wasmPool(context: WasmContext): Pick<FastPaths<CpuHandle>, 'maxPool2d' | 'avgPool2d'> {
  const { store, kernels } = context;
  return {
    maxPool2d: {
      forward(x, g, dtype) {
        if (dtype === 'float32') return store.make(kernels.maxPool2d(f32(context, x), g));
        return runJs(context, dtype, g.batch * g.outHeight * g.outWidth * g.channels, (out) => maxPool2dJs(store.get(x), g, out));
      },
      backward(dy, x, g, dtype) {
        if (dtype === 'float32') return store.make(kernels.maxPool2dBackward(f32(context, dy), f32(context, x), g));
        return runJs(context, dtype, g.batch * g.inHeight * g.inWidth * g.channels, (out) =>
          maxPool2dBackwardJs(store.get(dy), store.get(x), g, out),
        );
      },
    },
    avgPool2d: {
      forward(x, g, dtype) {
        if (dtype === 'float32') return store.make(kernels.avgPool2d(f32(context, x), g));
        return runJs(context, dtype, g.batch * g.outHeight * g.outWidth * g.channels, (out) => avgPool2dJs(store.get(x), g, out));
      },
      backward(dy, g, dtype) {
        if (dtype === 'float32') return store.make(kernels.avgPool2dBackward(f32(context, dy), g));
        return runJs(context, dtype, g.batch * g.inHeight * g.inWidth * g.channels, (out) => avgPool2dBackwardJs(store.get(dy), g, out));
      },
    },
  };
}

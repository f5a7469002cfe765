/**
 * The wasm backend's pooling fast paths: max and average pooling and their gradients, in wasm
 * for float32 and JavaScript loops for float64. NHWC; average pooling excludes padding.
 */
import type { CpuHandle, FastPaths, Pool2dGeometry } from '@lec/tensor';
import { avgPool2dBackwardJs, avgPool2dJs, maxPool2dBackwardJs, maxPool2dJs } from '../js-kernels.js';
import { type WasmContext, f32, out32, runJs } from './context.js';

/** `{ maxPool2d: { forward, backward }, avgPool2d: { forward, backward } }` of the wasm backend. */
export function wasmPool(context: WasmContext): Pick<FastPaths<CpuHandle>, 'maxPool2d' | 'avgPool2d'> {
  const { store, kernels } = context;
  return {
    maxPool2d: {
      forward(x, g, dtype) {
        if (dtype === 'float32') return store.make(kernels.maxPool2d(f32(context, x), g, out32(context, outSize(g))));
        return runJs(context, dtype, outSize(g), (out) => maxPool2dJs(store.get(x), g, out));
      },
      backward(dy, x, g, dtype) {
        if (dtype === 'float32')
          return store.make(kernels.maxPool2dBackward(f32(context, dy), f32(context, x), g, out32(context, inSize(g))));
        return runJs(context, dtype, inSize(g), (out) => maxPool2dBackwardJs(store.get(dy), store.get(x), g, out));
      },
    },
    avgPool2d: {
      forward(x, g, dtype) {
        if (dtype === 'float32') return store.make(kernels.avgPool2d(f32(context, x), g, out32(context, outSize(g))));
        return runJs(context, dtype, outSize(g), (out) => avgPool2dJs(store.get(x), g, out));
      },
      backward(dy, g, dtype) {
        if (dtype === 'float32') return store.make(kernels.avgPool2dBackward(f32(context, dy), g, out32(context, inSize(g))));
        return runJs(context, dtype, inSize(g), (out) => avgPool2dBackwardJs(store.get(dy), g, out));
      },
    },
  };
}

/** Floats of a pooling output [batch, outHeight, outWidth, channels]. */
function outSize(g: Pool2dGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.channels;
}

/** Floats of a pooling input [batch, inHeight, inWidth, channels]. */
function inSize(g: Pool2dGeometry): number {
  return g.batch * g.inHeight * g.inWidth * g.channels;
}

/**
 * The wasm backend's convolution fast paths: conv2d (with and without a fused bias) and both
 * of its gradients, in wasm for float32 (the kernels pick direct, implicit-GEMM or im2col per
 * shape; the geometry goes to them as @lec/tensor resolved it), and direct JavaScript loops
 * for float64. Layouts NHWC, filters [kh, kw, Cin, Cout].
 */
import type { Conv2dGeometry, CpuHandle, FastPaths } from '@lec/tensor';
import { conv2dBackpropFilterJs, conv2dBackpropInputJs, conv2dJs } from '../js-kernels.js';
import { type WasmContext, f32, out32, runJs } from './context.js';

type Conv2dFastPaths = Pick<FastPaths<CpuHandle>, 'conv2d' | 'conv2dBias'>;

/** `{ conv2d: { forward, backwardInput, backwardFilter }, conv2dBias }` of the wasm backend. */
export function wasmConv2d(context: WasmContext): Conv2dFastPaths {
  const { store, kernels } = context;
  const forward: NonNullable<Conv2dFastPaths['conv2d']>['forward'] = (x, w, g, dtype) => {
    if (dtype === 'float32')
      return store.make(kernels.conv2d(f32(context, x), f32(context, w), g, undefined, undefined, out32(context, outSize(g))));
    return runJs(context, dtype, outSize(g), (out) => conv2dJs(store.get(x), store.get(w), g, out));
  };
  return {
    conv2d: {
      forward,
      backwardInput(dy, w, g, dtype) {
        const size = g.batch * g.inHeight * g.inWidth * g.inChannels;
        if (dtype === 'float32') return store.make(kernels.conv2dBackpropInput(f32(context, dy), f32(context, w), g, out32(context, size)));
        return runJs(context, dtype, size, (out) => conv2dBackpropInputJs(store.get(dy), store.get(w), g, out));
      },
      backwardFilter(x, dy, g, dtype) {
        const size = g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;
        if (dtype === 'float32')
          return store.make(kernels.conv2dBackpropFilter(f32(context, x), f32(context, dy), g, out32(context, size)));
        return runJs(context, dtype, size, (out) => conv2dBackpropFilterJs(store.get(x), store.get(dy), g, out));
      },
    },
    /** conv2d with the bias added by the kernel (float32); other dtypes add it in JavaScript. */
    conv2dBias(x, w, bias, g, dtype) {
      if (dtype === 'float32')
        return store.make(kernels.conv2d(f32(context, x), f32(context, w), g, f32(context, bias), undefined, out32(context, outSize(g))));
      const outShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
      const y = forward(x, w, g, dtype);
      const out = store.binary({
        op: 'add',
        a: { handle: y, shape: outShape },
        b: { handle: bias, shape: [g.outChannels] },
        outShape,
        dtype,
      });
      store.dispose(y);
      return out;
    },
  };
}

/** Floats of a conv2d output [batch, outHeight, outWidth, outChannels]. */
function outSize(g: Conv2dGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.outChannels;
}

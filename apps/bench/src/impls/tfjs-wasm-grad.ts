/**
 * The filter-gradient kernel the bench gives stock tfjs-wasm 4.22, which has none (so it could
 * not train a CNN), made of tfjs-wasm's own Transpose and Conv2D kernels. No Node imports: the
 * browser page registers it too.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Tfjs } from './tfjs-common.js';

/**
 * dW[a,b,ci,co] = Σ_{n,y,x} X[n, y+a-pt, x+b-pl, ci]·dY[n,y,x,co] is itself a stride-1
 * convolution: the input is X transposed to [Cin, H, W, N] ("batch" = Cin, "channels" = N),
 * the filter is dY transposed to [Ho, Wo, N, Cout], with X's padding given explicitly; the
 * result [Cin, kh, kw, Cout] is transposed to [kh, kw, Cin, Cout].
 */
export function registerWasmConv2DBackpropFilter(tf: Tfjs): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
  const conv2d = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TF.TensorInfo; dy: TF.TensorInfo };
      const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as TF.Conv2DBackpropFilterAttrs;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      if (info.strideHeight !== 1 || info.strideWidth !== 1) throw new Error('bench Conv2DBackpropFilter for tfjs-wasm: stride 1 only');
      const { top, bottom, left, right } = info.padInfo;
      const b = backend as TF.KernelBackend;
      const xt = transpose({ inputs: { x }, backend: b, attrs: { perm: [3, 1, 2, 0] } }) as TF.TensorInfo;
      const dyt = transpose({ inputs: { x: dy }, backend: b, attrs: { perm: [1, 2, 0, 3] } }) as TF.TensorInfo;
      const padding = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      const out = conv2d({
        inputs: { x: xt, filter: dyt },
        backend: b,
        attrs: { strides: [1, 1], pad: padding, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as never,
      }) as TF.TensorInfo;
      const dw = transpose({ inputs: { x: out }, backend: b, attrs: { perm: [1, 2, 0, 3] } }) as TF.TensorInfo;
      for (const t of [xt, dyt, out]) b.disposeData(t.dataId);
      return dw;
    },
  });
}

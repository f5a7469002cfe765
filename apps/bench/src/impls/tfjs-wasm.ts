/**
 * Peer: @tensorflow/tfjs-backend-wasm 4.22 (XNNPACK). In Node it always runs one thread
 * (its threaded build cannot start workers there); the .wasm files are loaded from
 * node_modules by giving setWasmPaths the package's dist/ folder as a file path.
 *
 * Stock tfjs-wasm has no Conv2DBackpropFilter kernel (so it cannot train a CNN). For a fair
 * comparison this adapter registers one built from tfjs-wasm's own Transpose and Conv2D
 * kernels (stride 1, no dilation), and says so in the output.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';
import type { ImplFactory } from '../harness/types.js';
import { type Tfjs, TfjsImpl, loadTfjsCore } from './tfjs-common.js';

const require = createRequire(import.meta.url);

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

class TfjsWasm extends TfjsImpl {
  readonly name = 'tfjs-wasm';
  threads = 1;
  protected readonly backendName = 'wasm';

  async setup(): Promise<void> {
    this.tf = await loadTfjsCore();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    wasm.setWasmPaths(dist);
    if (!(await this.tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not initialise');
    const simd = await this.tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const mt = await this.tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    this.threads = wasm.getThreadsCount();
    this.notes.push(
      `tfjs-wasm runs its ${simd ? 'SIMD' : 'scalar'} build${mt ? ' (threaded)' : ''} with ${this.threads} thread(s); .wasm loaded from ${path.relative(process.cwd(), dist) || dist} (setWasmPaths with a file path)`,
    );
    const hadFilterGrad = !!this.tf.getKernel('Conv2DBackpropFilter', 'wasm');
    registerWasmConv2DBackpropFilter(this.tf);
    if (!hadFilterGrad)
      this.notes.push(
        'tfjs-wasm 4.22 has no Conv2DBackpropFilter: the bench gave it one made of its own Transpose + Conv2D kernels (registerKernel)',
      );
  }
}

export const tfjsWasm: ImplFactory = { family: 'tfjs-wasm', create: () => [new TfjsWasm()] };

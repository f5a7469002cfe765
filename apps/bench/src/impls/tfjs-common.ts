/**
 * Shared adapter for tfjs-core backends (tfjs-cpu, tfjs-wasm). tfjs keeps one global
 * engine, so each impl switches the engine to its backend in `activate()` before a case.
 * Tensors are made once per case (untimed); a timed call runs one kernel and disposes the
 * previous output. Backward convolutions are called as kernels (`runKernel`), which is what
 * tfjs's own gradient functions do.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { convGeometry } from '../harness/reference.js';
import type { ConvPass, ConvProblem, GemmProblem, Impl, Runner } from '../harness/types.js';

export type Tfjs = typeof TF;

/** tfjs-core in production mode: no debug checks (and no "install tfjs-node" banner). */
export async function loadTfjsCore(): Promise<Tfjs> {
  const tf = (await import('@tensorflow/tfjs-core')) as Tfjs;
  tf.enableProdMode();
  return tf;
}

/** A runner around a function that returns a fresh tfjs tensor each call. */
function tensorRunner(inputs: TF.Tensor[], compute: () => TF.Tensor): Runner {
  let out: TF.Tensor | null = null;
  return {
    run() {
      const y = compute();
      out?.dispose();
      out = y;
    },
    read() {
      if (!out) throw new Error('read before run');
      return out.dataSync() as Float32Array;
    },
    dispose() {
      out?.dispose();
      for (const t of inputs) t.dispose();
    },
  };
}

export type TfjsLayers = typeof import('@tensorflow/tfjs-layers');

let layersPromise: Promise<TfjsLayers> | null = null;

/**
 * @tensorflow/tfjs-layers for the model suites. Its Node build registers the gradients
 * (tfjs-core's register_all_gradients) but not the chained ops (`x.add(y)`) it calls, and
 * tfjs-core's Node build leaves them out: the `@tensorflow/tfjs` bundle registers them on
 * the same tfjs-core instance (it registers no backend in Node beyond cpu).
 */
export function loadTfjsLayers(): Promise<TfjsLayers> {
  layersPromise ??= (async () => {
    const tf = await loadTfjsCore();
    await import('@tensorflow/tfjs');
    const tfl = await import('@tensorflow/tfjs-layers');
    if (typeof (tf.tensor([1]) as unknown as { add?: unknown }).add !== 'function')
      throw new Error('tfjs chained ops are not registered (import @tensorflow/tfjs)');
    if (!tf.getGradient('Conv2D')) throw new Error('tfjs gradients are not registered');
    return tfl;
  })();
  return layersPromise;
}

export abstract class TfjsImpl implements Impl {
  readonly kind = 'peer' as const;
  notes: string[] = [];
  protected tf!: Tfjs;

  /** The tfjs-core module (after setup); call `activate()` first to switch the engine to this backend. */
  get tfjs(): Tfjs {
    if (!this.tf) throw new Error(`${this.name} is not set up`);
    return this.tf;
  }
  abstract readonly name: string;
  abstract readonly threads: number;
  /** The tfjs backend name (`cpu`, `wasm`). */
  protected abstract readonly backendName: string;
  abstract setup(): Promise<void>;

  async activate(): Promise<void> {
    if (this.tf.getBackend() !== this.backendName) await this.tf.setBackend(this.backendName);
  }

  gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Runner {
    const tf = this.tf;
    const ta = tf.tensor2d(a, p.transposeA ? [p.k, p.m] : [p.m, p.k]);
    const tb = tf.tensor2d(b, p.transposeB ? [p.n, p.k] : [p.k, p.n]);
    return tensorRunner([ta, tb], () => tf.matMul(ta, tb, p.transposeA, p.transposeB));
  }

  /** Every call makes new operand tensors from `a` and `b`, multiplies, and disposes them. */
  gemmFresh(p: GemmProblem, a: Float32Array, b: Float32Array): Runner {
    const tf = this.tf;
    const sa: [number, number] = p.transposeA ? [p.k, p.m] : [p.m, p.k];
    const sb: [number, number] = p.transposeB ? [p.n, p.k] : [p.k, p.n];
    return tensorRunner([], () => {
      const ta = tf.tensor2d(a, sa);
      const tb = tf.tensor2d(b, sb);
      const y = tf.matMul(ta, tb, p.transposeA, p.transposeB);
      ta.dispose();
      tb.dispose();
      return y;
    });
  }

  conv2d(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Runner {
    const tf = this.tf;
    const g = convGeometry(p);
    const xShape: [number, number, number, number] = [p.batch, p.height, p.width, p.inChannels];
    const yShape: [number, number, number, number] = [p.batch, g.oh, g.ow, p.outChannels];
    const wShape: [number, number, number, number] = [p.kernelHeight, p.kernelWidth, p.inChannels, p.outChannels];
    const strides: [number, number] = [p.stride, p.stride];
    if (pass === 'forward') {
      const x = tf.tensor4d(first, xShape);
      const w = tf.tensor4d(second, wShape);
      return tensorRunner([x, w], () => tf.conv2d(x, w, strides, p.padding));
    }
    if (pass === 'backpropInput') {
      const dy = tf.tensor4d(first, yShape);
      const filter = tf.tensor4d(second, wShape);
      const attrs = { strides, pad: p.padding, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: xShape };
      return tensorRunner([dy, filter], () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs as never) as TF.Tensor);
    }
    const x = tf.tensor4d(first, xShape);
    const dy = tf.tensor4d(second, yShape);
    const attrs = { strides, pad: p.padding, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: wShape };
    return tensorRunner([x, dy], () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as TF.Tensor);
  }

  dispose(): void {
    /* tfjs backends stay registered for the process; their tensors are disposed per case */
  }
}

/**
 * Peer: onnxruntime-node (native MLAS kernels). Each case builds a one-node ONNX model with
 * @lec/interop's onnxModel (src/onnx/model.ts): MatMul for A·B, Gemm with transA/transB for
 * the transposed variants, Conv for the forward convolution and ConvTranspose for the input
 * gradient (no filter gradient: onnxruntime-node is inference only). Both operands are graph
 * inputs (fed every call, as in training), not initializers.
 *
 * ONNX convolutions are NCHW with OIHW filters: the NHWC data is transposed for it before
 * timing and the result transposed back after; the timed call runs on NCHW data.
 */
import { convGeometry } from '../harness/reference.js';
import type { ConvPass, ConvProblem, GemmProblem, Impl, ImplContext, ImplFactory, Runner } from '../harness/types.js';
import { oneNodeModel, type OneNodeModel } from '../onnx/model.js';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** [N,H,W,C] → [N,C,H,W]. */
export function nhwcToNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + xx] = x[((b * h + y) * w + xx) * c + ch];
  return out;
}

/** [N,C,H,W] → [N,H,W,C]. */
export function nchwToNhwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) out[((b * h + y) * w + xx) * c + ch] = x[((b * c + ch) * h + y) * w + xx];
  return out;
}

/** [kh,kw,Cin,Cout] → [Cout,Cin,kh,kw]. */
export function hwioToOihw(wt: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array {
  const out = new Float32Array(wt.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = wt[((y * kw + x) * ci + i) * co + o];
  return out;
}

class OrtImpl implements Impl {
  readonly name: string;
  readonly kind = 'peer' as const;
  notes: string[] = [];
  private ort!: Ort;

  constructor(readonly threads: number) {
    this.name = threads === 1 ? 'onnxruntime' : `onnxruntime-t${threads}`;
  }

  async setup(): Promise<void> {
    this.ort = (await import('onnxruntime-node')) as Ort;
    if (this.threads === 1)
      this.notes.push(
        'onnxruntime: one-node models written by the bench (MatMul/Gemm/Conv/ConvTranspose); conv data transposed NHWC→NCHW for it outside the timed call; no filter gradient (inference only)',
      );
  }

  private async session(spec: OneNodeModel): Promise<Session> {
    const ort = this.ort;
    return ort.InferenceSession.create(oneNodeModel(spec), {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // spinning worker threads would steal the CPU from the impls measured after this one
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  }

  private runner(
    session: Session,
    feeds: Record<string, InstanceType<Ort['Tensor']>>,
    post: (y: Float32Array) => Float32Array = (y) => y,
  ): Runner {
    let out: Float32Array | null = null;
    const outName = session.outputNames[0];
    return {
      async run() {
        const r = await session.run(feeds);
        out = r[outName].data as Float32Array;
      },
      read() {
        if (!out) throw new Error('read before run');
        return post(out);
      },
      dispose() {
        void session.release();
      },
    };
  }

  async gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Promise<Runner> {
    const { Tensor } = this.ort;
    const aShape = p.transposeA ? [p.k, p.m] : [p.m, p.k];
    const bShape = p.transposeB ? [p.n, p.k] : [p.k, p.n];
    const plain = !p.transposeA && !p.transposeB;
    const session = await this.session({
      opType: plain ? 'MatMul' : 'Gemm',
      inputs: [
        { name: 'A', shape: aShape },
        { name: 'B', shape: bShape },
      ],
      output: { name: 'Y', shape: [p.m, p.n] },
      attributes: plain ? {} : { transA: p.transposeA ? 1 : 0, transB: p.transposeB ? 1 : 0 },
    });
    return this.runner(session, { A: new Tensor('float32', a, aShape), B: new Tensor('float32', b, bShape) });
  }

  skipReason(suite: string, caseId: string): string | null {
    return suite === 'conv' && caseId.startsWith('backprop-filter') ? 'onnxruntime is inference-only: no filter-gradient op' : null;
  }

  async conv2d(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Promise<Runner | null> {
    if (pass === 'backpropFilter') return null;
    const { Tensor } = this.ort;
    const g = convGeometry(p);
    const { batch: n, height: h, width: w, inChannels: ci, outChannels: co, kernelHeight: kh, kernelWidth: kw } = p;
    const attributes = {
      kernel_shape: [kh, kw],
      strides: [p.stride, p.stride],
      pads: [g.padTop, g.padLeft, g.padBottom, g.padRight],
      dilations: [1, 1],
    };
    const wShape = [co, ci, kh, kw];
    const weights = new Tensor('float32', hwioToOihw(second, kh, kw, ci, co), wShape);
    if (pass === 'forward') {
      const xShape = [n, ci, h, w];
      const session = await this.session({
        opType: 'Conv',
        inputs: [
          { name: 'X', shape: xShape },
          { name: 'W', shape: wShape },
        ],
        output: { name: 'Y', shape: [n, co, g.oh, g.ow] },
        attributes,
      });
      return this.runner(session, { X: new Tensor('float32', nhwcToNchw(first, n, h, w, ci), xShape), W: weights }, (y) =>
        nchwToNhwc(y, n, co, g.oh, g.ow),
      );
    }
    // input gradient = ConvTranspose(dy, W): its weight layout (C_in of the transpose, C_out, kh, kw) is the forward OIHW
    const dyShape = [n, co, g.oh, g.ow];
    const session = await this.session({
      opType: 'ConvTranspose',
      inputs: [
        { name: 'DY', shape: dyShape },
        { name: 'W', shape: wShape },
      ],
      output: { name: 'DX', shape: [n, ci, h, w] },
      // output size (Ho-1)·s + kh - pads + output_padding must come back to H×W
      attributes: {
        ...attributes,
        output_padding: [
          h - ((g.oh - 1) * p.stride + kh - g.padTop - g.padBottom),
          w - ((g.ow - 1) * p.stride + kw - g.padLeft - g.padRight),
        ],
      },
    });
    return this.runner(session, { DY: new Tensor('float32', nhwcToNchw(first, n, g.oh, g.ow, co), dyShape), W: weights }, (y) =>
      nchwToNhwc(y, n, ci, h, w),
    );
  }

  dispose(): void {}
}

export const onnxruntime: ImplFactory = {
  family: 'onnxruntime',
  create: (ctx: ImplContext) => (ctx.threads > 1 ? [new OrtImpl(1), new OrtImpl(ctx.threads)] : [new OrtImpl(1)]),
};

/**
 * Peer: onnxruntime-node (native MLAS kernels). Each case runs a one-node ONNX graph of
 * src/onnx/graphs.ts (MatMul/Gemm, Conv, ConvTranspose for the input gradient; no filter
 * gradient: onnxruntime is inference only), written with @lec/interop's onnxModel. Both
 * operands are graph inputs (fed every call, as in training), not initializers; conv data is
 * transposed NHWC → NCHW outside the timed call and the timed call runs on NCHW data.
 */
import type { ConvPass, ConvProblem, GemmProblem, Impl, ImplContext, ImplFactory, Runner } from '../harness/types.js';
import { convGraph, gemmGraph, type OnnxCase } from '../onnx/graphs.js';
import { oneNodeModel } from '../onnx/model.js';

export { hwioToOihw, nchwToNhwc, nhwcToNchw } from '../onnx/graphs.js';

type Ort = typeof import('onnxruntime-node');

/** Why an onnxruntime peer skips a case it has the method for, or null. */
export function ortSkipReason(suite: string, caseId: string): string | null {
  return suite === 'conv' && caseId.startsWith('backprop-filter') ? 'onnxruntime is inference-only: no filter-gradient op' : null;
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

  private async runner(c: OnnxCase): Promise<Runner> {
    const ort = this.ort;
    const session = await ort.InferenceSession.create(oneNodeModel(c.spec), {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // spinning worker threads would steal the CPU from the impls measured after this one
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    const feeds = Object.fromEntries(c.feeds.map((f) => [f.name, new ort.Tensor('float32', f.data, f.shape)]));
    let out: Float32Array | null = null;
    const outName = session.outputNames[0];
    return {
      async run() {
        const r = await session.run(feeds);
        out = r[outName].data as Float32Array;
      },
      read() {
        if (!out) throw new Error('read before run');
        return c.post(out);
      },
      dispose() {
        void session.release();
      },
    };
  }

  gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Promise<Runner> {
    return this.runner(gemmGraph(p, a, b));
  }

  skipReason(suite: string, caseId: string): string | null {
    return ortSkipReason(suite, caseId);
  }

  async conv2d(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Promise<Runner | null> {
    const c = convGraph(p, pass, first, second);
    return c && this.runner(c);
  }

  dispose(): void {}
}

export const onnxruntime: ImplFactory = {
  family: 'onnxruntime',
  create: (ctx: ImplContext) => (ctx.threads > 1 ? [new OrtImpl(1), new OrtImpl(ctx.threads)] : [new OrtImpl(1)]),
};

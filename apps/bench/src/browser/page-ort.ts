/**
 * onnxruntime-web in the browser bench's page, next to tfjs-wasm: one thread (onnxruntime-web
 * reads `env.wasm.numThreads` once per page, so a second thread count would need a second page;
 * tfjs-wasm runs one thread here too). Its ort-wasm-simd-threaded .mjs/.wasm are served from /ort/
 * (run-browser.ts copies them from the package; no internet). Gemm runs the Node bench's one-node
 * graphs (src/onnx/graphs.ts); LeNet-5 inference runs lec's LeNet-5 exported with @lec/interop's
 * toOnnx, its output checked against lec's forward of the same weights.
 */
// the WebAssembly-only entry (the default browser entry is the WebGPU/JSEP build)
import * as ort from 'onnxruntime-web/wasm';
import type { ConvPass, ConvProblem, GemmProblem, Impl, Runner } from '../harness/types.js';
import { convGraph, gemmGraph, type OnnxCase } from '../onnx/graphs.js';
import { oneNodeModel } from '../onnx/model.js';

export class PageOrtWeb implements Impl {
  readonly name = 'onnxruntime-web';
  readonly kind = 'peer' as const;
  readonly threads = 1;
  notes: string[] = [];

  async setup(): Promise<void> {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = '/ort/';
    // a 1×1 product starts the module, so a broken setup skips the impl here, with the reason
    const r = await this.gemm({ m: 1, n: 1, k: 1, transposeA: false, transposeB: false }, Float32Array.of(2), Float32Array.of(3));
    await r.run();
    const y = (await r.read())[0];
    r.dispose();
    if (y !== 6) throw new Error(`onnxruntime-web computed 2·3 = ${y}`);
    this.notes.push(`onnxruntime-web ${ort.env.versions.web} (browser) with ${ort.env.wasm.numThreads} thread(s), files from /ort/`);
  }

  /** A session of `model` fed with `feeds`; `post` maps its output to the bench's layout. */
  async session(model: Uint8Array, feeds: OnnxCase['feeds'], post: OnnxCase['post']): Promise<Runner> {
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const inputs = Object.fromEntries(feeds.map((f) => [f.name, new ort.Tensor('float32', f.data, f.shape)]));
    const outName = session.outputNames[0];
    let out: Float32Array | null = null;
    return {
      async run() {
        out = (await session.run(inputs))[outName].data as Float32Array;
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

  gemm(p: GemmProblem, a: Float32Array, b: Float32Array): Promise<Runner> {
    const c = gemmGraph(p, a, b);
    return this.session(oneNodeModel(c.spec), c.feeds, c.post);
  }

  async conv2d(p: ConvProblem, pass: ConvPass, first: Float32Array, second: Float32Array): Promise<Runner | null> {
    const c = convGraph(p, pass, first, second);
    return c && this.session(oneNodeModel(c.spec), c.feeds, c.post);
  }

  dispose(): void {}
}

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
import type { ImplFactory } from '../harness/types.js';
import { TfjsImpl, loadTfjsCore } from './tfjs-common.js';
import { registerWasmConv2DBackpropFilter } from './tfjs-wasm-grad.js';

export { registerWasmConv2DBackpropFilter };

const require = createRequire(import.meta.url);

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

/**
 * The wasm backend's softmax cross-entropy: the SIMD kernel of assembly/softmax-f32.ts for
 * float32 (in place on the tensor heap), the JavaScript loop for float64.
 */
import type { CpuHandle, FastPaths } from '@lec/tensor';
import { softmaxCrossEntropyJs } from '../js-kernels.js';
import { softmaxCrossEntropyPointers } from '../kernels/softmax-cross-entropy.js';
import type { WasmContext } from './context.js';

/** `{ softmaxCrossEntropy }` of the wasm backend. */
export function wasmSoftmaxCrossEntropy(context: WasmContext): Pick<FastPaths<CpuHandle>, 'softmaxCrossEntropy'> {
  const { store, kernels } = context;
  return {
    softmaxCrossEntropy(logits, labels, n, c, dtype) {
      const lossData = store.array(dtype, 1);
      if (dtype !== 'float32') {
        const dlogits = store.array(dtype, n * c);
        lossData[0] = softmaxCrossEntropyJs(store.get(logits), store.get(labels) as Int32Array, n, c, dlogits);
        return { loss: store.make(lossData), dlogits: store.make(dlogits) };
      }
      return context.run(() => {
        const dlogits = context.allocF32(n * c);
        const y = store.get(labels);
        const py = kernels.arena.alloc(y.length * 4, 16);
        kernels.arena.i32(py, y.length).set(y);
        lossData[0] = softmaxCrossEntropyPointers(kernels, context.pointerOf(logits), py, n, c, dlogits.ptr);
        return { loss: store.make(lossData), dlogits: dlogits.handle };
      });
    },
  };
}

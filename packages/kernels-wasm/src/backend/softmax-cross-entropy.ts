/**
 * The wasm backend's softmax cross-entropy, in JavaScript for every float dtype (dominated by
 * exp, which wasm has no SIMD form of: a wasm round trip measured no faster).
 */
import type { CpuHandle, FastPaths } from '@lec/tensor';
import { softmaxCrossEntropyJs } from '../js-kernels.js';
import type { WasmContext } from './context.js';

/** `{ softmaxCrossEntropy }` of the wasm backend. */
export function wasmSoftmaxCrossEntropy({ store }: WasmContext): Pick<FastPaths<CpuHandle>, 'softmaxCrossEntropy'> {
  return {
    softmaxCrossEntropy(logits, labels, n, c, dtype) {
      const dlogits = store.array(dtype, n * c);
      const loss = softmaxCrossEntropyJs(store.get(logits), store.get(labels) as Int32Array, n, c, dlogits);
      const lossData = store.array(dtype, 1);
      lossData[0] = loss;
      return { loss: store.make(lossData), dlogits: store.make(dlogits) };
    },
  };
}

/**
 * Softmax cross-entropy on the host side (assembly/softmax-f32.ts): shape checks and the
 * kernel call on arena pointers.
 */
import { ShapeError } from '@lec/tensor';
import type { WasmKernels } from '../wasm-kernels.js';

/**
 * The mean softmax cross-entropy of logits [n, c] (at `logits`) against int32 labels [n] (at
 * `labels`); writes dlogits [n, c] = (softmax − onehot)/n at `dlogits` and returns the loss.
 */
export function softmaxCrossEntropyPointers(
  kernels: WasmKernels,
  logits: number,
  labels: number,
  n: number,
  c: number,
  dlogits: number,
): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || n < 0 || c < 0) {
    throw new ShapeError('softmaxCrossEntropy', `expected logits [n, c] with non-negative integer n and c, got [${n}, ${c}]`);
  }
  return kernels.exports.softmax_cross_entropy_f32(logits, labels, n, c, dlogits);
}

/** The kernel on arrays (copies in and out); returns the loss and writes `dlogits`. */
export function softmaxCrossEntropyArray(
  kernels: WasmKernels,
  logits: Float32Array,
  labels: Int32Array,
  n: number,
  c: number,
  dlogits: Float32Array = new Float32Array(n * c),
): { loss: number; dlogits: Float32Array } {
  if (logits.length !== n * c || dlogits.length !== n * c) {
    throw new ShapeError(
      'softmaxCrossEntropy',
      `logits and dlogits must hold n·c = ${n * c} values, got ${logits.length} and ${dlogits.length}`,
    );
  }
  if (labels.length !== n) throw new ShapeError('softmaxCrossEntropy', `argument 'labels' expected ${n} values, got ${labels.length}`);
  const arena = kernels.arena;
  const mark = arena.mark();
  try {
    const pl = arena.allocF32(logits.length, logits);
    const py = arena.alloc(labels.byteLength, 16);
    arena.i32(py, n).set(labels);
    const pd = arena.alloc(dlogits.byteLength, 16);
    const loss = softmaxCrossEntropyPointers(kernels, pl, py, n, c, pd);
    dlogits.set(arena.f32(pd, dlogits.length));
    return { loss, dlogits };
  } finally {
    arena.release(mark);
  }
}

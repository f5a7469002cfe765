/**
 * Metrics: plain numbers computed from predictions and targets (no gradients).
 * Class predictions: scores [n, c] with c > 1 → argmax; a single column [n] or [n, 1] →
 * 1 when the score ≥ `threshold` (0.5 for probabilities; use 0 for logits).
 * Targets: int32 class ids [n], one-hot/probabilities [n, c] (→ argmax), or 0/1 values.
 */
import { type Tensor, ShapeError, argmax, noGrad, tidy } from '@lec/tensor';

/** A metric for `fit`/`evaluate`: `(prediction, target) → number`, averaged over batches by size. */
export type Metric = (prediction: Tensor, target: Tensor) => number;

function classes(t: Tensor, threshold: number, role: string): Int32Array {
  return tidy(() =>
    noGrad(() => {
      if (t.rank >= 2 && t.shape[t.rank - 1] > 1) return Int32Array.from(argmax(t, -1).dataSync());
      const data = t.dataSync();
      if (t.dtype === 'int32' && role === 'target') return Int32Array.from(data);
      return Int32Array.from(data, (v) => (v >= threshold ? 1 : 0));
    }),
  );
}

/**
 * Fraction of samples whose predicted class equals the target class.
 * @example
 * ```ts
 * accuracy(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([1, 1], undefined, { dtype: 'int32' })); // 0.5
 * accuracy(tensor([0.7, 0.2]), tensor([1, 0])); // 1
 * ```
 */
export function accuracy(prediction: Tensor, target: Tensor, options: { threshold?: number } = {}): number {
  const threshold = options.threshold ?? 0.5;
  const p = classes(prediction, threshold, 'prediction');
  const y = classes(target, 0.5, 'target');
  if (p.length !== y.length)
    throw new ShapeError(
      'accuracy',
      `prediction gives ${p.length} samples ([${prediction.shape.join(', ')}]) but target gives ${y.length} ([${target.shape.join(', ')}])`,
    );
  if (p.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === y[i]) hits++;
  return hits / p.length;
}

/**
 * The confusion matrix: entry [i][j] counts samples of true class i predicted as j.
 * `numClasses` defaults to the score columns (2 for a single column).
 * @example
 * ```ts
 * const target = tensor([0, 1, 1], undefined, { dtype: 'int32' });
 * confusionMatrix(tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), target); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(prediction: Tensor, target: Tensor, options: { numClasses?: number; threshold?: number } = {}): number[][] {
  const p = classes(prediction, options.threshold ?? 0.5, 'prediction');
  const y = classes(target, 0.5, 'target');
  if (p.length !== y.length) throw new ShapeError('confusionMatrix', `prediction gives ${p.length} samples but target gives ${y.length}`);
  const k =
    options.numClasses ?? (prediction.rank >= 2 && prediction.shape[prediction.rank - 1] > 1 ? prediction.shape[prediction.rank - 1] : 2);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < p.length; i++) {
    if (y[i] < 0 || y[i] >= k || p[i] < 0 || p[i] >= k)
      throw new ShapeError('confusionMatrix', `class ${y[i] >= k || y[i] < 0 ? y[i] : p[i]} at sample ${i} is outside [0, ${k})`);
    m[y[i]][p[i]]++;
  }
  return m;
}

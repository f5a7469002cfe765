import { tidy } from '../engine.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { sum } from './sum.js';

/**
 * allFinite(tensors): whether every entry of every tensor is finite (no NaN, no ±∞), as one
 * boolean (int32 tensors are always finite). Backends with the `allFinite` fast path check
 * all of them in one pass (the wasm backend skips outputs its optimizer kernel already found
 * finite); elsewhere Σ sum(t·0), which is 0 exactly when every entry is finite, read once.
 * What an optimizer's all-or-nothing step checks its gradients and results with.
 * @example
 * ```ts
 * allFinite([tensor([1, 2]), tensor([3])]); // true
 * allFinite([tensor([1, NaN])]); // false
 * ```
 */
export function allFinite(tensors: readonly Tensor[]): boolean {
  if (!Array.isArray(tensors)) throw new ValueError('allFinite', `argument 'tensors' expected an array of tensors, got ${typeof tensors}`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError('allFinite', `argument 'tensors' expected tensors, got ${typeof t} at index ${i}`);
  });
  // one check per backend and dtype
  const groups = new Map<string, Tensor[]>();
  const backends: unknown[] = [];
  for (const t of tensors) {
    if (t.dtype === 'int32' || t.size === 0) continue;
    if (!backends.includes(t.backend)) backends.push(t.backend);
    const key = `${backends.indexOf(t.backend)}:${t.dtype}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [t]);
    else list.push(t);
  }
  for (const list of groups.values()) {
    const { backend, dtype } = list[0];
    const fast = backend.fastPaths.allFinite;
    if (fast !== undefined) {
      if (
        !fast(
          list.map((t) => t.handle),
          dtype,
        )
      )
        return false;
      continue;
    }
    const total = tidy(() =>
      list
        .map((t) => sum(mul(t, 0)))
        .reduce((a, b) => add(a, b))
        .item(),
    );
    if (!Number.isFinite(total)) return false;
  }
  return true;
}

/**
 * The fused mean squared error (`meanSquaredError`, behind mseLoss and @lec/nn's
 * meanSquaredError): loss and gradients against the unfused ops on every build, float32 and
 * float64, sizes around the SIMD width; a gradient of a gradient (the ops run while a tape records).
 */
import { type Tensor, grad, mean, mseLoss, square, sub, sum, tensor, withBackend } from '@lec/tensor';
import { describe, expect, it, vi } from 'vitest';
import { rng } from '../../test/reference.js';
import { wasmBackend } from '../wasm-backend.js';

const values = (seed: number, n: number) => {
  const random = rng(seed);
  return Array.from({ length: n }, () => random() * 4 - 2);
};

describe.each(['scalar', 'simd', 'relaxed'] as const)('meanSquaredError (%s)', (feature) => {
  it('loss and both gradients match the unfused ops (sizes 1–1031, float32 and float64)', async () => {
    const backend = await wasmBackend({ feature, threads: 1 });
    const spy = vi.spyOn(backend.fastPaths, 'meanSquaredError');
    withBackend(backend, () => {
      for (const dtype of ['float32', 'float64'] as const)
        for (const n of [1, 3, 4, 5, 17, 1031]) {
          const p = tensor(values(n, n), [n], { dtype });
          const t = tensor(values(n + 1, n), [n], { dtype });
          const fused = grad((a: Tensor, b: Tensor) => mseLoss(a, b))(p, t);
          const plain = grad((a: Tensor, b: Tensor) => mean(square(sub(a, b))))(p, t);
          expect(mseLoss(p, t).item()).toBeCloseTo(mean(square(sub(p, t))).item(), 5);
          for (let g = 0; g < 2; g++) {
            const [x, y] = [fused[g].dataSync(), plain[g].dataSync()];
            for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(y[i], 6);
          }
        }
    });
    expect(spy).toHaveBeenCalled();
  });
});

describe('meanSquaredError under a recording tape', () => {
  it('a gradient of a gradient is that of the ops (2/size per element)', async () => {
    const backend = await wasmBackend({ feature: 'simd', threads: 1 });
    withBackend(backend, () => {
      const t = tensor([0.5, -1, 2, 0]);
      const second = grad((p: Tensor) => sum(square(grad((q: Tensor) => mseLoss(q, t))(p)[0])))(tensor([1, 2, 3, 4]));
      // d/dp Σ (2(p − t)/4)² = 2·(2/4)²·(p − t)
      expect(Array.from(second[0].dataSync())).toEqual([0.25, 1.5, 0.5, 2]);
    });
  });
});

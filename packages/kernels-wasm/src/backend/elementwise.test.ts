/**
 * The wasm backend's unary, binary, where, reduce, movement and softmax cross-entropy: float32 runs the wasm
 * kernels (the export is called, results match the js backend), float64 and int32 stay
 * JavaScript, and a failed reduction leaves no tensor behind.
 */
import {
  type Tensor,
  ValueError,
  add,
  concat,
  exp,
  gather,
  greater,
  jsBackend,
  max,
  mul,
  scatterAdd,
  sigmoid,
  slice,
  softmaxCrossEntropy,
  sum,
  tensor,
  transpose,
  where,
  withBackend,
} from '@lec/tensor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type WasmBackend, wasmBackend } from '../wasm-backend.js';

const js = jsBackend();

/** The same program on the wasm backend and the js backend, read back. */
function onBoth(backend: WasmBackend, program: () => Tensor): [Float32Array | Float64Array | Int32Array, ArrayLike<number>] {
  const wasm = withBackend(backend, () => program().dataSync());
  const ref = withBackend(js, () => program().dataSync());
  return [wasm, ref];
}

for (const feature of ['scalar', 'simd', 'relaxed'] as const) {
  describe(`wasm backend elementwise primitives, ${feature} build`, () => {
    let backend: WasmBackend;
    beforeAll(async () => {
      backend = await wasmBackend({ feature });
    });
    afterAll(() => backend.disposeBackend());

    it('float32 unary, binary, comparisons, where and reductions run the kernels and match the js backend', { timeout: 30_000 }, () => {
      const exports = backend.kernels.exports;
      const spies = (['unary_f32', 'binary_f32', 'where_f32', 'reduce_f32'] as const).map((name) => vi.spyOn(exports, name));
      try {
        const x = Array.from({ length: 24 }, (_, i) => Math.sin(i) * 3);
        const [e1, r1] = onBoth(backend, () => sigmoid(exp(tensor(x, [2, 3, 4]))));
        for (let i = 0; i < r1.length; i++) expect(Math.abs(e1[i] - r1[i])).toBeLessThanOrEqual(1e-6 * Math.abs(r1[i]) + 1e-7);
        const [e2, r2] = onBoth(backend, () => mul(add(tensor(x, [2, 3, 4]), tensor([1, 2, 3, 4])), tensor([[[2]], [[3]]])));
        expect(e2).toEqual(r2);
        const [e3, r3] = onBoth(backend, () => greater(tensor(x, [2, 3, 4]), tensor([0, 1, -1], [3, 1])));
        expect(e3).toEqual(r3);
        expect(e3).toBeInstanceOf(Int32Array);
        const [e4, r4] = onBoth(backend, () => where(greater(tensor(x, [6, 4]), 0), tensor(x, [6, 4]), tensor([-1, -2, -3, -4])));
        expect(e4).toEqual(r4);
        const [e5, r5] = onBoth(backend, () => max(tensor(x, [2, 3, 4]), [0, 2]));
        expect(e5).toEqual(r5);
        const [e6, r6] = onBoth(backend, () => sum(tensor(x, [2, 3, 4]), [0, 1]));
        for (let i = 0; i < r6.length; i++) expect(Math.abs(e6[i] - r6[i])).toBeLessThanOrEqual(1e-5);
        for (const spy of spies) expect(spy, spy.getMockName()).toHaveBeenCalled();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });

    it('float32 transpose, concat, slice, gather, scatterAdd and softmax cross-entropy run the kernels and match the js backend', {
      timeout: 30_000,
    }, () => {
      const exports = backend.kernels.exports;
      const spies = (['strided_copy_32', 'softmax_cross_entropy_f32', 'gather_32', 'scatter_add_f32'] as const).map((name) =>
        vi.spyOn(exports, name),
      );
      try {
        const x = Array.from({ length: 24 }, (_, i) => Math.cos(i) * 4);
        const [e1, r1] = onBoth(backend, () => concat([transpose(tensor(x, [2, 3, 4]), [2, 0, 1]), tensor(x, [4, 2, 3])], 1));
        expect(e1).toEqual(r1);
        const [e2, r2] = onBoth(backend, () => slice(tensor(x, [4, 6]), [1, 2], [2, 3]));
        expect(e2).toEqual(r2);
        const labels = () => tensor([1, 0, 5, 2], [4], { dtype: 'int32' });
        const [e3, r3] = onBoth(backend, () => softmaxCrossEntropy(tensor(x, [4, 6]), labels()));
        expect(Math.abs(e3[0] - r3[0])).toBeLessThanOrEqual(1e-6 * Math.abs(r3[0]));
        const idx = () => tensor([2, 0, 2], [3], { dtype: 'int32' });
        const [e4, r4] = onBoth(backend, () => gather(tensor(x, [4, 6]), idx(), 1));
        expect(e4).toEqual(r4);
        const [e5, r5] = onBoth(backend, () => scatterAdd([3, 4], idx(), tensor(x.slice(0, 12), [3, 4]), 0));
        expect(e5).toEqual(r5);
        for (const spy of spies) expect(spy).toHaveBeenCalled();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });

    it('float64 and int32 stay on the JavaScript loops', { timeout: 30_000 }, () => {
      const spies = (['unary_f32', 'binary_f32', 'reduce_f32'] as const).map((name) => vi.spyOn(backend.kernels.exports, name));
      try {
        withBackend(backend, () => {
          const d = tensor([1, 2, 3], [3], { dtype: 'float64' });
          expect(Array.from(sum(exp(add(d, d))).dataSync())).toEqual([Math.exp(2) + Math.exp(4) + Math.exp(6)]);
          const i = tensor([1, 2, 3], [3], { dtype: 'int32' });
          expect(Array.from(add(i, i).dataSync())).toEqual([2, 4, 6]);
        });
        for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    });

    it('max over an empty axis raises a ValueError and leaves no tensor behind', { timeout: 30_000 }, () => {
      withBackend(backend, () => {
        const x = tensor(new Float32Array(0), [3, 0]);
        const live = backend.liveBuffers();
        expect(() => max(x, 1)).toThrow(ValueError);
        expect(backend.liveBuffers()).toBe(live);
        expect(Array.from(sum(x, 1).dataSync())).toEqual([0, 0, 0]);
      });
    });
  });
}

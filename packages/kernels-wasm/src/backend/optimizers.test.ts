/**
 * The wasm sgdStep and rmspropStep against sgdUpdate's and rmspropUpdate's composites on the same backend: bit-identical (the kernel
 * rounds each product as the composite's ops do), with and without momentum, Nesterov and
 * weight decay, on one and two threads; float64 takes the JavaScript loop.
 */
import { type BackendV1, type Tensor, rmspropUpdate, sgdUpdate, tensor, withBackend } from '@lec/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { randomF32 } from '../../test/reference.js';
import { wasmBackend } from '../wasm-backend.js';

const backends = [
  wasmBackend({ feature: 'relaxed', threads: 1 }),
  wasmBackend({ feature: 'simd', threads: 2 }),
  wasmBackend({ feature: 'scalar' }),
];
afterAll(async () => {
  for (const b of backends) (await b).disposeBackend();
});

const OPTIONS = [
  { learningRate: 0.1 },
  { learningRate: 0.1, weightDecay: 0.01 },
  { learningRate: 0.03, momentum: 0.9 },
  { learningRate: 0.03, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
];

function step(backend: BackendV1, options: (typeof OPTIONS)[number], withState: boolean, dtype: 'float32' | 'float64') {
  return withBackend(backend, () => {
    const t = (seed: number) => tensor(randomF32(1031, seed), [1031], { dtype });
    const b = withState && options.momentum ? t(3) : null;
    const [w, b1] = sgdUpdate(t(1), t(2), b, options);
    return [w, b1].filter((x): x is Tensor => x !== null).map((x) => Array.from(x.dataSync()));
  });
}

describe('wasm sgdStep', () => {
  it.each([0, 1, 2])('is bit-identical to the composite (backend %i)', async (i) => {
    const backend = await backends[i];
    const composite = { ...backend, fastPaths: { ...backend.fastPaths, sgdStep: undefined } };
    for (const options of OPTIONS) {
      for (const withState of [false, true]) {
        for (const dtype of ['float32', 'float64'] as const) {
          const fused = step(backend, options, withState, dtype);
          expect(fused.length).toBe(options.momentum ? 2 : 1);
          expect(fused, `${JSON.stringify(options)} state ${withState} ${dtype}`).toEqual(step(composite, options, withState, dtype));
        }
      }
    }
  });
});

const RMS_OPTIONS = [
  { learningRate: 1e-3 },
  { learningRate: 1e-2, rho: 0.5, epsilon: 1e-4, weightDecay: 0.01 },
  { learningRate: 3e-3, momentum: 0.9 },
];

function rmsStep(backend: BackendV1, options: (typeof RMS_OPTIONS)[number], withState: boolean, dtype: 'float32' | 'float64') {
  return withBackend(backend, () => {
    const t = (seed: number, square = false) => {
      const x = randomF32(1031, seed);
      return tensor(square ? x.map((v) => v * v) : x, [1031], { dtype });
    };
    const s = withState ? t(3, true) : null;
    const d = withState && options.momentum ? t(4) : null;
    const r = rmspropUpdate(t(1), t(2), s, d, options);
    return r.filter((x): x is Tensor => x !== null).map((x) => Array.from(x.dataSync()));
  });
}

describe('wasm rmspropStep', () => {
  it.each([0, 1, 2])('is bit-identical to the composite (backend %i)', async (i) => {
    const backend = await backends[i];
    const composite = { ...backend, fastPaths: { ...backend.fastPaths, rmspropStep: undefined } };
    for (const options of RMS_OPTIONS) {
      for (const withState of [false, true]) {
        for (const dtype of ['float32', 'float64'] as const) {
          const fused = rmsStep(backend, options, withState, dtype);
          expect(fused.length).toBe(options.momentum ? 3 : 2);
          expect(fused, `${JSON.stringify(options)} state ${withState} ${dtype}`).toEqual(rmsStep(composite, options, withState, dtype));
        }
      }
    }
  });
});

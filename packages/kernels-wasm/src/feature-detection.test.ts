import { describe, expect, it } from 'vitest';
import { chooseKernelFeature, kernelBinary } from './feature-detection.js';
import { KERNEL_EXPORT_NAMES, PEAK_FLOPS_PER_ITERATION } from './kernel-exports.js';
import { loadKernels } from './load-kernels.js';

describe('feature detection', () => {
  it('picks relaxed SIMD in this Node (natively or through the V8 flag) and says why', () => {
    const choice = chooseKernelFeature('auto');
    expect(choice.feature).toBe('relaxed');
    expect(choice.reason).toMatch(/relaxed SIMD/);
  });

  it('runs the documented example', () => {
    expect(['relaxed', 'simd', 'scalar']).toContain(chooseKernelFeature('auto').feature);
  });

  it('honours an explicit request', () => {
    expect(chooseKernelFeature('scalar')).toEqual({ feature: 'scalar', reason: 'scalar build requested' });
    expect(chooseKernelFeature('simd').feature).toBe('simd');
  });

  it('ships three builds; only the scalar one is free of SIMD opcodes', () => {
    for (const feature of ['scalar', 'simd', 'relaxed'] as const) {
      const bytes = kernelBinary(feature);
      expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
      const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).map((e) => e.name);
      expect(exports).toEqual(expect.arrayContaining([...KERNEL_EXPORT_NAMES]));
    }
    // The module's imports are only the memory: nothing else the host must provide.
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(kernelBinary('simd') as Uint8Array<ArrayBuffer>));
    expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });

  it.each(['scalar', 'simd', 'relaxed'] as const)('peak kernels of the %s build run and stay finite', async (feature) => {
    const kernels = await loadKernels({ feature });
    expect(PEAK_FLOPS_PER_ITERATION).toBe(96);
    expect(Number.isFinite(kernels.exports.peak_mul_add_f32x4(10_000))).toBe(true);
    expect(Number.isFinite(kernels.exports.peak_madd_f32x4(10_000))).toBe(true);
    expect(kernels.exports.heap_base()).toBeLessThan(65536);
  });
});

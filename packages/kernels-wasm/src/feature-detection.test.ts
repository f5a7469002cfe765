import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chooseKernelFeature } from './feature-detection.js';
import { kernelBinary } from './kernel-binary.js';
import { KERNEL_EXPORT_NAMES, PEAK_FLOPS_PER_ITERATION } from './kernel-exports.js';
import { loadKernels } from './load-kernels.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

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

  it('ships three builds; only the scalar one is free of SIMD opcodes', async () => {
    for (const feature of ['scalar', 'simd', 'relaxed'] as const) {
      const bytes = await kernelBinary(feature);
      expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
      const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).map((e) => e.name);
      expect(exports).toEqual(expect.arrayContaining([...KERNEL_EXPORT_NAMES]));
    }
    // The module's imports are only the memory: nothing else the host must provide.
    const imports = WebAssembly.Module.imports(new WebAssembly.Module((await kernelBinary('simd')) as Uint8Array<ArrayBuffer>));
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

describe('kernelBinary (one lazily imported module per build)', () => {
  it('decodes each build once and hands out the same bytes', async () => {
    const first = await kernelBinary('relaxed', true);
    expect(await kernelBinary('relaxed', true)).toBe(first);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(first as Uint8Array<ArrayBuffer>));
    expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(first as Uint8Array<ArrayBuffer>)).length).toBeGreaterThan(10);
  });

  it('refuses what is not a build', () => {
    expect(() => kernelBinary('scalar', true)).toThrow(/no threaded scalar build/);
    expect(() => kernelBinary('avx' as never)).toThrow(/feature must be 'relaxed', 'simd' or 'scalar', got avx/);
  });

  it.each([
    ['without', []],
    ['with', ['--experimental-wasm-relaxed-simd']],
  ])(
    "the relaxed-SIMD probe agrees with the relaxed build in a Node %s the flag (Node 20's V8)",
    async (_, flags) => {
      const script = `
      const { chooseKernelFeature } = await import('@lec/kernels-wasm');
      const { kernelBinary } = await import('@lec/kernels-wasm');
      const full = WebAssembly.validate(await kernelBinary('relaxed'));
      console.log(JSON.stringify({ full, chosen: chooseKernelFeature('auto', false).feature }));`;
      const child = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', cwd: packageRoot });
      expect(child.status).toBe(0);
      const { full, chosen } = JSON.parse(child.stdout) as { full: boolean; chosen: string };
      expect(chosen).toBe(full ? 'relaxed' : 'simd');
      if (process.versions.node.startsWith('20.')) expect(full).toBe(flags.length > 0);
    },
    60_000,
  );
});

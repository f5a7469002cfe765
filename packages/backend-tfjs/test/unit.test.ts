/**
 * The tfjs backend's unit tests on tfjs-cpu and tfjs-wasm in Node (cases in unit-cases.ts,
 * which the browser page also runs on webgl and webgpu), and the factory's errors.
 */
import { BackendError } from '@lec/tensor';
import { describe, expect, it } from 'vitest';
import { tfjsBackend } from '../src/index.js';
import { nodeBackend } from './node-backends.js';
import { registerUnitTests } from './unit-cases.js';

registerUnitTests('cpu', () => nodeBackend('cpu'));
registerUnitTests('wasm', () => nodeBackend('wasm'));

describe('tfjsBackend() factory', () => {
  it('rejects an unknown backend name', async () => {
    await expect(tfjsBackend({ backend: 'metal' as never })).rejects.toThrow(
      /argument 'backend' expected one of 'cpu', 'wasm', 'webgl', 'webgpu', got "metal"/,
    );
  });
  it('says what to install when a tfjs backend package is missing', async () => {
    // webgpu is installed as a devDependency but cannot start in Node (no navigator.gpu)
    await expect(tfjsBackend({ backend: 'webgpu' })).rejects.toThrow(BackendError);
  });
});

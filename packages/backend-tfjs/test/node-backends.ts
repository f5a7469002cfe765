/**
 * Test helper: tfjs-cpu and tfjs-wasm as lec backends in Node. tfjs-wasm loads its .wasm
 * files from the package's dist folder by file path (one thread in Node).
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { type TfjsBackend, tfjsBackend } from '../src/index.js';

const require = createRequire(import.meta.url);

/** The folder holding tfjs-backend-wasm's .wasm files, as setWasmPaths wants it (ends in '/'). */
export const WASM_DIST = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;

export type NodeDevice = 'cpu' | 'wasm';

export async function nodeBackend(device: NodeDevice): Promise<TfjsBackend> {
  return tfjsBackend(device === 'wasm' ? { backend: 'wasm', wasmPaths: WASM_DIST } : { backend: 'cpu' });
}

/**
 * The impl registry: every implementation the bench can measure, ours first.
 * To add one: write an adapter file exporting an ImplFactory and list it here.
 */
import type { ImplFactory } from '../harness/types.js';
import { lecJs, lecWasm } from './lec.js';
import { mlMatrix } from './ml-matrix.js';
import { onnxruntime } from './onnxruntime.js';
import { onnxruntimeWeb } from './onnxruntime-web.js';
import { pytorch } from './pytorch.js';
import { tfjsCpu } from './tfjs-cpu.js';
import { tfjsWasm } from './tfjs-wasm.js';

export const implFactories: ImplFactory[] = [lecJs, lecWasm, tfjsCpu, tfjsWasm, mlMatrix, onnxruntime, onnxruntimeWeb, pytorch];

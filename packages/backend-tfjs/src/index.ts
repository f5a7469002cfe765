/**
 * @lec/backend-tfjs: lec's Backend interface v1 on @tensorflow/tfjs-core 4.22 (WebGL and
 * WebGPU in browsers; wasm and cpu anywhere). Tensors stay on the tfjs device: dispose them,
 * or run steps inside lec's `tidy`.
 * @packageDocumentation
 */
export { TfjsBackend, TfHandle, type TfjsBackendOptions, type TfjsDevice } from './backend.js';
export { tfjsBackend, type TfjsBackendFactoryOptions } from './factory.js';

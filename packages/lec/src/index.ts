/**
 * lec: the whole public API in one import, like `@tensorflow/tfjs`. `await ready()` makes the
 * fastest available backend current (WebAssembly relaxed SIMD, with worker threads where the
 * page is cross-origin isolated; else SIMD; else plain JavaScript). `allLayers` is one registry
 * of every layer and model, and `loadModel` uses it by default.
 * @packageDocumentation
 */
export * from '@lec/tensor';
export * from '@lec/nn';
export * from '@lec/cnn';
export * from '@lec/rnn';
export * from '@lec/gcn';
export * from '@lec/autoencoder';
export * from '@lec/pca';
// names two packages export: the model loader's limits, and cnn's image-loading options by a new name
export type { LoadOptions } from '@lec/nn';
export type { ImageSplit, LoadOptions as ImageLoadOptions } from '@lec/cnn';
export { wasmBackend, type WasmBackendOptions } from '@lec/kernels-wasm';
export { ready, type ReadyOptions, type ReadyResult } from './ready.js';
export { allLayers, loadModel } from './registry.js';

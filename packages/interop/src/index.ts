/**
 * @lec/interop: models move in and out of lec.
 * - PyTorch, both ways, through safetensors: `fromTorchStateDict`, `toTorchStateDict`,
 *   `torchModuleSource` (the equivalent nn.Module's Python source).
 * Sits above the model packages (@lec/nn, cnn, rnn, gcn); never imports a backend.
 * @packageDocumentation
 */
export { MismatchError, UnsupportedLayerError } from './errors.js';
export { nhwcToNchwOrder, permute, permutedShape } from './layout.js';
export { collectTorchUnits, type CollectOptions, type CollectedUnits, type TorchParam, type TorchUnit } from './torch-units.js';
export { fromTorchStateDict, toTorchStateDict, type FromTorchOptions, type TorchTarget } from './torch-state-dict.js';
export { torchModuleSource } from './torch-module-source.js';
export {
  irVersionFor,
  onnxModel,
  readOnnxModel,
  type OnnxAttribute,
  type OnnxElementType,
  type OnnxModelSpec,
  type OnnxValue,
} from './onnx-graph.js';
export { toOnnx, type ToOnnxOptions } from './onnx-export.js';
export { fromTfjsLayers, toTfjsLayers, type FromTfjsOptions, type TfjsLayersArtifacts, type TfjsLayersFiles } from './tfjs-layers.js';

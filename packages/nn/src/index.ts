/**
 * @lec/nn: Module and layers, initialisers, losses, optimizers and schedules, gradient
 * clipping, trainStep/fit/evaluate/predict, metrics, safetensors save/load, and the
 * perceptron recap. Depends only on @lec/tensor (never on a backend package).
 * @packageDocumentation
 */
export { FormatError, NonFiniteError } from './errors.js';
export { ConfigReader, isJsonObject, safeJsonParse, type JsonObject, type JsonValue, type SafeJsonOptions } from './json.js';
export { Module, type ModuleDescription, type ParameterOptions } from './module.js';
export type { BuildContext, LayerFactory, LayerRegistry } from './registry.js';
export {
  computeFans,
  constantInit,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  normalInit,
  onesInit,
  orthogonal,
  zerosInit,
  type InitContext,
  type Initializer,
} from './initializers.js';
export type { LayerOptions } from './layers/layer-options.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export { ELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from './layers/activations.js';
export { Sequential } from './layers/sequential.js';
export { Dropout } from './layers/dropout.js';
export { Embedding } from './layers/embedding.js';
export { Flatten } from './layers/flatten.js';
export { LayerNorm, type LayerNormOptions } from './layers/layer-norm.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './layers/batch-norm.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  gaussianKlDivergence,
  meanAbsoluteError,
  meanSquaredError,
  negativeLogLikelihood,
  softmaxCrossEntropyWithLogits,
  type Loss,
  type LossOptions,
  type Reduction,
} from './losses.js';
export { Optimizer, type OptimizerState, type StepContext, type UpdateResult } from './optimizers/optimizer.js';
export { loadOptimizer, saveOptimizer, type RandomStateful } from './checkpoint.js';
export { modelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export { SGD, type SGDOptions } from './optimizers/sgd.js';
export { Adam, AdamW, type AdamOptions } from './optimizers/adam.js';
export { RMSProp, type RMSPropOptions } from './optimizers/rmsprop.js';
export { cosineDecay, sequence, stepDecay, warmup, type LearningRate, type Schedule } from './schedules.js';
export { clipGradNorm, clipGradValue, globalNorm } from './clip.js';
export { trainStep, type TrainStepOptions, type TrainStepResult } from './train-step.js';
export {
  evaluate,
  fit,
  nextMacrotask,
  predict,
  type BatchLogs,
  type Dataset,
  type EarlyStoppingOptions,
  type EpochLogs,
  type EvaluateOptions,
  type FitCallbacks,
  type FitOptions,
  type History,
  type TrainingControl,
} from './fit.js';
export { accuracy, confusionMatrix, type Metric } from './metrics.js';
export { summary, type HasReceptiveWindow, type ModelSummary, type ReceptiveWindow, type SummaryRow } from './summary.js';
export { epochLinePrinter, isNodeTty, printLine, terminalProgress, type ProgressDisplay } from './progress.js';
export {
  readSafetensors,
  writeSafetensors,
  type ReadSafetensorsOptions,
  type SafetensorsEntry,
  type SafetensorsFile,
} from './safetensors.js';
export { loadModel, loadWeights, saveModel, saveWeights, type LoadOptions, type SavedModel } from './serialization.js';
export { coreLayers } from './layers/core-layers.js';
export { Perceptron, rosenblattStep, type PerceptronResult } from './perceptron.js';
export { decisionBoundary, type DecisionGrid } from './decision-boundary.js';

/**
 * The error-inputs table of @lec/nn (issue 25): every exported function and class, the bad
 * inputs it must refuse and the typed error each gives, on the js and f64 backends (the wasm
 * backend runs the op-level table in @lec/backend-tests). A new export fails the suite until it
 * has cases here or a reason in NO_BAD_INPUT.
 */
import { runErrorTable } from '@lec/backend-tests';
import { DTypeError, OutOfMemoryError, ShapeError, ValueError, Variable, f64Backend, jsBackend, tensor, zeros } from '@lec/tensor';
import * as nn from './index.js';

const { FormatError, NonFiniteError } = nn;
const int = (v: number[]) => tensor(v, [v.length], { dtype: 'int32' });
const m23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
const HUGE = [1e6, 1e6];
/** Initializers allocate through the creation ops, which name themselves. */
const init = (f: nn.Initializer, op: string) => [
  { name: 'a shape of 10^12 elements', fn: () => f(HUGE), error: OutOfMemoryError, op, arg: 'shape' },
];
const notShape = (op: string, f: (p: ReturnType<typeof m23>, t: ReturnType<typeof m23>) => unknown) => [
  { name: 'prediction and target shapes differ', fn: () => f(m23(), zeros([3, 2])), error: ShapeError, op },
];

runErrorTable({
  packageName: '@lec/nn',
  exports: nn as unknown as Record<string, unknown>,
  backends: { js: jsBackend, f64: f64Backend },
  noBadInput: {
    FormatError: 'error class',
    NonFiniteError: 'error class',
    Module: 'abstract base class (its layers have entries)',
    Optimizer: 'abstract base class (SGD, Adam, AdamW, RMSProp have entries; step has one under SGD)',
    isJsonObject: 'type predicate: any value is an answer',
    isNodeTty: 'environment predicate',
    globalNorm: 'a norm of any list of tensors; NaN or ∞ for non-finite entries, by definition',
    zerosInit: 'takes no argument (the initializer it returns has the entry under normalInit)',
    onesInit: 'takes no argument (the initializer it returns has the entry under normalInit)',
    terminalProgress: 'a display: any options give one',
    saveModel: 'serializes any Module (its parameters are already valid tensors)',
    saveWeights: 'metadata is checked by writeSafetensors, which has the entry',
    saveOptimizer: "writes the optimizer's state for any Module (its slots are already valid tensors)",
    nextMacrotask: 'takes no argument',
    epochLinePrinter: 'takes no argument',
    printLine: 'prints any string',
  },
  cases: {
    Adam: [{ name: 'beta2 1.5', fn: () => new nn.Adam({ beta2: 1.5 }), error: ValueError, arg: 'beta2' }],
    AdamW: [{ name: 'weightDecay −1', fn: () => new nn.AdamW({ weightDecay: -1 }), error: ValueError, arg: 'weightDecay' }],
    SGD: [
      { name: 'momentum 1', fn: () => new nn.SGD({ momentum: 1 }), error: ValueError, arg: 'momentum' },
      { name: 'NaN learning rate', fn: () => new nn.SGD({ learningRate: Number.NaN }), error: ValueError, arg: 'learningRate' },
      {
        name: 'step with a NaN gradient',
        fn: () => new nn.SGD().step([new Variable(tensor([1]), { name: 'w' })], [tensor([Number.NaN])]),
        error: NonFiniteError,
        op: 'Optimizer.step',
        arg: 'w',
      },
    ],
    RMSProp: [{ name: 'rho 2', fn: () => new nn.RMSProp({ rho: 2 }), error: ValueError, arg: 'rho' }],
    BatchNorm1d: [
      {
        name: 'one value per channel in training',
        fn: () => new nn.BatchNorm1d(3).forward(tensor([[1, 2, 3]])),
        error: ValueError,
        op: 'BatchNorm1d.forward',
        arg: 'x',
      },
      {
        name: 'wrong feature count',
        fn: () => new nn.BatchNorm1d(3).forward(zeros([2, 4])),
        error: ShapeError,
        op: 'BatchNorm1d.forward',
        arg: 'x',
      },
    ],
    BatchNorm2d: [
      {
        name: 'one value per channel in training',
        fn: () => new nn.BatchNorm2d(2).forward(zeros([1, 1, 1, 2])),
        error: ValueError,
        op: 'BatchNorm2d.forward',
        arg: 'x',
      },
    ],
    Dense: [
      { name: '10^6 × 10^6 weights', fn: () => new nn.Dense(1e6, 1e6), error: OutOfMemoryError, op: 'uniform', arg: 'shape' },
      {
        name: 'wrong input width',
        fn: () => new nn.Dense(3, 2, { seed: 0 }).forward(zeros([2, 4])),
        error: ShapeError,
        op: 'Dense.forward',
        arg: 'x',
      },
    ],
    Dropout: [{ name: 'rate 1.5', fn: () => new nn.Dropout(1.5), error: ValueError, arg: 'rate' }],
    ELU: [{ name: 'int32 input', fn: () => new nn.ELU().forward(int([1])), error: DTypeError, op: 'elu', arg: 'x' }],
    LeakyReLU: [{ name: 'int32 input', fn: () => new nn.LeakyReLU().forward(int([1])), error: DTypeError, op: 'leakyRelu', arg: 'x' }],
    ReLU: [{ name: 'a string input', fn: () => new nn.ReLU().forward('x' as never), error: DTypeError, op: 'relu', arg: 'x' }],
    Sigmoid: [{ name: 'int32 input', fn: () => new nn.Sigmoid().forward(int([1])), error: DTypeError, op: 'sigmoid', arg: 'x' }],
    Softmax: [{ name: 'axis 5 of a matrix', fn: () => new nn.Softmax(5).forward(m23()), error: ValueError, op: 'softmax', arg: 'axis' }],
    Tanh: [{ name: 'int32 input', fn: () => new nn.Tanh().forward(int([1])), error: DTypeError, op: 'tanh', arg: 'x' }],
    Embedding: [
      { name: '10^6 × 10^6 table', fn: () => new nn.Embedding(1e6, 1e6), error: OutOfMemoryError, op: 'randn', arg: 'shape' },
      {
        name: 'index out of range',
        fn: () => new nn.Embedding(3, 2, { seed: 0 }).forward(int([0, 3])),
        error: ValueError,
        op: 'gather',
        arg: 'indices',
      },
    ],
    Flatten: [{ name: 'a scalar', fn: () => new nn.Flatten().forward(tensor(3)), error: ShapeError, op: 'Flatten.forward', arg: 'x' }],
    LayerNorm: [
      { name: 'wrong last dimension', fn: () => new nn.LayerNorm(4).forward(m23()), error: ShapeError, op: 'LayerNorm.forward', arg: 'x' },
    ],
    Sequential: [{ name: 'a child that is not a Module', fn: () => new nn.Sequential([{} as never]), error: ValueError, arg: 'layers' }],
    Perceptron: [{ name: 'a fractional input count', fn: () => new nn.Perceptron(1.5), error: ShapeError, op: 'full', arg: 'shape' }],
    ConfigReader: [
      {
        name: 'a string where an integer belongs',
        fn: () => new nn.ConfigReader('Dense', { inFeatures: 'x' }).int('inFeatures'),
        error: FormatError,
        op: 'loadModel',
        arg: 'inFeatures',
      },
    ],
    accuracy: [{ name: 'sample counts differ', fn: () => nn.accuracy(m23(), int([0, 1, 2])), error: ShapeError }],
    confusionMatrix: [{ name: 'sample counts differ', fn: () => nn.confusionMatrix(m23(), int([0, 1, 2])), error: ShapeError }],
    meanSquaredError: notShape('meanSquaredError', (p, t) => nn.meanSquaredError(p, t)),
    meanAbsoluteError: notShape('meanAbsoluteError', (p, t) => nn.meanAbsoluteError(p, t)),
    binaryCrossEntropy: notShape('binaryCrossEntropy', (p, t) => nn.binaryCrossEntropy(p, t)),
    binaryCrossEntropyWithLogits: notShape('binaryCrossEntropyWithLogits', (p, t) => nn.binaryCrossEntropyWithLogits(p, t)),
    gaussianKlDivergence: notShape('gaussianKlDivergence', (p, t) => nn.gaussianKlDivergence(p, t)),
    softmaxCrossEntropyWithLogits: [
      {
        name: 'label 7 of 3 classes',
        fn: () => nn.softmaxCrossEntropyWithLogits(m23(), int([0, 7]), { reduction: 'none' }),
        error: ValueError,
        arg: 'target',
      },
      { name: 'negative label', fn: () => nn.softmaxCrossEntropyWithLogits(m23(), int([-1, 0])), error: ValueError, arg: 'target' },
    ],
    negativeLogLikelihood: [
      { name: 'label 3 of 3 classes', fn: () => nn.negativeLogLikelihood(m23(), int([0, 3])), error: ValueError, arg: 'target' },
    ],
    clipGradNorm: [{ name: 'maxNorm 0', fn: () => nn.clipGradNorm([tensor([1])], 0), error: ValueError, arg: 'maxNorm' }],
    clipGradValue: [{ name: 'clipValue −1', fn: () => nn.clipGradValue([tensor([1])], -1), error: ValueError, arg: 'clipValue' }],
    computeFans: [{ name: 'a negative dimension', fn: () => nn.computeFans([-1, 2]), error: ShapeError, arg: 'shape' }],
    constantInit: init(nn.constantInit(2), 'full'),
    normalInit: init(nn.normalInit(), 'randn'),
    glorotUniform: init(nn.glorotUniform(), 'uniform'),
    glorotNormal: init(nn.glorotNormal(), 'randn'),
    heUniform: init(nn.heUniform(), 'uniform'),
    heNormal: init(nn.heNormal(), 'randn'),
    orthogonal: [{ name: 'a 10^6 × 10^6 matrix', fn: () => nn.orthogonal()(HUGE), error: OutOfMemoryError, op: 'randn', arg: 'shape' }],
    stepDecay: [{ name: 'stepSize 0', fn: () => nn.stepDecay(0.1, { stepSize: 0 }), error: ValueError, arg: 'stepSize' }],
    cosineDecay: [{ name: 'totalSteps −5', fn: () => nn.cosineDecay(0.1, { totalSteps: -5 }), error: ValueError, arg: 'totalSteps' }],
    warmup: [{ name: 'steps 1.5', fn: () => nn.warmup(1.5, 0.1), error: ValueError, arg: 'steps' }],
    sequence: [{ name: 'no parts', fn: () => nn.sequence([]), error: ValueError, arg: 'parts' }],
    decisionBoundary: [
      {
        name: 'resolution 10^6',
        fn: () => nn.decisionBoundary(new nn.Dense(2, 1, { seed: 0 }), { xRange: [0, 1], yRange: [0, 1], resolution: 1e6 }),
        error: ValueError,
        arg: 'resolution',
      },
    ],
    evaluate: [
      {
        name: 'x and y sample counts differ',
        fn: () => nn.evaluate(new nn.Dense(3, 1, { seed: 0 }), { x: m23(), y: zeros([3, 1]) }, { loss: nn.meanSquaredError }),
        error: ShapeError,
        arg: 'data',
      },
    ],
    predict: [
      {
        name: 'batchSize 0',
        fn: () => nn.predict(new nn.Dense(3, 1, { seed: 0 }), m23(), { batchSize: 0 }),
        error: ValueError,
        arg: 'batchSize',
      },
    ],
    fit: [
      {
        name: 'x and y sample counts differ (rejected promise)',
        fn: () =>
          nn.fit(new nn.Dense(3, 1, { seed: 0 }), { x: m23(), y: zeros([3, 1]) }, { loss: nn.meanSquaredError, optimizer: new nn.SGD() }),
        error: ShapeError,
        arg: 'data',
        async: true,
      },
    ],
    trainStep: [
      {
        name: 'a NaN loss',
        fn: () =>
          nn.trainStep(new nn.Dense(3, 1, { seed: 0 }), nn.meanSquaredError, new nn.SGD(), tensor([[Number.NaN, 1, 2]]), zeros([1, 1])),
        error: NonFiniteError,
      },
    ],
    rosenblattStep: [
      {
        name: 'target 2 (not 0 or 1)',
        fn: () => nn.rosenblattStep(zeros([2, 1]), zeros([1]), tensor([1, 1]), 2),
        error: ValueError,
        arg: 'target',
      },
    ],
    readSafetensors: [{ name: 'a 3-byte file', fn: () => nn.readSafetensors(new Uint8Array(3)), error: FormatError }],
    writeSafetensors: [
      { name: 'a reserved tensor name', fn: () => nn.writeSafetensors([['__metadata__', tensor([1])]]), error: ValueError },
    ],
    summary: [
      {
        name: 'an input shape with a 0',
        fn: () => nn.summary(new nn.Dense(2, 2, { seed: 0 }), [0]),
        error: ValueError,
        arg: 'inputShape',
      },
    ],
    modelCheckpoint: [
      { name: 'every 0', fn: () => nn.modelCheckpoint({ save: () => {}, every: 0 }), error: ValueError, arg: 'every' },
      { name: 'no save function', fn: () => nn.modelCheckpoint({} as never), error: ValueError, arg: 'save' },
    ],
    loadOptimizer: [
      {
        name: 'a 3-byte file',
        fn: () => nn.loadOptimizer(new nn.Adam(), new nn.Dense(1, 1, { seed: 0 }), new Uint8Array(3)),
        error: FormatError,
        op: 'readSafetensors',
      },
      {
        name: 'a safetensors file that is not an optimizer state',
        fn: () => nn.loadOptimizer(new nn.Adam(), new nn.Dense(1, 1, { seed: 0 }), nn.writeSafetensors([['w', tensor([1])]])),
        error: FormatError,
      },
    ],
    loadWeights: [
      {
        name: 'a 3-byte file',
        fn: () => nn.loadWeights(new nn.Dense(1, 1, { seed: 0 }), new Uint8Array(3)),
        error: FormatError,
        op: 'readSafetensors',
      },
    ],
    loadModel: [
      {
        name: 'a repeated key in the description',
        fn: () => nn.loadModel({ description: '{"a":1,"a":2}', weights: nn.saveWeights(new nn.Sequential()) }, nn.coreLayers),
        error: FormatError,
      },
    ],
    safeJsonParse: [
      {
        name: 'nesting deeper than maxDepth',
        fn: () => nn.safeJsonParse('[[[1]]]', 'load', { maxDepth: 2 }),
        error: FormatError,
        op: 'load',
      },
    ],
  },
});

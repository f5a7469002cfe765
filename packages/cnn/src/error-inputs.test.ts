/**
 * The error-inputs table of @lec/cnn (issue 25): every exported function and class, the bad
 * inputs it must refuse and the typed error each gives, on the js and f64 backends.
 */
import { runErrorTable } from '@lec/backend-tests';
import { BackendError, DTypeError, OutOfMemoryError, ShapeError, ValueError, f64Backend, jsBackend, tensor, zeros } from '@lec/tensor';
import * as cnn from './index.js';

const img = () => zeros([1, 4, 4, 1]);

runErrorTable({
  packageName: '@lec/cnn',
  exports: cnn as unknown as Record<string, unknown>,
  backends: { js: jsBackend, f64: f64Backend },
  noBadInput: {
    fieldLayersOf: 'reads the windows of any Module (a model without convolutions gives an empty list)',
    loadFashionMnist: 'takes no data-dependent argument here; its input budgets belong to the @lec/datasets work (issue 21)',
  },
  cases: {
    Conv2d: [
      { name: 'kernel 0', fn: () => new cnn.Conv2d(1, 2, 0), error: ValueError },
      {
        name: 'wrong input channels',
        fn: () => new cnn.Conv2d(3, 2, 3, { seed: 0 }).forward(img()),
        error: ShapeError,
        op: 'Conv2d.forward',
        arg: 'x',
      },
    ],
    Conv2dTranspose: [{ name: 'stride 0', fn: () => new cnn.Conv2dTranspose(1, 1, 2, { strides: 0 }), error: ValueError }],
    MaxPool2d: [{ name: 'window 0', fn: () => new cnn.MaxPool2d(0), error: ValueError }],
    AvgPool2d: [
      { name: 'rank-2 input', fn: () => new cnn.AvgPool2d(2).forward(zeros([2, 2])), error: ShapeError, op: 'AvgPool2d.forward', arg: 'x' },
    ],
    GlobalAvgPool: [
      {
        name: 'rank-2 input',
        fn: () => new cnn.GlobalAvgPool().forward(zeros([2, 2])),
        error: ShapeError,
        op: 'GlobalAvgPool.forward',
        arg: 'x',
      },
    ],
    GlobalMaxPool: [
      {
        name: 'rank-2 input',
        fn: () => new cnn.GlobalMaxPool().forward(zeros([2, 2])),
        error: ShapeError,
        op: 'GlobalMaxPool.forward',
        arg: 'x',
      },
    ],
    Conv1d: [
      { name: 'kernel size 0', fn: () => new cnn.Conv1d(2, 3, 0), error: ValueError, arg: 'kernelSize' },
      { name: 'padding -1', fn: () => new cnn.Conv1d(2, 3, 3, { padding: -1 }), error: ValueError, arg: 'padding' },
      { name: 'stride 1.5', fn: () => new cnn.Conv1d(2, 3, 3, { stride: 1.5 }), error: ValueError, arg: 'stride' },
      {
        name: 'NHWC image input',
        fn: () => new cnn.Conv1d(2, 3, 3).forward(zeros([1, 4, 4, 2])),
        error: ShapeError,
        op: 'Conv1d.forward',
        arg: 'x',
      },
    ],
    Upsample: [
      { name: 'scale 0', fn: () => new cnn.Upsample(0), error: ValueError, arg: 'scale' },
      {
        name: 'scale 10^6 (output of 10^14 elements)',
        fn: () => new cnn.Upsample(1e6).forward(zeros([1, 10, 10, 1])),
        error: OutOfMemoryError,
        op: 'Upsample.forward',
        arg: 'x',
      },
    ],
    lenet5: [{ name: '0 classes', fn: () => cnn.lenet5({ classes: 0 }), error: ValueError, arg: 'classes' }],
    smallCnn: [{ name: '0 classes', fn: () => cnn.smallCnn({ classes: 0 }), error: ValueError, arg: 'classes' }],
    denseParameterCount: [{ name: 'negative units', fn: () => cnn.denseParameterCount(3, -1), error: ValueError }],
    convParameterCount: [{ name: 'fractional kernel', fn: () => cnn.convParameterCount(1.5, 3, 1, 1), error: ValueError }],
    compareFirstLayer: [
      { name: 'negative filters', fn: () => cnn.compareFirstLayer([28, 28, 1], 3, -1, 10), error: ValueError, op: 'denseParameterCount' },
    ],
    receptiveField: [
      { name: 'a layer with stride 0', fn: () => cnn.receptiveField([{ kernel: 3, stride: 0 }] as never), error: ValueError },
    ],
    fieldLayersOf: [
      { name: 'axis 2', fn: () => cnn.fieldLayersOf(cnn.smallCnn(), 2 as never), error: ValueError, arg: 'axis' },
      { name: 'not a model', fn: () => cnn.fieldLayersOf({} as never), error: ValueError, arg: 'model' },
    ],
    randomAffine: [{ name: 'rank-2 images', fn: () => cnn.randomAffine(zeros([4, 4])), error: ShapeError }],
    deskew: [{ name: 'rank-2 images', fn: () => cnn.deskew(zeros([4, 4])), error: ShapeError }],
    loadMnist: [
      {
        name: 'a source that is not a function (rejected promise)',
        fn: () => cnn.loadMnist({ source: 'nope' as never }),
        error: BackendError,
        async: true,
      },
    ],
    convolvePmf: [
      { name: 'an unknown method', fn: () => cnn.convolvePmf([0.5, 0.5], [1], 'magic' as never), error: ValueError, arg: 'method' },
    ],
    convolvePdf: [
      {
        name: 'grids with different steps',
        fn: () => cnn.convolvePdf({ start: 0, step: 1, values: [1] } as never, { start: 0, step: 2, values: [1] } as never),
        error: ValueError,
      },
    ],
    logConvolve: [
      { name: 'int32 input', fn: () => cnn.logConvolve(tensor([0], [1], { dtype: 'int32' }), tensor([0])), error: DTypeError, arg: 'x' },
    ],
    logConvolvePmf: [
      {
        name: 'int32 input',
        fn: () => cnn.logConvolvePmf(tensor([0]), tensor([0], [1], { dtype: 'int32' })),
        error: DTypeError,
        arg: 'logQ',
      },
    ],
  },
});

/**
 * @lec/cnn: convolutional networks. Layouts: images NHWC [batch, height, width, channels],
 * filters [kh, kw, inChannels, outChannels].
 * @packageDocumentation
 */
export { fieldLayersOf, receptiveField, type FieldInfo, type FieldLayer } from './receptive-field.js';
export { compareFirstLayer, convParameterCount, denseParameterCount, type FirstLayerComparison } from './parameter-count.js';
export { convolvePdf, convolvePmf, type ConvolveMethod, type GridDensity } from './probability/convolve-pmf.js';
export { logConvolve, logConvolvePmf, type LogConvolveOptions } from './probability/log-convolve.js';
export { loadMnist, type DigitSource, type MnistOptions } from './data/mnist.js';
export { randomAffine, type RandomAffineOptions } from './data/augment.js';
export { deskew, type DeskewOptions } from './data/deskew.js';
export { FASHION_CLASSES, loadFashionMnist } from './data/fashion-mnist.js';
export type { ImageDataset, ImageSplit, LoadOptions } from './data/image-dataset.js';
export { Conv1d, type Conv1dLayerOptions } from './layers/conv1d.js';
export { Conv2d, type Conv2dLayerOptions } from './layers/conv2d.js';
export { Conv2dTranspose, type Conv2dTransposeLayerOptions } from './layers/conv2d-transpose.js';
export { AvgPool2d, GlobalAvgPool, GlobalMaxPool, MaxPool2d, type PoolLayerOptions } from './layers/pooling.js';
export { Upsample } from './layers/upsample.js';
export type { CnnLayerOptions } from './layers/options.js';
export { lenet5, smallCnn, type LeNetOptions } from './models.js';
export { cnnLayers } from './registry.js';

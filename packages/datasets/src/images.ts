/**
 * Image datasets from their standard files: MNIST and Fashion-MNIST (four gzip IDX files
 * each, 60,000 train / 10,000 test, 28×28 grey) and CIFAR-10 (the binary tarball, 50,000 /
 * 10,000, 32×32 RGB). Pixels become float32 in [0, 1] (uint8 / 255), NHWC; labels int32.
 */
import { type Tensor, type TypedArray, emptyArray, tensor } from '@lec/tensor';
import { decodeCifar10 } from './cifar.js';
import { DatasetFormatError } from './errors.js';
import { type FetchOptions, type RemoteFile, fetchFile, fetchFiles } from './fetch.js';
import { gunzip } from './gzip.js';
import { type IdxArray, parseIdx } from './idx.js';
import { type DecodedImages, decodeIdxImages, scaleInto } from './idx-images.js';
import { CIFAR10_FILE, FASHION_MNIST_FILES, MNIST_FILES } from './sources.js';
import { readTar } from './tar.js';

/** Images NHWC [n, h, w, c] float32 in [0, 1] and labels int32 [n]. */
export interface ImageSplit {
  images: Tensor;
  labels: Tensor;
}

/** The standard train and test sets of an image dataset. */
export interface ImageData {
  train: ImageSplit;
  test: ImageSplit;
  /** Class names, index = label. */
  classes: readonly string[];
}

/** The raw pixels and labels of one split, before tensors are made. */
export interface RawImages {
  /** uint8 pixels, NHWC, row-major. */
  pixels: Uint8Array;
  labels: Uint8Array;
  shape: [number, number, number, number];
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
/** Fashion-MNIST's class names, index = label. */
export const FASHION_MNIST_CLASSES = [
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
/** CIFAR-10's class names, index = label. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/**
 * Checks and pairs an IDX image file ([n, rows, cols] uint8) with an IDX label file ([n]
 * uint8, values < classes). `maxImages` bounds n.
 * @example
 * ```ts
 * const images = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255]);
 * const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7]);
 * pairIdx(images, labels, 'x', 10, 10).shape; // [1, 1, 2, 1]
 * ```
 */
export function pairIdx(imageBytes: Uint8Array, labelBytes: Uint8Array, name: string, classes: number, maxImages: number): RawImages {
  const op = 'pairIdx';
  const images = parseIdx(imageBytes, `${name} images`);
  const labels = parseIdx(labelBytes, `${name} labels`);
  if (images.dtype !== 'uint8' || images.shape.length !== 3)
    throw new DatasetFormatError(op, `${name} images: expected uint8 [n, rows, cols], got ${images.dtype} [${images.shape.join(', ')}]`);
  const [n, h, w] = images.shape;
  if (n > maxImages) throw new DatasetFormatError(op, `${name}: ${n} images, more than the ${maxImages} expected`);
  return { pixels: images.data as Uint8Array, labels: checkLabels(labels, name, classes, n), shape: [n, h, w, 1] };
}

/** The labels of `n` images: uint8 [n], each below `classes`. */
function checkLabels(labels: IdxArray, name: string, classes: number, n: number): Uint8Array {
  const op = 'pairIdx';
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1)
    throw new DatasetFormatError(op, `${name} labels: expected uint8 [n], got ${labels.dtype} [${labels.shape.join(', ')}]`);
  if (labels.shape[0] !== n) throw new DatasetFormatError(op, `${name}: ${n} images but ${labels.shape[0]} labels`);
  for (let i = 0; i < n; i++)
    if (labels.data[i] >= classes)
      throw new DatasetFormatError(op, `${name} labels: label ${labels.data[i]} at ${i} is not below ${classes}`);
  return labels.data as Uint8Array;
}

/**
 * Reads the CIFAR-10 binary tarball: `cifar-10-batches-bin/data_batch_{1..5}.bin` and
 * `test_batch.bin`, each 10,000 records of 1 label byte + 3,072 pixel bytes (1,024 R, 1,024 G,
 * 1,024 B, each 32×32 row-major), turned into NHWC.
 * @example
 * ```ts
 * const raw = readCifar10Tar(await gunzip(tinyCifarTarGz(), 'tiny.tar.gz', 1 << 20), 'tiny.tar');
 * raw.train.shape; // [5, 32, 32, 3]
 * ```
 */
export function readCifar10Tar(tar: Uint8Array, file: string): { train: RawImages; test: RawImages } {
  const op = 'readCifar10';
  const entries = readTar(tar, file);
  const batch = (names: string[]): RawImages => {
    const parts = names.map((n) => {
      const bytes = entries.get(`cifar-10-batches-bin/${n}`);
      if (!bytes) throw new DatasetFormatError(op, `${file}: no entry cifar-10-batches-bin/${n}`);
      if (bytes.length % 3073 !== 0 || bytes.length === 0)
        throw new DatasetFormatError(op, `${file}: ${n} has ${bytes.length} bytes, not a whole number of 3,073-byte records`);
      return bytes;
    });
    const n = parts.reduce((s, p) => s + p.length / 3073, 0);
    const pixels = new Uint8Array(n * 3072);
    const labels = new Uint8Array(n);
    let i = 0;
    for (const [k, p] of parts.entries())
      for (let r = 0; r < p.length; r += 3073, i++) {
        if (p[r] > 9) throw new DatasetFormatError(op, `${file}: ${names[k]} record ${r / 3073} has label ${p[r]}`);
        labels[i] = p[r];
        const out = i * 3072;
        for (let px = 0; px < 1024; px++) {
          pixels[out + 3 * px] = p[r + 1 + px];
          pixels[out + 3 * px + 1] = p[r + 1025 + px];
          pixels[out + 3 * px + 2] = p[r + 2049 + px];
        }
      }
    return { pixels, labels, shape: [n, 32, 32, 3] };
  };
  return { train: batch([1, 2, 3, 4, 5].map((b) => `data_batch_${b}.bin`)), test: batch(['test_batch.bin']) };
}

/**
 * uint8 NHWC pixels → float32 [0, 1] tensor, labels → int32 tensor. The float array comes from
 * the backend's own storage (`emptyArray`) and is handed over without a copy.
 * @example
 * ```ts
 * toImageSplit({ pixels: new Uint8Array([0, 255]), labels: new Uint8Array([3]), shape: [1, 1, 2, 1] }).images.toArray(); // [[[[0], [1]]]]
 * ```
 */
export function toImageSplit(raw: RawImages): ImageSplit {
  const x = emptyArray(raw.pixels.length, { dtype: 'float32' });
  scaleInto(x, 0, raw.pixels);
  return makeSplit({ pixels: x, shape: raw.shape }, raw.labels);
}

function makeSplit(images: DecodedImages, labels: Uint8Array): ImageSplit {
  // both arrays are ours alone: handed to the backend without a second copy where it can keep them
  const l = Int32Array.from(labels);
  return {
    images: tensor(images.pixels as TypedArray, images.shape, { dtype: 'float32', transfer: true }),
    labels: tensor(l, [l.length], { dtype: 'int32', transfer: true }),
  };
}

async function idxPair(
  dataset: string,
  files: Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', RemoteFile>,
  options: FetchOptions,
) {
  const order = [files.trainImages, files.trainLabels, files.testImages, files.testLabels];
  const gz = await fetchFiles(dataset, order, options);
  // the four files inflate at once; the images are converted piece by piece as they inflate
  const [train, trainLabels, test, testLabels] = await Promise.all([
    decodeIdxImages(gz[0], order[0].name, `${dataset} train`, 60_000, 60_000 * 784 + 16),
    gunzip(gz[1], order[1].name, 60_000 + 8),
    decodeIdxImages(gz[2], order[2].name, `${dataset} test`, 10_000, 10_000 * 784 + 16),
    gunzip(gz[3], order[3].name, 10_000 + 8),
  ]);
  const labels = (bytes: Uint8Array, split: string, images: DecodedImages) =>
    checkLabels(parseIdx(bytes, `${dataset} ${split} labels`), `${dataset} ${split}`, 10, images.shape[0]);
  return {
    train: makeSplit(train, labels(trainLabels, 'train', train)),
    test: makeSplit(test, labels(testLabels, 'test', test)),
  };
}

/**
 * MNIST (LeCun, Cortes, Burges): 60,000 train / 10,000 test handwritten digits, NHWC
 * [n, 28, 28, 1] in [0, 1]. The four gzip IDX files are read from the cache
 * (`<root>/mnist/`) or downloaded (see `FetchOptions`); each is checked against its size, SHA-256 and MD5.
 * @example
 * ```ts
 * // fixtureRoot holds small files in the standard format; `expected` gives their digests
const { train, test } = await mnist({ root: fixtureRoot, download: false, expected: fixtureDigests('mnist') });
 * [train.images.shape, test.labels.shape]; // [[6, 28, 28, 1], [4]]
 * ```
 */
export async function mnist(options: FetchOptions = {}): Promise<ImageData> {
  return { ...(await idxPair('mnist', MNIST_FILES, options)), classes: DIGITS };
}

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf): 60,000 / 10,000 Zalando clothing images, NHWC
 * [n, 28, 28, 1] in [0, 1], from `<root>/fashion-mnist/` or its mirrors.
 * @example
 * ```ts
 * const { train, classes } = await fashionMnist({ root: fixtureRoot, download: false, expected: fixtureDigests('fashion-mnist') });
 * [train.images.shape[0], classes[9]]; // [6, 'Ankle boot']
 * ```
 */
export async function fashionMnist(options: FetchOptions = {}): Promise<ImageData> {
  return { ...(await idxPair('fashion-mnist', FASHION_MNIST_FILES, options)), classes: FASHION_MNIST_CLASSES };
}

/**
 * CIFAR-10 (Krizhevsky): 50,000 / 10,000 colour images, NHWC [n, 32, 32, 3] in [0, 1], from
 * the binary tarball `<root>/cifar-10/cifar-10-binary.tar.gz` or Toronto's server.
 * @example
 * ```ts
 * const { train, test } = await cifar10({ root: fixtureRoot, download: false, expected: fixtureDigests('cifar-10') });
 * [train.images.shape, test.images.shape[0]]; // [[5, 32, 32, 3], 2]
 * ```
 */
export async function cifar10(options: FetchOptions = {}): Promise<ImageData> {
  const gz = await fetchFile('cifar-10', CIFAR10_FILE, options);
  // decoded while it inflates, straight into the tensors' arrays (cifar.ts)
  const { train, test } = await decodeCifar10(gz, CIFAR10_FILE.name, 200 * 1024 * 1024);
  return { train: makeSplit(train.images, train.labels), test: makeSplit(test.images, test.labels), classes: CIFAR10_CLASSES };
}

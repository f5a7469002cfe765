/**
 * Where the standard files come from and the digests they are checked against.
 *
 * - Cora, Citeseer: SHA-256 of the original `ind.*` files (verified here against the copies
 *   in shared/datasets/planetoid-original, byte for byte those of the Planetoid and GCN
 *   repositories).
 * - MNIST, Fashion-MNIST: no SHA-256 is published by the dataset authors or by torchvision;
 *   the MD5s are torchvision's (`torchvision/datasets/mnist.py`, 0.28) and are what is checked.
 *   Their SHA-256 is pending until it can be computed from the real files.
 * - CIFAR-10 binary, PubMed: no digest could be obtained offline (torchvision publishes the
 *   MD5 of the Python version of CIFAR-10 only; PyG publishes none): trust on first use (see
 *   fetch.ts), reported as pending.
 * Mirrors: torchvision's and Keras's for the IDX files, Toronto's for CIFAR-10, and the
 * Planetoid and GCN repositories (as PyG fetches them) for the graphs.
 */
import type { RemoteFile } from './fetch.js';

const MNIST_MIRRORS = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
  'http://yann.lecun.com/exdb/mnist/',
];
const FASHION_MIRRORS = [
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
];

const idx = (mirrors: string[], name: string, md5: string): RemoteFile => ({ name, urls: mirrors.map((m) => m + name), md5 });

/** The four MNIST IDX files (gzip). */
export const MNIST_FILES = {
  trainImages: idx(MNIST_MIRRORS, 'train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'),
  trainLabels: idx(MNIST_MIRRORS, 'train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'),
  testImages: idx(MNIST_MIRRORS, 't10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'),
  testLabels: idx(MNIST_MIRRORS, 't10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'),
} as const;

/** The four Fashion-MNIST IDX files (gzip). */
export const FASHION_MNIST_FILES = {
  trainImages: idx(FASHION_MIRRORS, 'train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'),
  trainLabels: idx(FASHION_MIRRORS, 'train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'),
  testImages: idx(FASHION_MIRRORS, 't10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'),
  testLabels: idx(FASHION_MIRRORS, 't10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'),
} as const;

/** CIFAR-10, binary version (no digest known here: trust on first use). */
export const CIFAR10_FILE: RemoteFile = {
  name: 'cifar-10-binary.tar.gz',
  urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
};

const PLANETOID_MIRRORS = [
  'https://github.com/kimiyoung/planetoid/raw/master/data/',
  'https://raw.githubusercontent.com/kimiyoung/planetoid/master/data/',
  'https://raw.githubusercontent.com/tkipf/gcn/master/gcn/data/',
];

const PLANETOID_SHA256: Record<string, string> = {
  'ind.citeseer.allx': '2ac30345d95c9ec933a817ee0bdd6a5f077f8c184a20e696910192d534414668',
  'ind.citeseer.ally': 'f704b2d986dde6c2669934de1f3ae5696a6cf9455c0f6b2646a2d135ea0a1c95',
  'ind.citeseer.graph': 'd79a4ef9d3e7169aee8946145f6b7306e35bc79bffad26346cfb94e10e9912a7',
  'ind.citeseer.test.index': '2af990671580b6b2df5d158d1038f8292e30c9cd821b5453f399659b25b723d4',
  'ind.citeseer.tx': '539a8906a2da97628d212f2fdd668c109a8b3f0d36574b59e5d3fd5b5303da21',
  'ind.citeseer.ty': '55e5bd1ba1e733a04598753ad1a8d57957f4b8f89e74519f41f4f4938767e4ce',
  'ind.citeseer.x': 'd20de19150741e555de0ed037195630fc194114ebc7fd72ced62810148aa22f6',
  'ind.citeseer.y': '8ba87e515d8e3ee3cf52f6d2c5b86aa73f11ecad825a808455209ec26cd54924',
  'ind.cora.allx': '9419ba2f26f5c35243db64aba110e0f35a04851609e0dc5433450676ca6b8543',
  'ind.cora.ally': '2b998f5cc7fedc86e7f97ca2498f47a1ffc1462c29e2d578b23bf3f62b6e7d71',
  'ind.cora.graph': '58f13302f39dde8852dad6fe6d15b89b077b6d7f837626bce671ef80344b383d',
  'ind.cora.test.index': '297ce89af2b51a6a194181c7dbe1796c6a1cf9cd9349a88383b1b1e227867875',
  'ind.cora.tx': 'b9afbaa4a400df991f6f02ef677e1e44da55ffc04801fd02f9e673987829226a',
  'ind.cora.ty': '41f5ac76596a1699cc33f53084a2419e92961c42bb75f36fc38e616d348532ad',
  'ind.cora.x': '23cfa55d91c6f624233f5eb7b6e3f141f1bd2b2ae39608a63cf5d084bb27baab',
  'ind.cora.y': '94465c14eb53e04ca262198dcbb2521ee8af60fb3f3d546cd6ca24a511b0e7d1',
};

/**
 * The original file `ind.<dataset>.<suffix>` with its mirrors and SHA-256 (none yet for PubMed).
 * @example
 * ```ts
 * planetoidFile('cora', 'x').sha256; // '23cfa55d91c6f624233f5eb7b6e3f141f1bd2b2ae39608a63cf5d084bb27baab'
 * ```
 */
export function planetoidFile(dataset: string, suffix: string): RemoteFile {
  const name = `ind.${dataset}.${suffix}`;
  return { name, urls: PLANETOID_MIRRORS.map((m) => m + name), sha256: PLANETOID_SHA256[name] };
}

/**
 * Where the standard files come from and the digests they are checked against.
 *
 * - Cora, Citeseer: SHA-256 of the original `ind.*` files (verified here against the copies
 *   in shared/datasets/planetoid-original, byte for byte those of the Planetoid and GCN
 *   repositories).
 * - MNIST, Fashion-MNIST: SHA-256 and size from tensorflow_datasets
 *   (`tensorflow_datasets/url_checksums/{mnist,fashion_mnist}.txt`), the same SHA-256s as
 *   torchvision's prototype datasets (`torchvision/prototype/datasets/_builtin/mnist.py`); MD5
 *   from torchvision (`torchvision/datasets/mnist.py`, 0.28). All three are checked.
 * - CIFAR-10 binary: SHA-256 and size from tensorflow_datasets
 *   (`url_checksums/cifar10.txt`); MD5 from the dataset's page (www.cs.toronto.edu/~kriz/cifar.html,
 *   "CIFAR-10 binary version"), which other projects pin beside the same SHA-256.
 * - PubMed: SHA-256 of the `ind.pubmed.*` files as pinned by two independent public projects
 *   (skygazer42/sky-vgl `vgl/data/public.py`, and a citation-data loader pinned to
 *   kimiyoung/planetoid@af6abf46), which also pin exactly our Cora and Citeseer values.
 *   Not verified against the files here (no copy of PubMed on this machine).
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

const idx = (mirrors: string[], name: string, bytes: number, sha256: string, md5: string): RemoteFile => ({
  name,
  urls: mirrors.map((m) => m + name),
  bytes,
  sha256,
  md5,
});

/** The four MNIST IDX files (gzip). */
export const MNIST_FILES = {
  trainImages: idx(
    MNIST_MIRRORS,
    'train-images-idx3-ubyte.gz',
    9912422,
    '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
    'f68b3c2dcbeaaa9fbdd348bbdeb94873',
  ),
  trainLabels: idx(
    MNIST_MIRRORS,
    'train-labels-idx1-ubyte.gz',
    28881,
    '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
    'd53e105ee54ea40749a09fcbcd1e9432',
  ),
  testImages: idx(
    MNIST_MIRRORS,
    't10k-images-idx3-ubyte.gz',
    1648877,
    '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
    '9fb629c4189551a2d022fa330f9573f3',
  ),
  testLabels: idx(
    MNIST_MIRRORS,
    't10k-labels-idx1-ubyte.gz',
    4542,
    'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
    'ec29112dd5afa0611ce80d1b7f02629c',
  ),
} as const;

/** The four Fashion-MNIST IDX files (gzip). */
export const FASHION_MNIST_FILES = {
  trainImages: idx(
    FASHION_MIRRORS,
    'train-images-idx3-ubyte.gz',
    26421880,
    '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
    '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  ),
  trainLabels: idx(
    FASHION_MIRRORS,
    'train-labels-idx1-ubyte.gz',
    29515,
    'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
    '25c81989df183df01b3e8a0aad5dffbe',
  ),
  testImages: idx(
    FASHION_MIRRORS,
    't10k-images-idx3-ubyte.gz',
    4422102,
    '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
    'bef4ecab320f06d8554ea6380940ec79',
  ),
  testLabels: idx(
    FASHION_MIRRORS,
    't10k-labels-idx1-ubyte.gz',
    5148,
    '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    'bb300cfdad3c16e7a12a480ee83cd310',
  ),
} as const;

/** CIFAR-10, binary version. */
export const CIFAR10_FILE: RemoteFile = {
  name: 'cifar-10-binary.tar.gz',
  urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
  bytes: 170052171,
  sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
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
  'ind.pubmed.allx': '508e538e2abdccdd54c4d3e9f49d638b4af7107d85845f66ddea5a5152658b7e',
  'ind.pubmed.ally': '0c37bbe3b5014ec365e9d393cf4791925e5ed94fb194305d74f064a8d7b50f0e',
  'ind.pubmed.graph': '5b89f0036ca22909471f1e6558eb42fa06e0c730a577bde5b058b40638f81dc9',
  'ind.pubmed.test.index': 'b101d421688bbaecbd82e8a18f1e282378d6830f3a37666f28ebc47f844341b5',
  'ind.pubmed.tx': '4eb5f5d0f30f26497eb0ac6ac9719d09c67e284f1ed0385c93f3ef27a671da3d',
  'ind.pubmed.ty': 'ee2e0d4819d9fbcc403689c3bf2e49face401b605932f093bc58ab6461130fdd',
  'ind.pubmed.x': 'fbe9cb5c47200d1b7769a26e579be3b7130b556831f9d850e77c4c74f2599b33',
  'ind.pubmed.y': 'e6c807633307a07ed659249006536a147c7999c797f11a2560752990181b41b3',
};

/**
 * The original file `ind.<dataset>.<suffix>` with its mirrors and SHA-256.
 * @example
 * ```ts
 * planetoidFile('cora', 'x').sha256; // '23cfa55d91c6f624233f5eb7b6e3f141f1bd2b2ae39608a63cf5d084bb27baab'
 * ```
 */
export function planetoidFile(dataset: string, suffix: string): RemoteFile {
  const name = `ind.${dataset}.${suffix}`;
  return { name, urls: PLANETOID_MIRRORS.map((m) => m + name), sha256: PLANETOID_SHA256[name] };
}

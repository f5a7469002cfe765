/**
 * @lec/datasets: the standard datasets from their standard files, fetched from the usual
 * mirrors, verified, cached and parsed by readers of our own.
 *
 * - Loaders (Node; download by default like torchvision, cache in ~/.cache/lec or
 *   LEC_DATA_DIR): `mnist`, `fashionMnist`, `cifar10`, `planetoid` ('cora' | 'citeseer' |
 *   'pubmed', with Kipf & Welling's split); `karateClub` ships inside the package.
 * - Readers over bytes (browser or Node): `parseIdx`, `gunzip`, `readTar`,
 *   `readCifar10Tar`, `unpickle` (restricted: numpy arrays, scipy CSR, lists, dicts,
 *   defaultdicts; every other global refused), `parsePlanetoidFiles`.
 * - Fetching: `fetchFile` (mirrors, SHA-256/MD5, temp file + rename, retries, timeout,
 *   progress, cross-process lock), `cacheRoot`, and the sources with their digests.
 * @packageDocumentation
 */
export { ChecksumError, DatasetError, DatasetFormatError, DownloadError, ForbiddenGlobalError } from './errors.js';
export { IDX_MAX_RANK, parseIdx, type IdxArray } from './idx.js';
export { gunzip, gunzipChunks } from './gzip.js';
export { TAR_MAX_ENTRIES, readTar } from './tar.js';
export { PICKLE_MAX_ITEMS, PyDict, unpickle, type CsrArrays, type NdArray, type PickleValue, type PyKey } from './pickle.js';
export { MAX_TEST_IDS, PLANETOID_SUFFIXES, parsePlanetoidFiles, type PlanetoidData, type PlanetoidFiles } from './planetoid.js';
export { planetoid, type PlanetoidName } from './planetoid-loader.js';
export { cacheRoot, digest, fetchFile, fetchFiles, type DownloadProgress, type FetchOptions, type RemoteFile } from './fetch.js';
export { sha256Hex, type CacheStorageLike } from './page-cache.js';
export { CIFAR10_FILE, FASHION_MNIST_FILES, MNIST_FILES, planetoidFile } from './sources.js';
export {
  CIFAR10_CLASSES,
  FASHION_MNIST_CLASSES,
  cifar10,
  fashionMnist,
  mnist,
  pairIdx,
  readCifar10Tar,
  toImageSplit,
  type ImageData,
  type ImageSplit,
  type RawImages,
} from './images.js';
export { karateClub, type KarateData } from './karate.js';

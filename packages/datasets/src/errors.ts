/**
 * Typed errors of @lec/datasets. Like every lec error they extend `LecError`: the message
 * starts with the function that raised it and names the file, what was expected and what came.
 */
import { LecError } from '@lec/tensor';

/**
 * The base class of every @lec/datasets error (catch this to catch them all).
 * @example
 * ```ts
 * new DatasetFormatError('parseIdx', 'x: bad magic') instanceof DatasetError; // true
 * ```
 */
export class DatasetError extends LecError {}

/**
 * A file is malformed, truncated, larger than its budget, or disagrees with itself (a
 * declared count that the data does not have). The message names the file.
 * @example
 * ```ts
 * parseIdx(new Uint8Array([1, 2, 3]), 'x.idx'); // throws DatasetFormatError
 * ```
 */
export class DatasetFormatError extends DatasetError {}

/**
 * A pickle names a global outside the restricted unpickler's allow-list (numpy arrays and
 * dtypes, scipy CSR matrices, lists, dicts, defaultdicts). Nothing from the file is ever
 * called: the allow-list maps names to readers of our own.
 * @example
 * ```ts
 * unpickle(new Uint8Array([0x80, 2, 0x63, ...new TextEncoder().encode('os\nsystem\n'), 0x2e]), 'evil.pkl'); // throws ForbiddenGlobalError
 * ```
 */
export class ForbiddenGlobalError extends DatasetFormatError {}

/**
 * A file's digest differs from the one stored in the package (or recorded at first download).
 * @example
 * ```ts
 * new ChecksumError('download', 'x: sha256 mismatch') instanceof DatasetError; // true
 * ```
 */
export class ChecksumError extends DatasetError {}

/**
 * A file is not in the cache and could not be downloaded (offline, every mirror failed, or
 * `download: false`). The message lists every URL tried with its failure and says where to
 * put the file by hand.
 * @example
 * ```ts
 * new DownloadError('mnist', 'offline').name; // 'DownloadError'
 * ```
 */
export class DownloadError extends DatasetError {
  /** The URLs tried, in order, with why each failed. */
  readonly attempts: readonly { url: string; error: string }[];
  /** Where the file must be placed by hand. */
  readonly path: string;
  constructor(op: string, message: string, attempts: readonly { url: string; error: string }[] = [], path = '') {
    super(op, message);
    this.attempts = attempts;
    this.path = path;
  }
}
